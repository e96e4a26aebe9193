// The engine's activities, built from their dependencies (the worker passes real ones).
import { closePositionsActivity } from './close-positions.ts';
import type { ActivityDeps } from './deps.ts';
import { evaluateRiskActivity } from './evaluate-risk.ts';
import { fetchCandlesActivity } from './fetch-candles.ts';
import { managePositionsActivity } from './manage-positions.ts';
import { placeOrdersActivity } from './place-orders.ts';
import { reconcileActivity } from './reconcile.ts';
import { recordCycleActivity } from './record-cycle.ts';
import { recordBacktestFailureActivity, runBacktestJobActivity } from './run-backtest.ts';
import { runStrategiesActivity } from './run-strategies.ts';

export type { ActivityDeps } from './deps.ts';

function cycleActivities(deps: ActivityDeps) {
  return {
    fetchCandles: fetchCandlesActivity(deps),
    runStrategies: runStrategiesActivity(deps),
    evaluateRisk: evaluateRiskActivity(deps),
    placeOrders: placeOrdersActivity(deps),
    reconcile: reconcileActivity(deps),
    managePositions: managePositionsActivity(deps),
    recordCycle: recordCycleActivity(deps),
    closePositions: closePositionsActivity(deps),
  };
}

function backtestActivities(deps: ActivityDeps) {
  return {
    runBacktestJob: runBacktestJobActivity(deps),
    recordBacktestFailure: recordBacktestFailureActivity(deps),
  };
}

export function createActivities(deps: ActivityDeps) {
  return { ...cycleActivities(deps), ...backtestActivities(deps) };
}

export type CycleActivities = ReturnType<typeof cycleActivities>;
export type BacktestActivities = ReturnType<typeof backtestActivities>;
