// Which broker a bot's account trades on. Today every account is a paper account on the seeded
// synthetic feed; real MT5 adapters plug in here by account.
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import { createPaperBroker, type PaperStateStore } from '../brokers/paper/index.ts';
import type { BrokerPort } from '../brokers/port.ts';

export interface BrokerDirectoryOptions {
  store: PaperStateStore;
  feedSeed: number;
  now?: () => number;
}

export function createBrokerDirectory(options: BrokerDirectoryOptions): (account: string) => BrokerPort {
  const feed = createSyntheticFeed({ seed: options.feedSeed });
  const brokers = new Map<string, BrokerPort>();
  const clock = options.now ? { now: options.now } : undefined;
  return (account) => {
    let broker = brokers.get(account);
    if (!broker) {
      broker = createPaperBroker({
        store: options.store,
        feed,
        account: { login: account },
        seed: options.feedSeed,
        ...(clock ? { clock } : {}),
      });
      brokers.set(account, broker);
    }
    return broker;
  };
}
