import { type LeaseFence, withAccountRiskLock } from '../db/account-risk-lock.ts';
import { AuditLog, Decision, Signal, type IDecision, type ISignal } from '../db/entities/index.ts';
import { decide, withOpened } from '../trading/risk/index.ts';
import type { StrategySignal } from '../trading/strategies/index.ts';
import { attemptTimeoutMs, currentTrace, loadBot } from './bot-context.ts';
import { cachedInstrument } from './instrument-cache.ts';
import { readTradingState } from '../bots/trading-state.ts';
import { marketContext, readsAccountPendingOpens } from './decision-context.ts';
import type { ActivityDeps } from './deps.ts';
import { reconcileBeforeDeciding } from './startup-reconciliation.ts';
import type { BotRef, DecisionSummary } from './types.ts';

/** An attempt's time outside a Temporal attempt (a step's own timeout is 10 s at most): the account lease's wait and length. */
const STEP_TIMEOUT_MS = 10_000;

function strategySignalOf(signal: ISignal): StrategySignal {
  return {
    strategy: signal.strategy as StrategySignal['strategy'],
    direction: signal.direction,
    barOpenTime: signal.barTime.getTime(),
    score: signal.score,
    entryPrice: signal.entryPrice,
    stopLoss: signal.stopLoss ?? null,
    takeProfit: signal.takeProfit ?? null,
    features: signal.payload,
  };
}

/** Step 3: one Decision per new signal, carrying every risk check and the reason. */
export function evaluateRiskActivity(deps: ActivityDeps) {
  return async function evaluateRisk({
    botId,
    signalIds,
  }: BotRef & { signalIds: number[] }): Promise<DecisionSummary[]> {
    if (signalIds.length === 0) return [];
    const startedAt = Date.now();
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    // Stop-outs since the last cycle are booked first: the cooldown and the position counts read them.
    await reconcileBeforeDeciding(deps, em, context);
    const broker = deps.brokerFor(context.bot.brokerAccount);
    const instrument = await cachedInstrument(em, broker, context.bot.brokerAccount, context.bot.symbol);
    const tradingState = await readTradingState(em, deps.schedules, context.bot);
    const trace = currentTrace();
    const signals = await em.find(Signal, { id: { $in: signalIds }, bot: botId }, { orderBy: { id: 'asc' } });
    const decided = new Map<number, IDecision>();

    /** Reads the market and decides each signal in turn; `fence` checks the account's lease, where held, as each is written. */
    const decideAll = async (fence?: LeaseFence) => {
      let market = await marketContext(em, broker, context, instrument, tradingState, deps.now(), {
        logger: deps.logger,
        decidingSignals: signalIds,
      });
      for (const existing of await em.find(Decision, { signal: { $in: signalIds } }))
        decided.set(existing.signal.id, existing);
      // In turn: each open decision (one an earlier attempt of this step made too) counts for the next.
      for (const signal of signals) {
        const earlier = decided.get(signal.id);
        if (earlier !== undefined) {
          if (earlier.action === 'open')
            market = withOpened(market, signal.direction, earlier.volume, earlier.stopLoss ?? null);
          continue;
        }
        const outcome = decide({ ...market, signal: strategySignalOf(signal) });
        await em.transactional(async (tx) => {
          await fence?.(tx);
          const decision = tx.create(Decision, { signal: signal.id, ...outcome });
          tx.create(AuditLog, {
            bot: botId,
            entity: 'signal',
            entityId: String(signal.id),
            event: outcome.action === 'open' ? 'signal_accepted' : 'signal_skipped',
            reason: outcome.reason,
            data: { strategy: signal.strategy, direction: signal.direction, score: signal.score },
            workflowId: trace?.workflowId ?? null,
            runId: trace?.runId ?? null,
          });
          await tx.flush();
          decided.set(signal.id, decision);
        });
        if (outcome.action === 'open') market = withOpened(market, signal.direction, outcome.volume, outcome.stopLoss);
        deps.metrics.decisionsCreated.inc({ action: outcome.action });
        for (const check of outcome.checks) if (!check.passed) deps.metrics.signalsRefused.inc({ check: check.name });
        deps.logger.info({ botId, signalId: signal.id, action: outcome.action, reason: outcome.reason }, 'decision');
      }
    };
    // A bot with an account-wide limit decides alone on its account: the next bot to decide there
    // counts this one's opens as pending. It waits for the lease through two thirds of its
    // attempt's time at most, keeping the rest to decide in; its lease lasts an attempt's time from
    // when it took it.
    if (readsAccountPendingOpens(context.risk)) {
      const attemptMs = attemptTimeoutMs() ?? STEP_TIMEOUT_MS;
      const waitMs = Math.max(0, startedAt + (attemptMs * 2) / 3 - Date.now());
      const onWaited = (waitedMs: number, taken: boolean) =>
        deps.metrics.accountRiskLeaseWait.observe({ outcome: taken ? 'taken' : 'timed_out' }, waitedMs / 1000);
      await withAccountRiskLock(em, context.bot.brokerAccount, { waitMs, leaseMs: attemptMs, onWaited }, decideAll);
    } else await decideAll();
    return signals.flatMap((signal) => {
      const decision = decided.get(signal.id);
      return decision
        ? [
            {
              decisionId: decision.id,
              signalId: signal.id,
              strategy: signal.strategy,
              action: decision.action,
              reason: decision.reason,
            },
          ]
        : [];
    });
  };
}
