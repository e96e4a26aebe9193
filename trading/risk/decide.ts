// One decision per signal: every check runs, the trade opens only if all pass, and the
// outcome carries each result — the answer to "why was this skipped".
import { autoTradeOn, minimumScore, tradingStateAllowsOpening } from './bot-checks.ts';
import type { CheckResult, DecisionContext, DecisionOutcome } from './context.ts';
import {
  accountPositionsCap,
  cooldownAfterLoss,
  correlationGroupFree,
  maxConcurrentPositions,
  nettingSymbolFree,
} from './exposure-checks.ts';
import { accountDailyLossLimit, dailyLossLimit } from './daily-loss-checks.ts';
import { planOrder } from './order-plan.ts';
import { marginAvailable, maxSpread, positionSized, stopsLevelRespected } from './order-checks.ts';
import { tradingHours } from './session-checks.ts';

/** The checks every decision carries, in the order it lists them. */
export const RISK_CHECK_NAMES = [
  'trading_state',
  'auto_trade',
  'min_score',
  'trading_hours',
  'max_positions',
  'max_account_positions',
  'netting_position',
  'max_spread',
  'correlation_block',
  'cooldown_after_loss',
  'daily_loss',
  'account_daily_loss',
  'stops_level',
  'position_size',
  'margin',
] as const;

/**
 * `explain: false` leaves every reason empty: the same checks on the same numbers, without the
 * words (a backtest without a journal decides ~100,000 times a year and reads none of them).
 */
export function decide(context: DecisionContext, { explain = true }: { explain?: boolean } = {}): DecisionOutcome {
  const plan = planOrder(context);
  // Every check, in the order the audit lists them, each called at a site of its own: V8 inlines
  // these where a loop over a list of them would make one call site with fifteen targets.
  const checks: CheckResult[] = [
    tradingStateAllowsOpening(context, plan, explain),
    autoTradeOn(context, plan, explain),
    minimumScore(context, plan, explain),
    tradingHours(context, plan, explain),
    maxConcurrentPositions(context, plan, explain),
    accountPositionsCap(context, plan, explain),
    nettingSymbolFree(context, plan, explain),
    maxSpread(context, plan, explain),
    correlationGroupFree(context, plan, explain),
    cooldownAfterLoss(context, plan, explain),
    dailyLossLimit(context, plan, explain),
    accountDailyLossLimit(context, plan, explain),
    stopsLevelRespected(context, plan, explain),
    positionSized(context, plan, explain),
    marginAvailable(context, plan, explain),
  ];
  let allPassed = true;
  for (let i = 0; i < checks.length; i++) if (!checks[i]!.passed) allPassed = false;
  return {
    action: allPassed ? 'open' : 'ignore',
    score: context.signal.score,
    reason: !explain ? '' : allPassed ? 'all checks passed' : failedInWords(checks),
    checks,
    volume: plan.size.volume,
    stopLoss: plan.stopLoss,
    takeProfit: plan.takeProfit,
  };
}

function failedInWords(checks: readonly CheckResult[]): string {
  const failed = checks.filter((check) => !check.passed);
  return `failed ${failed.map((check) => check.name).join(', ')}: ${failed.map((check) => check.reason).join('; ')}`;
}
