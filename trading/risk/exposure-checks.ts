// Checks on what the account already holds and the bot's recent losses (the daily loss limits
// are in daily-loss-checks.ts).
import type { RiskCheck } from './context.ts';
import type { RiskSettings } from './settings.ts';
import { DAY_MS, MINUTE_MS } from '../trading-day.ts';

/**
 * How far back a decision's context reads the bot's losing closes: the cooldown, and at least a
 * day so that the check's value says how long ago the last loss was even once its cooldown is over.
 */
export function lossLookbackMs(settings: Pick<RiskSettings, 'cooldownAfterLossMinutes'>): number {
  return Math.max(DAY_MS, settings.cooldownAfterLossMinutes * MINUTE_MS);
}

/** The bot's own positions (its magic): other bots on the same account do not count. */
export const maxConcurrentPositions: RiskCheck = ({ openPositions, bot, settings }, _plan, explain) => {
  let open = 0;
  for (const position of openPositions) if (position.magic === bot.magic) open++;
  const passed = open < settings.maxConcurrentPositions;
  return {
    name: 'max_positions',
    passed,
    value: open,
    limit: settings.maxConcurrentPositions,
    reason: explain
      ? `${open} open positions of this bot ${passed ? 'below' : 'reach'} its maximum ${settings.maxConcurrentPositions}`
      : '',
  };
};

/** Every position on the account, whoever opened it; 0 = no account-wide cap. */
export const accountPositionsCap: RiskCheck = ({ openPositions, settings }, _plan, explain) => {
  const open = openPositions.length;
  const limit = settings.maxAccountPositions;
  if (limit === 0)
    return {
      name: 'max_account_positions',
      passed: true,
      value: open,
      limit: null,
      reason: explain ? 'no account-wide cap' : '',
    };
  const passed = open < limit;
  return {
    name: 'max_account_positions',
    passed,
    value: open,
    limit,
    reason: explain
      ? `${open} open positions on the account ${passed ? 'below' : 'reach'} the account-wide maximum ${limit}`
      : '',
  };
};

/**
 * On a netting account MT5 nets every order into the symbol's one position: another open would add
 * to it, sized at full risk on its own stop, and replace the whole position's stop — or cut into
 * a position someone else holds there. A bot opens there only while nobody holds the symbol.
 */
export const nettingSymbolFree: RiskCheck = ({ account, openPositions, instrument }, _plan, explain) => {
  let held = 0;
  for (const position of openPositions) if (position.symbol === instrument.symbol) held++;
  if (account.mode !== 'netting') {
    return {
      name: 'netting_position',
      passed: true,
      value: held,
      limit: null,
      reason: explain ? 'hedging account: each open is a position of its own' : '',
    };
  }
  const passed = held === 0;
  return {
    name: 'netting_position',
    passed,
    value: held,
    limit: 0,
    reason: explain
      ? passed
        ? `netting account: nobody holds ${instrument.symbol}`
        : `netting account: ${instrument.symbol} is held already, and an order would be netted into that position`
      : '',
  };
};

/**
 * With correlationBlock on, a trade is blocked by any open position on another symbol of the
 * same correlation group (either direction: stacking or hedging correlated exposure), or by one
 * in the opposite direction on this symbol. Same symbol, same direction is max_positions' job.
 */
export const correlationGroupFree: RiskCheck = ({ openPositions, instrument, signal, settings }, _plan, explain) => {
  const conflicts = openPositions.filter(
    (position) =>
      position.correlationGroup === instrument.correlationGroup &&
      (position.symbol !== instrument.symbol || position.side !== signal.direction),
  );
  if (!settings.correlationBlock) {
    return {
      name: 'correlation_block',
      passed: true,
      value: conflicts.length,
      limit: null,
      reason: explain ? 'correlation block is off' : '',
    };
  }
  return {
    name: 'correlation_block',
    passed: conflicts.length === 0,
    value: conflicts.length,
    limit: 0,
    reason: explain
      ? conflicts.length === 0
        ? `no conflicting position in correlation group ${instrument.correlationGroup}`
        : `correlation group ${instrument.correlationGroup} already holds ${conflicts.map((position) => `${position.symbol} ${position.side}`).join(', ')}`
      : '',
  };
};

export const cooldownAfterLoss: RiskCheck = ({ recentLosses, now, settings }, _plan, explain) => {
  let lastLossAt = -Infinity;
  for (const loss of recentLosses) if (loss.pnl < 0 && loss.closedAt > lastLossAt) lastLossAt = loss.closedAt;
  if (lastLossAt === -Infinity) {
    return {
      name: 'cooldown_after_loss',
      passed: true,
      value: null,
      limit: settings.cooldownAfterLossMinutes,
      reason: explain ? 'no recent loss' : '',
    };
  }
  const minutesSince = (now - lastLossAt) / MINUTE_MS;
  const passed = minutesSince >= settings.cooldownAfterLossMinutes;
  return {
    name: 'cooldown_after_loss',
    passed,
    value: minutesSince,
    limit: settings.cooldownAfterLossMinutes,
    reason: explain
      ? `last loss ${minutesSince.toFixed(1)} min ago, cooldown ${settings.cooldownAfterLossMinutes} min ${passed ? 'over' : 'still running'}`
      : '',
  };
};
