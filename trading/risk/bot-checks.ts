// Checks on the bot itself and the signal's quality.
import type { RiskCheck } from './context.ts';

/** Active, not paused (by its operator or from a terminal), not reducing, not halted globally. */
export const tradingStateAllowsOpening: RiskCheck = ({ tradingState }, _plan, explain) => ({
  name: 'trading_state',
  passed: tradingState.state === 'active',
  value: tradingState.state,
  limit: 'active',
  reason: explain
    ? tradingState.state === 'active'
      ? 'bot is active'
      : `bot is ${tradingState.state}: ${tradingState.reason}`
    : '',
});

export const autoTradeOn: RiskCheck = ({ bot }, _plan, explain) => ({
  name: 'auto_trade',
  passed: bot.autoTrade,
  value: bot.autoTrade,
  limit: true,
  reason: explain ? (bot.autoTrade ? 'auto-trade is on' : 'auto-trade is off') : '',
});

export const minimumScore: RiskCheck = ({ signal, settings }, _plan, explain) => {
  const passed = signal.score >= settings.decisionMinScore;
  return {
    name: 'min_score',
    passed,
    value: signal.score,
    limit: settings.decisionMinScore,
    reason: explain
      ? `score ${signal.score.toFixed(2)} ${passed ? 'meets' : 'is below'} the minimum ${settings.decisionMinScore}`
      : '',
  };
};
