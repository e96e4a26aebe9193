// The gateway's JSON replies (gateway/PROTOCOL.md), checked on arrival: a reply of another shape is
// a protocol mismatch and fails loudly instead of reaching the engine half-read.
import { z } from 'zod';

const ticket = z.string().min(1);
const side = z.enum(['buy', 'sell']);
const lastError = z.tuple([z.number(), z.string()]).nullable();
/** An SL/TP level; the gateway sends 0 (MT5's "none") as null. */
const level = z.number().nullable();

export const tradeReplySchema = z.object({
  outcome: z.enum(['success', 'retry_fresh_price', 'rejected', 'unknown']),
  retcode: z.number().int(),
  retcode_name: z.string(),
  order: ticket.nullable(),
  deal: ticket.nullable(),
  volume: z.number(),
  price: z.number().nullable(),
  comment: z.string(),
  type_filling: z.enum(['FOK', 'IOC', 'RETURN']).nullable().optional(),
  last_error: lastError.optional(),
  gateway_error: z.string().optional(),
});
export type TradeReply = z.infer<typeof tradeReplySchema>;

export const accountSchema = z.object({
  login: z.union([z.number(), z.string()]),
  currency: z.string(),
  leverage: z.number(),
  margin_mode: z.number().int(),
  trade_mode: z.number().int(),
  balance: z.number(),
  equity: z.number(),
  margin: z.number(),
  margin_free: z.number(),
});
export type AccountReply = z.infer<typeof accountSchema>;

export const symbolListSchema = z.object({ symbols: z.array(z.string()) });

export const symbolSchema = z.object({
  name: z.string(),
  digits: z.number().int(),
  point: z.number(),
  trade_tick_size: z.number(),
  trade_tick_value: z.number(),
  trade_contract_size: z.number(),
  volume_min: z.number(),
  volume_max: z.number(),
  volume_step: z.number(),
  trade_stops_level: z.number(),
  trade_freeze_level: z.number(),
  filling_mode: z.number().int(),
  spread: z.number(),
  /** Margin of 1 lot in account currency over its notional; null while the symbol has no price to compute it at. */
  margin_rate: z.number().nullable(),
});
export type SymbolReply = z.infer<typeof symbolSchema>;

export const tickSchema = z.object({ time_msc: z.number(), bid: z.number(), ask: z.number() });
export type TickReply = z.infer<typeof tickSchema>;

export const ratesSchema = z.object({
  rates: z.array(
    z.object({
      time_msc: z.number(),
      open: z.number(),
      high: z.number(),
      low: z.number(),
      close: z.number(),
      tick_volume: z.number(),
      spread: z.number(),
    }),
  ),
});
export type RateReply = z.infer<typeof ratesSchema>['rates'][number];

export const positionsSchema = z.object({
  positions: z.array(
    z.object({
      ticket,
      identifier: ticket,
      symbol: z.string(),
      type: side,
      volume: z.number(),
      price_open: z.number(),
      price_current: z.number(),
      sl: level,
      tp: level,
      profit: z.number(),
      swap: z.number(),
      magic: z.number().int(),
      comment: z.string(),
      time_msc: z.number(),
    }),
  ),
});
export type PositionReply = z.infer<typeof positionsSchema>['positions'][number];

const historyOrderSchema = z.object({
  ticket,
  symbol: z.string(),
  type: z.string(),
  volume_initial: z.number(),
  price_open: z.number(),
  state: z.enum(['started', 'placed', 'canceled', 'partial', 'filled', 'rejected', 'expired']),
  position_id: z.string(),
  magic: z.number().int(),
  comment: z.string(),
  time_setup_msc: z.number(),
  time_done_msc: z.number(),
});
export type HistoryOrderReply = z.infer<typeof historyOrderSchema>;

export const historyOrdersSchema = z.object({ orders: z.array(historyOrderSchema) });

export const lookupSchema = z.object({
  found: z.enum(['history_order', 'active_order', 'position']).nullable(),
  match: z.enum(['comment', 'fallback']).nullable(),
  order: historyOrderSchema.nullable(),
});

export const dealsSchema = z.object({
  deals: z.array(
    z.object({
      ticket,
      order: z.string(),
      position_id: z.string(),
      symbol: z.string(),
      type: side,
      entry: z.enum(['in', 'out', 'inout', 'out_by']),
      reason: z.string(),
      volume: z.number(),
      price: z.number(),
      commission: z.number(),
      swap: z.number(),
      fee: z.number(),
      profit: z.number(),
      magic: z.number().int(),
      comment: z.string(),
      time_msc: z.number(),
    }),
  ),
});
export type DealReply = z.infer<typeof dealsSchema>['deals'][number];

export const chargesSchema = z.object({
  charges: z.array(z.object({ ticket, type: z.string().min(1), amount: z.number(), time_msc: z.number() })),
});
export type ChargeReply = z.infer<typeof chargesSchema>['charges'][number];

/** The body of a non-200 reply: `{error, last_error}`, or FastAPI's `{detail}` for bad input. */
export const errorBodySchema = z.object({
  error: z.string().optional(),
  last_error: lastError.optional(),
  detail: z.unknown().optional(),
});
