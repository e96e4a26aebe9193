// The audit log and the cycle runs as the audit API lists them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, keysetPage, SqlFilter, type Page, type PageRequest } from './keyset.ts';
import type { TimeRange } from './signals.ts';

export interface AuditRow {
  id: number;
  botId: number | null;
  entity: string;
  entityId: string | null;
  event: string;
  reason: string;
  data: Record<string, unknown> | null;
  workflowId: string | null;
  runId: string | null;
  createdAt: string;
}

export interface CycleRow {
  id: number;
  botId: number;
  workflowId: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  strategies: number;
  bars: number;
  signals: number;
  decisions: number;
  orders: number;
  ordersFilled: number;
  ordersRejected: number;
  closes: number;
  outcome: string;
  /** What failed, for a `failed` cycle. */
  error: string | null;
}

export interface AuditFilters extends TimeRange {
  botId?: number;
  entity?: string;
  entityId?: string;
  event?: string;
  workflowId?: string;
}

export function listAuditLog(em: EntityManager, filters: AuditFilters, page: PageRequest): Promise<Page<AuditRow>> {
  const filter = new SqlFilter()
    .equals('a.bot_id', filters.botId)
    .equals('a.entity', filters.entity)
    .equals('a.entity_id', filters.entityId)
    .equals('a.event', filters.event)
    .equals('a.workflow_id', filters.workflowId)
    .between('a.created_at', filters.from, filters.to);
  return keysetPage(
    em,
    {
      select: `a.id, a.bot_id as "botId", a.entity, a.entity_id as "entityId", a.event, a.reason, a.data,
        a.workflow_id as "workflowId", a.run_id as "runId", ${iso('a.created_at')} as "createdAt"`,
      from: 'audit_log a',
      time: 'a.created_at',
      id: 'a.id',
    },
    filter,
    page,
  );
}

export interface CycleFilters extends TimeRange {
  botId?: number;
  outcome?: 'completed' | 'failed' | 'timed_out';
}

// recordCycle stores `failed: <error>` in one column; the API shows the two apart.
const OUTCOME = `split_part(c.outcome, ':', 1)`;

export function listCycles(em: EntityManager, filters: CycleFilters, page: PageRequest): Promise<Page<CycleRow>> {
  const filter = new SqlFilter()
    .equals('c.bot_id', filters.botId)
    .equals(OUTCOME, filters.outcome)
    .between('c.started_at', filters.from, filters.to);
  return keysetPage(
    em,
    {
      select: `c.id, c.bot_id as "botId", c.workflow_id as "workflowId", c.run_id as "runId",
        ${iso('c.started_at')} as "startedAt", ${iso('c.finished_at')} as "finishedAt", c.strategies, c.bars,
        c.signals, c.decisions, c.orders, c.orders_filled as "ordersFilled", c.orders_rejected as "ordersRejected",
        c.closes, ${OUTCOME} as outcome, nullif(btrim(substr(c.outcome, length(${OUTCOME}) + 2)), '') as error`,
      from: 'cycle_run c',
      time: 'c.started_at',
      id: 'c.id',
    },
    filter,
    page,
  );
}
