// Checks on the bot itself and the signal's quality.
import type { RiskCheck } from './context.ts';

export const botActive: RiskCheck = ({ bot }) => ({
  name: 'bot_active',
  passed: bot.active,
  value: bot.active,
  limit: true,
  reason: bot.active ? 'bot is active' : 'bot is not active',
});

export const autoTradeOn: RiskCheck = ({ bot }) => ({
  name: 'auto_trade',
  passed: bot.autoTrade,
  value: bot.autoTrade,
  limit: true,
  reason: bot.autoTrade ? 'auto-trade is on' : 'auto-trade is off',
});

export const notHaltedGlobally: RiskCheck = ({ halted }) => ({
  name: 'not_halted_global',
  passed: !halted.global,
  value: halted.global,
  limit: false,
  reason: halted.global ? 'global kill-switch is on' : 'no global halt',
});

export const botNotHalted: RiskCheck = ({ halted }) => ({
  name: 'not_halted_bot',
  passed: !halted.bot,
  value: halted.bot,
  limit: false,
  reason: halted.bot ? "bot's kill-switch is on" : 'bot not halted',
});

export const minimumScore: RiskCheck = ({ signal, settings }) => {
  const passed = signal.score >= settings.decisionMinScore;
  return {
    name: 'min_score',
    passed,
    value: signal.score,
    limit: settings.decisionMinScore,
    reason: `score ${signal.score.toFixed(2)} ${passed ? 'meets' : 'is below'} the minimum ${settings.decisionMinScore}`,
  };
};
