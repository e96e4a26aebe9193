export { backtest, cancelBacktestSignal, cancelBacktestUpdate } from './backtest.ts';
export { flattenBot } from './flatten-bot.ts';
export { scalperCycle } from './scalper-cycle.ts';
