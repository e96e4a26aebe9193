export { decide, RISK_CHECK_NAMES } from './decide.ts';
export { lossLookbackMs } from './exposure-checks.ts';
export { type MarketContext, withOpened } from './in-turn.ts';
export { type HeldAtStop, lossAtStop, type PendingOpen, pendingOpenLoss } from './loss-at-stop.ts';
export { planOrder } from './order-plan.ts';
export { mustBeFlat, tradingHoursText } from './session-checks.ts';
export { riskSettingsSchema, type RiskSettings, tradingDaysOf } from './settings.ts';
export type {
  AccountDay,
  AccountState,
  CheckResult,
  ClosedLoss,
  DecisionContext,
  DecisionOutcome,
  OpenPosition,
  OrderPlan,
  RiskCheck,
} from './context.ts';
