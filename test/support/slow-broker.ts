// A broker whose order sends take a while, so a test can act while sends are in flight.
import type { BrokerPort } from '../../brokers/port.ts';

export function slowSends(broker: BrokerPort, delayMs: number): BrokerPort {
  return {
    ...broker,
    async placeMarketOrder(request) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return broker.placeMarketOrder(request);
    },
  };
}
