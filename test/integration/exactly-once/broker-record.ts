// What the broker and the database hold for one bot: read through a paper broker on the same
// PostgreSQL state store the workers used, so the broker side is the account's own history.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { createPaperBroker } from '../../../brokers/paper/index.ts';
import { createPostgresStateStore } from '../../../brokers/paper/postgres-store.ts';
import type { BrokerDeal, BrokerHistoryOrder } from '../../../brokers/port.ts';
import { Execution, Order, type IBot, type IExecution, type IOrder } from '../../../db/entities/index.ts';
import type { TestDatabase } from '../../support/database.ts';

export interface BrokerRecord {
  orders: IOrder[];
  executions: IExecution[];
  /** The broker's history orders of the bot's magic that carry one of the bot's clientOrderIds. */
  brokerOrders: BrokerHistoryOrder[];
  /** Every deal of the bot's magic. */
  deals: BrokerDeal[];
  entryDeals: BrokerDeal[];
}

export async function brokerRecordOf(
  db: TestDatabase,
  bot: IBot,
  feedSeed: number,
  now: number,
): Promise<BrokerRecord> {
  const broker = createPaperBroker({
    store: createPostgresStateStore(db.orm),
    feed: createSyntheticFeed({ seed: feedSeed }),
    account: { login: bot.brokerAccount },
    seed: feedSeed,
    clock: { now: () => now },
  });
  const em = db.orm.em.fork();
  const orders = await em.find(Order, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const executions = await em.find(Execution, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const range = { from: 0, to: now + 60_000 };
  const clientOrderIds = new Set(orders.map((o) => o.clientOrderId));
  const brokerOrders = (await broker.historyOrders(range, { magic: bot.magic })).filter((o) =>
    clientOrderIds.has(o.comment),
  );
  const deals = await broker.deals(range, { magic: bot.magic });
  return { orders, executions, brokerOrders, deals, entryDeals: deals.filter((d) => d.entry === 'in') };
}
