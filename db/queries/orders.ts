// Orders as the audit API lists them, and one order with everything it links to.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CloseReason, OrderStatus } from '../entities/index.ts';
import {
  EXECUTION_COLUMNS,
  EXECUTION_FROM,
  POSITION_COLUMNS,
  POSITION_FROM,
  type ExecutionRow,
  type PositionRow,
} from './executions.ts';
import { iso, keysetPage, SqlFilter, type Page, type PageRequest } from './keyset.ts';
import { findDecision, findSignal, type DecisionDetailRow, type SignalRow, type TimeRange } from './signals.ts';

export interface OrderRow {
  id: number;
  botId: number;
  decisionId: number | null;
  /** The strategy of its decision's signal; null for closes. */
  strategy: string | null;
  clientOrderId: string;
  purpose: 'open' | 'close';
  positionTicket: string | null;
  closeReason: CloseReason | null;
  symbol: string;
  side: 'buy' | 'sell';
  volume: number;
  requestedPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  status: OrderStatus;
  brokerTicket: string | null;
  retcode: number | null;
  retcodeName: string | null;
  error: string | null;
  attempts: number;
  workflowId: string | null;
  runId: string | null;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
}

export interface OrderDetail extends OrderRow {
  decision: DecisionDetailRow | null;
  signal: SignalRow | null;
  executions: ExecutionRow[];
  position: PositionRow | null;
}

const ORDER_COLUMNS = `o.id, o.bot_id as "botId", o.decision_id as "decisionId", s.strategy,
  o.client_order_id as "clientOrderId", o.purpose, o.position_ticket as "positionTicket",
  o.close_reason as "closeReason", o.symbol, o.side, o.volume::float8 as volume,
  o.requested_price::float8 as "requestedPrice", o.stop_loss::float8 as "stopLoss",
  o.take_profit::float8 as "takeProfit", o.status, o.broker_ticket as "brokerTicket", o.retcode,
  o.retcode_name as "retcodeName", o.error, o.attempts, o.workflow_id as "workflowId", o.run_id as "runId",
  ${iso('o.created_at')} as "createdAt", ${iso('o.sent_at')} as "sentAt", ${iso('o.updated_at')} as "updatedAt"`;

const ORDER_FROM = `"order" o left join decision d on d.id = o.decision_id left join signal s on s.id = d.signal_id`;

export interface OrderFilters extends TimeRange {
  botId?: number;
  status?: OrderStatus;
  purpose?: 'open' | 'close';
  side?: 'buy' | 'sell';
  symbol?: string;
  strategy?: string;
  retcode?: number;
  clientOrderId?: string;
}

export function listOrders(em: EntityManager, filters: OrderFilters, page: PageRequest): Promise<Page<OrderRow>> {
  const filter = new SqlFilter()
    .equals('o.bot_id', filters.botId)
    .equals('o.status', filters.status)
    .equals('o.purpose', filters.purpose)
    .equals('o.side', filters.side)
    .equals('o.symbol', filters.symbol)
    .equals('s.strategy', filters.strategy)
    .equals('o.retcode', filters.retcode)
    .equals('o.client_order_id', filters.clientOrderId)
    .between('o.created_at', filters.from, filters.to);
  return keysetPage(em, { select: ORDER_COLUMNS, from: ORDER_FROM, time: 'o.created_at', id: 'o.id' }, filter, page);
}

export async function findOrder(em: EntityManager, id: number): Promise<OrderDetail | null> {
  const [order] = await em.execute<OrderRow[]>(`select ${ORDER_COLUMNS} from ${ORDER_FROM} where o.id = ?`, [id]);
  if (!order) return null;
  const decision = order.decisionId === null ? null : await findDecision(em, order.decisionId);
  const signal = decision === null ? null : await findSignal(em, decision.signalId);
  const executions = await em.execute<ExecutionRow[]>(
    `select ${EXECUTION_COLUMNS} from ${EXECUTION_FROM} where x.order_id = ? order by x.executed_at, x.id`,
    [id],
  );
  // An open's position is the one it opened (or the one its deals name, if the position row was
  // written without the link); a close's is the ticket it closes.
  const [position] = await em.execute<PositionRow[]>(
    `select ${POSITION_COLUMNS} from ${POSITION_FROM}
      where p.bot_id = ?
        and (p.opening_order_id = ?
             or p.broker_position_id = ?
             or p.broker_position_id in (select broker_position_id from execution where order_id = ?))
      order by p.id desc limit 1`,
    [order.botId, id, order.positionTicket, id],
  );
  return { ...order, decision, signal, executions, position: position ?? null };
}
