// What the backtest routes answer, made from the stored rows: links by kind, progress in bars or
// points, the detail with a sweep's best points or a walk-forward's folds (times ISO-8601).
import type { z } from 'zod';
import type { SweepSummary } from '../../backtest/sweep/summary.ts';
import { backtestKind, type BacktestKind, type BacktestRequest } from '../../bots/backtest-request.ts';
import { MAX_STORED_TRADES } from '../../db/backtests.ts';
import type { IBacktest } from '../../db/entities/index.ts';
import type { BacktestListRow } from '../../db/queries/backtests.ts';
import type { ApiDeps } from '../deps.ts';
import { workflowRunUrl } from '../web-ui.ts';
import {
  type backtestAcceptedSchema,
  type backtestListItemSchema,
  type backtestSchema,
  SWEEP_POINTS_SHOWN,
} from './backtest-schemas.ts';

/** Where the Temporal Web UI is, for its links to a backtest's run. */
type WebUi = ApiDeps['webUi'];

type Links = z.input<typeof backtestAcceptedSchema>['links'];

const iso = (time: Date | null | undefined): string | null => time?.toISOString() ?? null;

const isoTime = (time: number): string => new Date(time).toISOString();

/** What a backtest of each kind serves once completed, besides its detail. */
export const SERVED: Record<BacktestKind, string> = {
  backtest: 'an HTML report and trades.csv',
  sweep: 'points.csv (every point, ranked)',
  walk_forward: 'its folds in GET /backtests/:id',
};

/** The stored request, as the service resolved it: every setting filled in (a row older than sweeps has none). */
export function requestOf(row: Pick<IBacktest, 'request'>): BacktestRequest {
  return { sweep: null, rankBy: 'netPnl', walkForward: null, ...row.request } as BacktestRequest;
}

/** A point's summary as the API shows it: the kill-switch's time ISO. */
function pointSummaryOf(summary: SweepSummary) {
  const { killSwitch } = summary;
  return { ...summary, killSwitch: killSwitch && { time: isoTime(killSwitch.time), reason: killSwitch.reason } };
}

export const linksOf = (
  webUi: WebUi,
  row: { id: number; workflowId: string; runId?: string | null },
  kind: BacktestKind,
): Links => ({
  self: `/backtests/${row.id}`,
  ...(kind === 'backtest' && { report: `/backtests/${row.id}/report`, trades: `/backtests/${row.id}/trades.csv` }),
  ...(kind === 'sweep' && { points: `/backtests/${row.id}/points.csv` }),
  webUi: workflowRunUrl(webUi, row.workflowId, row.runId ?? null),
});

type Progress = Pick<BacktestListRow, 'barsDone' | 'barsTotal' | 'pointsDone' | 'pointsTotal'>;
const progressOf = ({ barsDone, barsTotal, pointsDone, pointsTotal }: Progress) => {
  if (pointsDone !== null && pointsTotal !== null) return { pointsDone, pointsTotal };
  return barsDone === null || barsTotal === null ? null : { barsDone, barsTotal };
};

export const listItemOf = (
  webUi: WebUi,
  { barsDone, barsTotal, pointsDone, pointsTotal, ...row }: BacktestListRow,
): z.input<typeof backtestListItemSchema> => ({
  ...row,
  source: row.source as BacktestRequest['source'],
  progress: progressOf({ barsDone, barsTotal, pointsDone, pointsTotal }),
  links: linksOf(webUi, row, row.kind),
});

function sweepOf(row: IBacktest, request: BacktestRequest) {
  const ranking = row.sweepRanking;
  // While it runs the column holds the points finished so far, for a retry to keep.
  if (!ranking || row.status !== 'completed') return null;
  return {
    rankBy: request.rankBy,
    points: ranking.ranked.length + ranking.failed.length,
    failed: ranking.failed.length,
    best: ranking.ranked
      .slice(0, SWEEP_POINTS_SHOWN)
      .map((summary, i) => ({ rank: i + 1, ...pointSummaryOf(summary) })),
  };
}

function walkForwardOf(row: IBacktest) {
  const report = row.walkForward;
  // While it runs the column holds the folds finished so far, for a retry to keep.
  if (!report || row.status !== 'completed') return null;
  const window = ({ from, to }: { from: number; to: number }) => ({ from: isoTime(from), to: isoTime(to) });
  return {
    rankBy: report.metric,
    folds: report.folds.map((fold) => ({
      ...fold,
      train: window(fold.train),
      test: window(fold.test),
      inSample: fold.inSample && pointSummaryOf(fold.inSample),
      outOfSample: fold.outOfSample && pointSummaryOf(fold.outOfSample),
    })),
    overfitting: report.overfitting,
  };
}

export function detailOf(webUi: WebUi, row: IBacktest): z.output<typeof backtestSchema> {
  const request = requestOf(row);
  const kind = backtestKind(request);
  const summary = row.summary;
  return {
    id: row.id,
    kind,
    status: row.status,
    symbol: row.symbol,
    botId: row.botId ?? null,
    source: request.source,
    from: request.from,
    to: request.to,
    workflowId: row.workflowId,
    runId: row.runId ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    error: row.error ?? null,
    progress: progressOf({
      barsDone: row.barsDone ?? null,
      barsTotal: row.barsTotal ?? null,
      pointsDone: row.pointsDone ?? null,
      pointsTotal: row.pointsTotal ?? null,
    }),
    trades: summary ? summary.overall.count : null,
    netPnl: summary ? summary.overall.netPnl : null,
    finalBalance: summary ? summary.finalBalance : null,
    links: linksOf(webUi, row, kind),
    request,
    settings: row.settings ? { ...row.settings } : null,
    result: summary
      ? {
          ...summary,
          killSwitch: summary.killSwitch && {
            time: isoTime(summary.killSwitch.time),
            reason: summary.killSwitch.reason,
          },
          tradesStored: Math.min(summary.overall.count, MAX_STORED_TRADES),
        }
      : null,
    sweep: sweepOf(row, request),
    walkForward: walkForwardOf(row),
  };
}
