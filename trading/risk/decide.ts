// One decision per signal: every check runs, the trade opens only if all pass, and the
// outcome carries each result — the answer to "why was this skipped".
import { autoTradeOn, minimumScore, tradingStateAllowsOpening } from './bot-checks.ts';
import type { CheckResult, DecisionContext, DecisionOutcome, RiskCheck } from './context.ts';
import {
  accountPositionsCap,
  cooldownAfterLoss,
  correlationGroupFree,
  maxConcurrentPositions,
  nettingSymbolFree,
} from './exposure-checks.ts';
import { planOrder } from './order-plan.ts';
import { marginAvailable, maxSpread, positionSized, stopsLevelRespected } from './order-checks.ts';

export const RISK_CHECKS: readonly RiskCheck[] = [
  tradingStateAllowsOpening,
  autoTradeOn,
  minimumScore,
  maxConcurrentPositions,
  accountPositionsCap,
  nettingSymbolFree,
  maxSpread,
  correlationGroupFree,
  cooldownAfterLoss,
  stopsLevelRespected,
  positionSized,
  marginAvailable,
];

/**
 * `explain: false` leaves every reason empty: the same checks on the same numbers, without the
 * words (a backtest without a journal decides ~100,000 times a year and reads none of them).
 */
export function decide(context: DecisionContext, { explain = true }: { explain?: boolean } = {}): DecisionOutcome {
  const plan = planOrder(context);
  const checks: CheckResult[] = new Array(RISK_CHECKS.length);
  let allPassed = true;
  for (let i = 0; i < RISK_CHECKS.length; i++) {
    const check = RISK_CHECKS[i]!(context, plan, explain);
    checks[i] = check;
    if (!check.passed) allPassed = false;
  }
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
