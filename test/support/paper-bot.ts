// A pin-bar bot on gold with auto-trade on, on a paper account of its own (`paper-<name>`): the bot
// the activity tests trade with, with the fields a test needs on top.
import type { NewBot } from '../../bots/service.ts';
import type { IBot } from '../../db/entities/index.ts';
import type { TestEngine } from './engine.ts';

export function paperGoldBot(engine: TestEngine, name: string, fields: Partial<NewBot> = {}): Promise<IBot> {
  return engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    brokerAccount: `paper-${name}`,
    autoTrade: true,
    ...fields,
  });
}
