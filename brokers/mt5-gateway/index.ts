// BrokerPort over the project's own MT5 gateway (gateway/PROTOCOL.md): one HTTP call per port
// call (two for specs and bars), replies checked against the protocol and mapped onto the port.
// A trade reply is the broker's answer, `unknown` included; a trade with no readable reply throws
// BrokerTimeoutError. Either way the engine looks the order up by magic + comment before a resend.
import type { z } from 'zod';
import type { BrokerPort } from '../port.ts';
import { createGatewayClient, type GatewayClient, type Query } from './http.ts';
import { instrumentSpec, type InstrumentOverrides, SPREAD_BASELINE_BARS } from './instrument.ts';
import {
  accountInfo,
  charge,
  closedBars,
  deal,
  foundOrder,
  historyOrder,
  position,
  quote,
  tradeResult,
} from './mapping.ts';
import {
  accountSchema,
  chargesSchema,
  dealsSchema,
  historyOrdersSchema,
  lookupSchema,
  positionsSchema,
  ratesSchema,
  symbolListSchema,
  symbolSchema,
  tickSchema,
  tradeReplySchema,
} from './wire.ts';

export interface Mt5GatewayTimeouts {
  /** Reads; a read that runs out fails and is retried by its activity. */
  readMs: number;
  /**
   * Trades; must exceed the gateway's SCALPER_GATEWAY_TRADE_TIMEOUT_MS (10 s by default), so that
   * the gateway's own `unknown` answer, with its retcode, arrives before this gives up.
   */
  tradeMs: number;
}

export const DEFAULT_TIMEOUTS: Mt5GatewayTimeouts = { readMs: 5_000, tradeMs: 15_000 };

export interface Mt5GatewayBrokerOptions {
  /** The account this gateway serves; the port's name and the subject of every error. */
  name: string;
  /** Where the gateway listens, e.g. https://10.0.0.5:8765. */
  baseUrl: string;
  /** The gateway's SCALPER_GATEWAY_TOKEN. */
  token: string;
  timeouts?: Partial<Mt5GatewayTimeouts>;
  /** What MT5 does not report, by symbol (see InstrumentOverrides for the defaults). */
  instruments?: Record<string, InstrumentOverrides>;
  /** PEM certificates an https:// gateway is trusted by, instead of the system's: its own certificate. */
  caCert?: string;
}

export function createMt5GatewayBroker(options: Mt5GatewayBrokerOptions): BrokerPort {
  const call: GatewayClient = createGatewayClient({
    name: options.name,
    baseUrl: options.baseUrl,
    token: options.token,
    ...DEFAULT_TIMEOUTS,
    ...options.timeouts,
    ...(options.caCert === undefined ? {} : { caCert: options.caCert }),
  });
  const get = <T>(path: string, reply: z.ZodType<T>, query?: Query) =>
    call({ kind: 'read', method: 'GET', path, reply, ...(query ? { query } : {}) });
  const trade = async (path: string, body: Record<string, unknown>) =>
    tradeResult(await call({ kind: 'trade', method: 'POST', path, body, reply: tradeReplySchema }));
  const symbolPath = (symbol: string) => `/symbols/${encodeURIComponent(symbol)}`;
  const positionPath = (ticket: string, action: 'modify' | 'close') =>
    `/positions/${encodeURIComponent(ticket)}/${action}`;
  const tick = (symbol: string) => get(`${symbolPath(symbol)}/tick`, tickSchema);
  const rates = async (symbol: string, count: number) =>
    (await get(`${symbolPath(symbol)}/rates`, ratesSchema, { count })).rates;

  return {
    name: options.name,

    symbols: async () => (await get('/symbols', symbolListSchema)).symbols,

    account: async () => accountInfo(await get('/account', accountSchema)),

    async instrument(symbol) {
      const overrides = options.instruments?.[symbol] ?? {};
      const [spec, recentBars] = await Promise.all([
        get(symbolPath(symbol), symbolSchema),
        overrides.maxSpreadPoints === undefined ? rates(symbol, SPREAD_BASELINE_BARS) : [],
      ]);
      return instrumentSpec(spec, overrides, recentBars);
    },

    quote: async (symbol) => quote(symbol, await tick(symbol)),

    async closedBars(symbol, count) {
      const [bars, latest] = await Promise.all([rates(symbol, count), tick(symbol)]);
      return closedBars(bars, latest);
    },

    placeMarketOrder: (request) =>
      trade('/orders', {
        symbol: request.symbol,
        type: request.side,
        volume: request.volume,
        price: request.price,
        // The protocol's sl/tp are optional: an absent level is left out, not sent as null.
        ...(request.sl === null ? {} : { sl: request.sl }),
        ...(request.tp === null ? {} : { tp: request.tp }),
        deviation: request.deviationPoints,
        magic: request.magic,
        comment: request.comment,
      }),

    modifyPosition: (ticket, sl, tp) => trade(positionPath(ticket, 'modify'), { sl, tp }),

    closePosition: (ticket, volume, comment) =>
      trade(positionPath(ticket, 'close'), {
        ...(volume === undefined ? {} : { volume }),
        ...(comment === undefined ? {} : { comment }),
      }),

    async positions(filter = {}) {
      const reply = await get('/positions', positionsSchema, { symbol: filter.symbol, magic: filter.magic });
      return reply.positions.map(position);
    },

    async deals(range, filter = {}) {
      const query = { from: range.from, to: range.to, magic: filter.magic, position: filter.positionId };
      return (await get('/history/deals', dealsSchema, query)).deals.map(deal);
    },

    async charges(range) {
      const reply = await get('/history/charges', chargesSchema, { from: range.from, to: range.to });
      return reply.charges.map(charge);
    },

    /** Orders the broker has finished; one still `started`/`placed` is not history yet. */
    async historyOrders(range, filter = {}) {
      const query = { from: range.from, to: range.to, magic: filter.magic };
      const reply = await get('/history/orders', historyOrdersSchema, query);
      return reply.orders.flatMap((order) => historyOrder(order) ?? []);
    },

    /**
     * `hint` enables the gateway's fallback for a comment the broker rewrote: magic + symbol +
     * side + volume within its window after `since`. A found order still in flight throws
     * OrderStillPendingError: "not found" would invite a resend, and its state is not final.
     */
    async findOrderByComment(magic, comment, since, hint) {
      const query = { magic, comment, since, symbol: hint?.symbol, type: hint?.side, volume: hint?.volume };
      const reply = await get('/orders/lookup', lookupSchema, query);
      if (reply.found === null) return null;
      if (reply.order === null) throw new Error(`${options.name}: the lookup found a ${reply.found} but sent no order`);
      return foundOrder(reply.order);
    },

    // The gateway starts no order_send later than its trade timeout after the request arrived, and
    // a lookup waits on the terminal behind any send that started: one it answers after the engine
    // gave up has settled, and what it does not find was never sent.
    lateSendMs: async () => 0,
  };
}

export { GatewayAuthError, GatewayHttpError, OrderStillPendingError } from './errors.ts';
export type { InstrumentOverrides } from './instrument.ts';
