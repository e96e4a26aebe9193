// A broker whose order sends take a while, so a test can act while sends are in flight.
import type { BrokerPort } from '../../brokers/port.ts';

export function slowSends(broker: BrokerPort, delayMs: number): BrokerPort {
  return {
    ...broker,
    name: broker.name,
    account: () => broker.account(),
    instrument: (symbol) => broker.instrument(symbol),
    quote: (symbol) => broker.quote(symbol),
    closedBars: (symbol, count) => broker.closedBars(symbol, count),
    modifyPosition: (ticket, sl, tp) => broker.modifyPosition(ticket, sl, tp),
    closePosition: (ticket, volume, comment) => broker.closePosition(ticket, volume, comment),
    positions: (filter) => broker.positions(filter),
    deals: (range, filter) => broker.deals(range, filter),
    historyOrders: (range, filter) => broker.historyOrders(range, filter),
    findOrderByComment: (magic, comment, since) => broker.findOrderByComment(magic, comment, since),
    async placeMarketOrder(request) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return broker.placeMarketOrder(request);
    },
  };
}
