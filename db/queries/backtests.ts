// Backtests as GET /backtests lists them: newest first, with their headline figures once completed.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BacktestKind } from '../../bots/backtest-request.ts';
import type { BacktestStatus } from '../entities/index.ts';
import { iso, keysetPage, SqlFilter, type Page, type PageRequest } from './keyset.ts';
import type { TimeRange } from './signals.ts';

export interface BacktestListRow {
  id: number;
  kind: BacktestKind;
  status: BacktestStatus;
  symbol: string;
  botId: number | null;
  source: string;
  /** The tested period, ISO-8601 UTC, as the request gave it. */
  from: string;
  to: string;
  workflowId: string;
  runId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  barsDone: number | null;
  barsTotal: number | null;
  pointsDone: number | null;
  pointsTotal: number | null;
  /** Set once a backtest (not a sweep) completed. */
  trades: number | null;
  netPnl: number | null;
  finalBalance: number | null;
}

export interface BacktestFilters extends TimeRange {
  botId?: number;
  kind?: BacktestKind;
  status?: BacktestStatus;
  symbol?: string;
}

/** The request's kind (backtestKind), in SQL. */
const KIND = `case when jsonb_typeof(b.request->'sweep') is distinct from 'array' then 'backtest'
  when jsonb_typeof(b.request->'walkForward') = 'number' then 'walk_forward' else 'sweep' end`;

/** Backtests created in the range, newest first. */
export function listBacktests(
  em: EntityManager,
  filters: BacktestFilters,
  page: PageRequest,
): Promise<Page<BacktestListRow>> {
  const filter = new SqlFilter()
    .equals('b.bot_id', filters.botId)
    .equals('b.status', filters.status)
    .equals(`(${KIND})`, filters.kind)
    .equals('b.symbol', filters.symbol)
    .between('b.created_at', filters.from, filters.to);
  return keysetPage(
    em,
    {
      select: `b.id, ${KIND} as kind, b.status, b.symbol, b.bot_id as "botId", b.request->>'source' as source,
        b.request->>'from' as "from", b.request->>'to' as "to", b.workflow_id as "workflowId", b.run_id as "runId",
        ${iso('b.created_at')} as "createdAt", ${iso('b.started_at')} as "startedAt",
        ${iso('b.finished_at')} as "finishedAt", b.error, b.bars_done as "barsDone", b.bars_total as "barsTotal",
        b.points_done as "pointsDone", b.points_total as "pointsTotal",
        (b.summary->'overall'->>'count')::int as trades, (b.summary->'overall'->>'netPnl')::float8 as "netPnl",
        (b.summary->>'finalBalance')::float8 as "finalBalance"`,
      from: 'backtest b',
      time: 'b.created_at',
      id: 'b.id',
    },
    filter,
    page,
  );
}
