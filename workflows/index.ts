export { backtest, cancelBacktestSignal } from './backtest.ts';
export { flattenBot } from './flatten-bot.ts';
export { scalperCycle } from './scalper-cycle.ts';
