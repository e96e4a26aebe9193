import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ACCOUNT_ENVIRONMENTS, ACCOUNT_KINDS } from '../../brokers/accounts.ts';

/**
 * A broker account bots trade on. `connection` holds the kind's settings (brokers/accounts.ts),
 * never a secret: the token lives in the environment variable it names. Unregistered `paper-…`
 * names are paper accounts with the defaults and have no row.
 */
export const BrokerAccount = defineEntity({
  name: 'BrokerAccount',
  tableName: 'broker_account',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
    kind: p.enum(ACCOUNT_KINDS),
    environment: p.enum(ACCOUNT_ENVIRONMENTS),
    connection: p.json<Record<string, unknown>>(),
    /** The operator's explicit opt-in for a live account; off until `scalper account enable-live`. */
    liveTradingEnabled: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IBrokerAccount = InferEntity<typeof BrokerAccount>;
