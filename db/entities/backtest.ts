import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { SweepRanking } from '../../backtest/sweep/ranking.ts';
import type { BacktestResult, BacktestSettings, BacktestTrade } from '../../backtest/types.ts';
import type { WalkForwardReport } from '../../backtest/walk-forward.ts';

/** queued: its workflow has not started computing; failed keeps why in `error`. */
export const BACKTEST_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type BacktestStatus = (typeof BACKTEST_STATUSES)[number];

/** The engine's result without its trades (stored apart) and its equity curve (drawn in the report). */
export type BacktestSummary = Omit<BacktestResult, 'trades' | 'equity'>;

/**
 * One backtest asked for through the API: the request, the settings it ran with, its workflow,
 * and once completed its statistics, its trades and its HTML report — or, for a sweep, every
 * point ranked, and for a walk-forward its folds. The large columns are lazy: only the routes that
 * serve them read them.
 */
export const Backtest = defineEntity({
  name: 'Backtest',
  tableName: 'backtest',
  // Keyset pagination of GET /backtests: newest first.
  indexes: [{ properties: ['createdAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    status: p.enum(BACKTEST_STATUSES).default('queued'),
    symbol: p.string(),
    /** The bot whose settings were copied; null when the request gave them. */
    botId: p.integer().nullable(),
    /** The request with its defaults filled in and a bot's settings copied. */
    request: p.json<Record<string, unknown>>(),
    /** The engine's settings as it ran them (the account's instrument spec resolved); set once running. */
    settings: p.json<BacktestSettings>().nullable(),
    workflowId: p.string().unique(),
    runId: p.string().nullable(),
    /** Progress of the run, written every few seconds while it computes. */
    barsDone: p.integer().nullable(),
    barsTotal: p.integer().nullable(),
    /** A sweep's progress in points (a walk-forward's in backtests run), written as barsDone is. */
    pointsDone: p.integer().nullable(),
    pointsTotal: p.integer().nullable(),
    summary: p.json<BacktestSummary>().nullable(),
    /** A completed sweep: every point's statistics, best first, and the points that failed. */
    sweepRanking: p.json<SweepRanking>().nullable().lazy(),
    /** A completed walk-forward: its folds and the overfitting check. */
    walkForward: p.json<WalkForwardReport>().nullable(),
    /** The trades, oldest first, up to a cap (db/backtests.ts). */
    trades: p.json<BacktestTrade[]>().nullable().lazy(),
    reportHtml: p.text().nullable().lazy(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export type IBacktest = InferEntity<typeof Backtest>;
