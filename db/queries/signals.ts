// Signals and decisions as the audit API lists them: every strategy hit, and what risk made of it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DecisionCheckRecord } from '../entities/index.ts';
import { iso, keysetPage, SqlFilter, type Page, type PageRequest } from './keyset.ts';

export interface TimeRange {
  /** Inclusive, ISO-8601. */
  from?: string;
  /** Exclusive, ISO-8601. */
  to?: string;
}

export interface SignalRow {
  id: number;
  botId: number;
  strategy: string;
  symbol: string;
  direction: 'buy' | 'sell';
  barTime: string;
  score: number;
  entryPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  payload: Record<string, number>;
  receivedAt: string;
}

export interface SignalListRow extends SignalRow {
  decisionId: number | null;
  action: 'open' | 'ignore' | null;
  decisionReason: string | null;
}

export interface DecisionRow {
  id: number;
  signalId: number;
  botId: number;
  strategy: string;
  symbol: string;
  direction: 'buy' | 'sell';
  action: 'open' | 'ignore';
  score: number;
  reason: string;
  volume: number;
  stopLoss: number | null;
  takeProfit: number | null;
  createdAt: string;
  /** Names of the checks that failed, in the order they ran. */
  failedChecks: string[];
  orderId: number | null;
}

export interface DecisionDetailRow extends DecisionRow {
  checks: DecisionCheckRecord[];
}

const SIGNAL_COLUMNS = `s.id, s.bot_id as "botId", s.strategy, s.symbol, s.direction, ${iso('s.bar_time')} as "barTime",
  s.score::float8 as score, s.entry_price::float8 as "entryPrice", s.stop_loss::float8 as "stopLoss",
  s.take_profit::float8 as "takeProfit", s.payload, ${iso('s.received_at')} as "receivedAt"`;

const DECISION_COLUMNS = `d.id, d.signal_id as "signalId", s.bot_id as "botId", s.strategy, s.symbol, s.direction, d.action,
  d.score::float8 as score, d.reason, d.volume::float8 as volume, d.stop_loss::float8 as "stopLoss",
  d.take_profit::float8 as "takeProfit", ${iso('d.created_at')} as "createdAt",
  array(select c->>'name' from jsonb_array_elements(d.checks) with ordinality as e(c, n)
         where c->>'passed' = 'false' order by n) as "failedChecks",
  o.id as "orderId"`;

const DECISION_FROM = `decision d join signal s on s.id = d.signal_id left join "order" o on o.decision_id = d.id`;

export interface SignalFilters extends TimeRange {
  botId?: number;
  strategy?: string;
  symbol?: string;
  direction?: 'buy' | 'sell';
}

export function listSignals(
  em: EntityManager,
  filters: SignalFilters,
  page: PageRequest,
): Promise<Page<SignalListRow>> {
  const filter = new SqlFilter()
    .equals('s.bot_id', filters.botId)
    .equals('s.strategy', filters.strategy)
    .equals('s.symbol', filters.symbol)
    .equals('s.direction', filters.direction)
    .between('s.received_at', filters.from, filters.to);
  return keysetPage(
    em,
    {
      select: `${SIGNAL_COLUMNS}, d.id as "decisionId", d.action, d.reason as "decisionReason"`,
      from: 'signal s left join decision d on d.signal_id = s.id',
      time: 's.received_at',
      id: 's.id',
    },
    filter,
    page,
  );
}

export async function findSignal(em: EntityManager, id: number): Promise<SignalRow | null> {
  const [row] = await em.execute<SignalRow[]>(`select ${SIGNAL_COLUMNS} from signal s where s.id = ?`, [id]);
  return row ?? null;
}

export interface DecisionFilters extends SignalFilters {
  action?: 'open' | 'ignore';
  /** Only decisions where this check failed. */
  failedCheck?: string;
}

export function listDecisions(
  em: EntityManager,
  filters: DecisionFilters,
  page: PageRequest,
): Promise<Page<DecisionRow>> {
  const filter = new SqlFilter()
    .equals('s.bot_id', filters.botId)
    .equals('s.strategy', filters.strategy)
    .equals('s.symbol', filters.symbol)
    .equals('s.direction', filters.direction)
    .equals('d.action', filters.action)
    .between('d.created_at', filters.from, filters.to);
  if (filters.failedCheck !== undefined) {
    filter.where('d.checks @> ?::jsonb', JSON.stringify([{ name: filters.failedCheck, passed: false }]));
  }
  return keysetPage(
    em,
    { select: DECISION_COLUMNS, from: DECISION_FROM, time: 'd.created_at', id: 'd.id' },
    filter,
    page,
  );
}

export async function findDecision(em: EntityManager, id: number): Promise<DecisionDetailRow | null> {
  const [row] = await em.execute<DecisionDetailRow[]>(
    `select ${DECISION_COLUMNS}, d.checks from ${DECISION_FROM} where d.id = ?`,
    [id],
  );
  return row ?? null;
}
