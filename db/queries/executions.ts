// Executions (broker deals) and positions as the audit API lists them.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CloseReason } from '../entities/index.ts';
import { iso, keysetPage, SqlFilter, type Page, type PageRequest } from './keyset.ts';
import type { TimeRange } from './signals.ts';

export interface ExecutionRow {
  id: number;
  botId: number;
  orderId: number | null;
  clientOrderId: string | null;
  brokerAccount: string;
  brokerDealId: string;
  brokerPositionId: string;
  entry: 'in' | 'out' | 'inout';
  side: 'buy' | 'sell';
  price: number;
  volume: number;
  commission: number;
  swap: number;
  profit: number;
  reason: string;
  comment: string;
  executedAt: string;
}

export interface PositionRow {
  id: number;
  botId: number;
  openingOrderId: number | null;
  strategy: string | null;
  brokerAccount: string;
  brokerPositionId: string;
  symbol: string;
  side: 'buy' | 'sell';
  volume: number;
  openPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  closePrice: number | null;
  realizedPnl: number | null;
  unrealizedPnl: number | null;
  closeReason: CloseReason | null;
}

export const EXECUTION_COLUMNS = `x.id, x.bot_id as "botId", x.order_id as "orderId", o.client_order_id as "clientOrderId",
  x.broker_account as "brokerAccount", x.broker_deal_id as "brokerDealId", x.broker_position_id as "brokerPositionId",
  x.entry, x.side, x.price::float8 as price, x.volume::float8 as volume, x.commission::float8 as commission,
  x.swap::float8 as swap, x.profit::float8 as profit, x.reason, x.comment, ${iso('x.executed_at')} as "executedAt"`;

export const EXECUTION_FROM = `execution x left join "order" o on o.id = x.order_id`;

export const POSITION_COLUMNS = `p.id, p.bot_id as "botId", p.opening_order_id as "openingOrderId", s.strategy,
  p.broker_account as "brokerAccount", p.broker_position_id as "brokerPositionId", p.symbol, p.side,
  p.volume::float8 as volume, p.open_price::float8 as "openPrice", p.stop_loss::float8 as "stopLoss",
  p.take_profit::float8 as "takeProfit", p.status, ${iso('p.opened_at')} as "openedAt",
  ${iso('p.closed_at')} as "closedAt", p.close_price::float8 as "closePrice", p.realized_pnl::float8 as "realizedPnl",
  p.unrealized_pnl::float8 as "unrealizedPnl", p.close_reason as "closeReason"`;

/** A position's strategy is its opening order's signal's. */
export const POSITION_FROM = `position p left join "order" o on o.id = p.opening_order_id
  left join decision d on d.id = o.decision_id left join signal s on s.id = d.signal_id`;

export interface ExecutionFilters extends TimeRange {
  botId?: number;
  orderId?: number;
  brokerPositionId?: string;
  entry?: 'in' | 'out' | 'inout';
  side?: 'buy' | 'sell';
}

export function listExecutions(
  em: EntityManager,
  filters: ExecutionFilters,
  page: PageRequest,
): Promise<Page<ExecutionRow>> {
  const filter = new SqlFilter()
    .equals('x.bot_id', filters.botId)
    .equals('x.order_id', filters.orderId)
    .equals('x.broker_position_id', filters.brokerPositionId)
    .equals('x.entry', filters.entry)
    .equals('x.side', filters.side)
    .between('x.executed_at', filters.from, filters.to);
  return keysetPage(
    em,
    { select: EXECUTION_COLUMNS, from: EXECUTION_FROM, time: 'x.executed_at', id: 'x.id' },
    filter,
    page,
  );
}

export interface PositionFilters extends TimeRange {
  botId?: number;
  status?: 'open' | 'closed';
  side?: 'buy' | 'sell';
  symbol?: string;
  strategy?: string;
  closeReason?: CloseReason;
}

export function listPositions(
  em: EntityManager,
  filters: PositionFilters,
  page: PageRequest,
): Promise<Page<PositionRow>> {
  const filter = new SqlFilter()
    .equals('p.bot_id', filters.botId)
    .equals('p.status', filters.status)
    .equals('p.side', filters.side)
    .equals('p.symbol', filters.symbol)
    .equals('s.strategy', filters.strategy)
    .equals('p.close_reason', filters.closeReason)
    .between('p.opened_at', filters.from, filters.to);
  return keysetPage(
    em,
    { select: POSITION_COLUMNS, from: POSITION_FROM, time: 'p.opened_at', id: 'p.id' },
    filter,
    page,
  );
}
