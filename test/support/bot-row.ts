// A bot row for tests that write the database directly: the fields the table requires (a pin-bar
// gold bot on its own paper account), the name and magic given, anything else on top. Not flushed.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Bot, type IBot } from '../../db/entities/index.ts';

export function newBotRow(
  em: EntityManager,
  fields: Pick<IBot, 'name' | 'magic'> & Partial<Pick<IBot, 'status' | 'brokerAccount'>>,
): IBot {
  return em.create(Bot, {
    symbol: 'XAUUSDm',
    lookback: 100,
    enabledStrategies: ['pin_bar'],
    strategyParams: {},
    riskSettings: {},
    brokerAccount: `paper-${fields.name}`,
    ...fields,
  });
}
