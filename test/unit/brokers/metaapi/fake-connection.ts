// A small stateful stand-in for metaapi.cloud-sdk's RPC connection and MetatraderAccount: the
// methods brokers/metaapi calls (sdk-types.ts), with the SDK's shapes (Dates, MT5 enum names,
// clientId apart from the comment) and the SDK's failures, injectable: TradeError with numeric and
// string codes, TimeoutError (before or after the trade executed), NotConnectedError, replies
// marked `synchronizing`, deals that reach history a few reads late, comments the broker rewrote.
// Long on purpose: one fake that keeps the SDK's state consistent across every call the adapter makes.
import type {
  ConnectMetaApi,
  MetaApiAccount,
  MetaApiAccountInformation,
  MetaApiCandle,
  MetaApiDeal,
  MetaApiDeals,
  MetaApiHistoryOrders,
  MetaApiOrder,
  MetaApiPosition,
  MetaApiRpc,
  MetaApiSession,
  MetaApiSymbolPrice,
  MetaApiSymbolSpecification,
  MetaApiTradeOptions,
  MetaApiTradeResponse,
} from '../../../../brokers/metaapi/sdk-types.ts';

/** The SDK's errors are told apart by `name` (it does not export their classes); these set the same names. */
export class FakeTradeError extends Error {
  override readonly name = 'TradeError';
  readonly numericCode: number;
  readonly stringCode: string;
  constructor(message: string, numericCode: number, stringCode: string) {
    super(message);
    this.numericCode = numericCode;
    this.stringCode = stringCode;
  }
}

export class FakeTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export class FakeNotConnectedError extends Error {
  override readonly name = 'NotConnectedError';
}

/** What MetaApi's server answers a malformed request with (e.g. comment + clientId over 26 characters). */
export class FakeValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** What happens to the next trade request (one fault per request, in order; later ones run normally). */
export type TradeFault =
  /** Refused: nothing executed, the SDK throws TradeError. */
  | { kind: 'refuse'; numericCode: number; stringCode: string }
  /** Executed, then the SDK throws TradeError (MetaApi's -11: delivered, then disconnected). */
  | { kind: 'refuse_after_execution'; numericCode: number; stringCode: string }
  /** Answered with this (success) code: the SDK resolves with it. */
  | { kind: 'reply'; numericCode: number; stringCode: string }
  /** No answer in time, nothing executed. */
  | { kind: 'timeout' }
  /** Executed, then no answer in time. */
  | { kind: 'timeout_after_execution' }
  /** The connection is gone: nothing executed. */
  | { kind: 'not_connected' }
  /** Never answers (for the adapter's own timeout). */
  | { kind: 'hang' }
  /** Reaches the server only once `release` resolves, then executes and answers: a late send. */
  | { kind: 'late'; release: Promise<void> };

export interface FakeSymbol {
  spec: MetaApiSymbolSpecification;
  price: MetaApiSymbolPrice;
  /** Margin of 1 lot, in account currency; undefined = MetaApi answers `{}`. */
  marginPerLot?: number;
}

export const MAX_COMMENT_AND_CLIENT_ID = 26;
const MINUTE_MS = 60_000;

export interface Call {
  method: string;
  args: unknown[];
}

/** A Date that reaches MetaApi as a plain ISO time (an Invalid Date is sent as null, year 275760 as +275760-…). */
function isValidDate(date: unknown): date is Date {
  return date instanceof Date && Number.isFinite(date.getTime()) && /^\d{4}-/.test(date.toISOString());
}

export class FakeMetaApiConnection implements MetaApiRpc, MetaApiAccount {
  readonly calls: Call[] = [];
  clock: number;
  accountInformation: MetaApiAccountInformation = {
    platform: 'mt5',
    currency: 'USD',
    balance: 10_000,
    equity: 10_000,
    margin: 0,
    freeMargin: 10_000,
    leverage: 100,
    marginMode: 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING',
    login: 51234567,
    type: 'ACCOUNT_TRADE_MODE_DEMO',
  };
  readonly symbols = new Map<string, FakeSymbol>();
  readonly candles = new Map<string, MetaApiCandle[]>();
  positions: MetaApiPosition[] = [];
  /** Active orders: the fake fills market orders at once, so only a test puts one here. */
  orders: MetaApiOrder[] = [];
  historyOrders: MetaApiOrder[] = [];
  deals: MetaApiDeal[] = [];
  /** Faults of the next trade requests, consumed one per request. */
  readonly tradeFaults: TradeFault[] = [];
  /** Errors the next calls of a read method throw, consumed one per call. */
  readonly readFaults = new Map<string, Error[]>();
  /** How many of the next history replies (orders, deals) are marked synchronizing; Infinity = all. */
  synchronizing = { historyOrders: 0, deals: 0 };
  /** What a synchronizing reply carries: nothing (the dangerous case) or the part already loaded. */
  synchronizingReturns: 'nothing' | 'everything' = 'nothing';
  /** Deals of a trade are invisible for this many deal reads after it (MetaApi's history lags the reply). */
  dealLag = 0;
  /** The broker overwrites the MT5 comment of every new order, position and deal (the clientId is lost). */
  rewriteCommentTo: string | null = null;
  /** The account's default magic, stamped on a close sent without one. */
  defaultMagic = 0;
  closed = false;
  private nextTicket = 70_000_001;
  private readonly laggingDeals: Array<{ deal: MetaApiDeal; readsLeft: number }> = [];

  constructor(clock: number) {
    this.clock = clock;
  }

  addSymbol(symbol: FakeSymbol): this {
    this.symbols.set(symbol.spec.symbol, structuredClone(symbol));
    return this;
  }

  failNext(method: keyof MetaApiRpc | 'getHistoricalCandles', ...errors: Error[]): this {
    this.readFaults.set(method, [...(this.readFaults.get(method) ?? []), ...errors]);
    return this;
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.readFaults.get(method);
    const fault = queued?.shift();
    if (fault) throw fault;
  }

  private ticket(): string {
    return String(this.nextTicket++);
  }

  private now(): Date {
    return new Date(this.clock);
  }

  private symbol(symbol: string): FakeSymbol {
    const found = this.symbols.get(symbol);
    if (!found) throw new FakeValidationError(`unknown symbol ${symbol}`);
    return found;
  }

  // ---- reads ------------------------------------------------------------------------------------

  async getAccountInformation(): Promise<MetaApiAccountInformation> {
    this.record('getAccountInformation', []);
    return { ...this.accountInformation };
  }

  async getSymbols(): Promise<string[]> {
    this.record('getSymbols', []);
    return [...this.symbols.keys()];
  }

  async getSymbolSpecification(symbol: string): Promise<MetaApiSymbolSpecification> {
    this.record('getSymbolSpecification', [symbol]);
    return { ...this.symbol(symbol).spec };
  }

  async getSymbolPrice(symbol: string, keepSubscription: boolean): Promise<MetaApiSymbolPrice> {
    this.record('getSymbolPrice', [symbol, keepSubscription]);
    return { ...this.symbol(symbol).price };
  }

  async calculateMargin(order: { symbol: string; type: string; volume: number; openPrice: number }) {
    this.record('calculateMargin', [order]);
    const perLot = this.symbol(order.symbol).marginPerLot;
    return perLot === undefined ? {} : { margin: perLot * order.volume };
  }

  async getPositions(): Promise<MetaApiPosition[]> {
    this.record('getPositions', []);
    return this.positions.map((p) => ({ ...p }));
  }

  async getOrders(): Promise<MetaApiOrder[]> {
    this.record('getOrders', []);
    return this.orders.map((o) => ({ ...o }));
  }

  /** Like MetaApi: [start, end), `offset` items skipped, at most `limit` (≤ 1000) returned. */
  private page<T extends { time: Date }>(items: T[], start: Date, end: Date, offset = 0, limit = 1000): T[] {
    if (!isValidDate(start) || !isValidDate(end))
      throw new FakeValidationError(`invalid time range ${String(start)} .. ${String(end)}`);
    if (limit > 1000) throw new FakeValidationError(`limit ${limit} is over 1000`);
    return items
      .filter((item) => item.time.getTime() >= start.getTime() && item.time.getTime() < end.getTime())
      .sort((a, b) => a.time.getTime() - b.time.getTime())
      .slice(offset, offset + limit)
      .map((item) => ({ ...item }));
  }

  async getHistoryOrdersByTimeRange(
    startTime: Date,
    endTime: Date,
    offset?: number,
    limit?: number,
  ): Promise<MetaApiHistoryOrders> {
    this.record('getHistoryOrdersByTimeRange', [startTime, endTime, offset, limit]);
    const historyOrders = this.page(this.historyOrders, startTime, endTime, offset, limit);
    if (this.synchronizing.historyOrders > 0) {
      this.synchronizing.historyOrders--;
      return { historyOrders: this.synchronizingReturns === 'nothing' ? [] : historyOrders, synchronizing: true };
    }
    return { historyOrders, synchronizing: false };
  }

  async getDealsByTimeRange(startTime: Date, endTime: Date, offset?: number, limit?: number): Promise<MetaApiDeals> {
    this.record('getDealsByTimeRange', [startTime, endTime, offset, limit]);
    for (const lagging of [...this.laggingDeals]) {
      if (lagging.readsLeft > 0) {
        lagging.readsLeft--;
        continue;
      }
      this.deals.push(lagging.deal);
      this.laggingDeals.splice(this.laggingDeals.indexOf(lagging), 1);
    }
    const deals = this.page(this.deals, startTime, endTime, offset, limit);
    if (this.synchronizing.deals > 0) {
      this.synchronizing.deals--;
      return { deals: this.synchronizingReturns === 'nothing' ? [] : deals, synchronizing: true };
    }
    return { deals, synchronizing: false };
  }

  /** Loads backwards from `startTime`: the `limit` latest candles that opened at or before it, oldest first. */
  async getHistoricalCandles(
    symbol: string,
    timeframe: string,
    startTime?: Date,
    limit = 1000,
  ): Promise<MetaApiCandle[]> {
    this.record('getHistoricalCandles', [symbol, timeframe, startTime, limit]);
    if (timeframe !== '1m') throw new FakeValidationError(`timeframe ${timeframe} not in the fake`);
    if (limit > 1000) throw new FakeValidationError(`limit ${limit} is over 1000`);
    const latest = startTime?.getTime() ?? this.clock;
    const upTo = (this.candles.get(symbol) ?? []).filter((c) => c.time.getTime() <= latest);
    return upTo.slice(-limit).map((c) => ({ ...c }));
  }

  // ---- trades -----------------------------------------------------------------------------------

  /** Runs a trade through the next fault: `execute` is called when the trade reaches the "server". */
  private async trade(
    execute: () => { orderId: string; positionId: string },
    options: MetaApiTradeOptions | undefined,
  ): Promise<MetaApiTradeResponse> {
    const chars = (options?.comment?.length ?? 0) + (options?.clientId?.length ?? 0);
    if (chars > MAX_COMMENT_AND_CLIENT_ID)
      throw new FakeValidationError(`comment + clientId is ${chars} characters; at most 26 allowed`);
    const fault = this.tradeFaults.shift();
    switch (fault?.kind) {
      case 'refuse':
        throw new FakeTradeError(`refused: ${fault.stringCode}`, fault.numericCode, fault.stringCode);
      case 'timeout':
        throw new FakeTimeoutError('MetaApi websocket client request timed out');
      case 'not_connected':
        throw new FakeNotConnectedError('MetaApi connection is closed');
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'late':
        await fault.release;
        break;
      default:
        break;
    }
    const ids = execute();
    if (fault?.kind === 'timeout_after_execution')
      throw new FakeTimeoutError('MetaApi websocket client request timed out');
    if (fault?.kind === 'refuse_after_execution')
      throw new FakeTradeError(`after execution: ${fault.stringCode}`, fault.numericCode, fault.stringCode);
    const code = fault?.kind === 'reply' ? fault : { numericCode: 10009, stringCode: 'TRADE_RETCODE_DONE' };
    // MetaApi sends tickets as strings on trade replies (numbers in its own example; both are seen).
    return { ...code, message: 'Request completed', orderId: ids.orderId, positionId: Number(ids.positionId) };
  }

  private commentFields(options: MetaApiTradeOptions | undefined) {
    if (this.rewriteCommentTo !== null) return { comment: this.rewriteCommentTo, brokerComment: this.rewriteCommentTo };
    const fields: { comment?: string; clientId?: string; brokerComment?: string } = {};
    if (options?.comment) fields.comment = options.comment;
    if (options?.clientId) fields.clientId = options.clientId;
    const raw = `${options?.comment ?? ''}${options?.clientId ?? ''}`;
    if (raw !== '') fields.brokerComment = raw;
    return fields;
  }

  private addDeal(deal: MetaApiDeal): void {
    if (this.dealLag > 0) this.laggingDeals.push({ deal, readsLeft: this.dealLag });
    else this.deals.push(deal);
  }

  private open(
    side: 'buy' | 'sell',
    symbol: string,
    volume: number,
    stopLoss: number | undefined,
    takeProfit: number | undefined,
    options: MetaApiTradeOptions | undefined,
  ): Promise<MetaApiTradeResponse> {
    return this.trade(() => {
      const { price } = this.symbol(symbol);
      const ticket = this.ticket();
      const time = this.now();
      const fill = side === 'buy' ? price.ask : price.bid;
      const magic = options?.magic ?? this.defaultMagic;
      const comments = this.commentFields(options);
      this.historyOrders.push({
        id: ticket,
        type: side === 'buy' ? 'ORDER_TYPE_BUY' : 'ORDER_TYPE_SELL',
        state: 'ORDER_STATE_FILLED',
        magic,
        time,
        doneTime: time,
        symbol,
        openPrice: fill,
        volume,
        positionId: ticket,
        ...comments,
      });
      this.positions.push({
        id: ticket,
        type: side === 'buy' ? 'POSITION_TYPE_BUY' : 'POSITION_TYPE_SELL',
        symbol,
        magic,
        time,
        openPrice: fill,
        currentPrice: side === 'buy' ? price.bid : price.ask,
        ...(stopLoss === undefined ? {} : { stopLoss }),
        ...(takeProfit === undefined ? {} : { takeProfit }),
        volume,
        swap: 0,
        profit: 0,
        unrealizedProfit: 0,
        ...comments,
      });
      this.addDeal({
        id: this.ticket(),
        type: side === 'buy' ? 'DEAL_TYPE_BUY' : 'DEAL_TYPE_SELL',
        entryType: 'DEAL_ENTRY_IN',
        symbol,
        magic,
        time,
        volume,
        price: fill,
        commission: -0.7 * volume,
        swap: 0,
        profit: 0,
        positionId: Number(ticket),
        orderId: Number(ticket),
        reason: 'DEAL_REASON_EXPERT',
        ...comments,
      });
      return { orderId: ticket, positionId: ticket };
    }, options);
  }

  async createMarketBuyOrder(
    symbol: string,
    volume: number,
    stopLoss?: number,
    takeProfit?: number,
    options?: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse> {
    this.record('createMarketBuyOrder', [symbol, volume, stopLoss, takeProfit, options]);
    return this.open('buy', symbol, volume, stopLoss, takeProfit, options);
  }

  async createMarketSellOrder(
    symbol: string,
    volume: number,
    stopLoss?: number,
    takeProfit?: number,
    options?: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse> {
    this.record('createMarketSellOrder', [symbol, volume, stopLoss, takeProfit, options]);
    return this.open('sell', symbol, volume, stopLoss, takeProfit, options);
  }

  private openPosition(positionId: string): MetaApiPosition {
    const open = this.positions.find((p) => String(p.id) === positionId);
    if (!open) throw new FakeTradeError('Position not found', 4753, 'ERR_TRADE_POSITION_NOT_FOUND');
    return open;
  }

  async modifyPosition(positionId: string, stopLoss?: number, takeProfit?: number): Promise<MetaApiTradeResponse> {
    this.record('modifyPosition', [positionId, stopLoss, takeProfit]);
    return this.trade(() => {
      const open = this.openPosition(positionId);
      // MT5 sets both levels at once: an absent one is none (0).
      open.stopLoss = stopLoss ?? 0;
      open.takeProfit = takeProfit ?? 0;
      return { orderId: positionId, positionId };
    }, undefined);
  }

  private closeVolume(positionId: string, volume: number | undefined, options: MetaApiTradeOptions) {
    return this.trade(() => {
      const open = this.openPosition(positionId);
      const { price, spec } = this.symbol(open.symbol);
      const closing = Math.min(volume ?? open.volume, open.volume);
      const buy = open.type === 'POSITION_TYPE_BUY';
      const exit = buy ? price.bid : price.ask;
      const ticket = this.ticket();
      const time = this.now();
      const magic = options.magic ?? this.defaultMagic;
      const comments = this.commentFields(options);
      this.historyOrders.push({
        id: ticket,
        type: buy ? 'ORDER_TYPE_SELL' : 'ORDER_TYPE_BUY',
        state: 'ORDER_STATE_FILLED',
        magic,
        time,
        doneTime: time,
        symbol: open.symbol,
        openPrice: exit,
        volume: closing,
        positionId: open.id,
        ...comments,
      });
      this.addDeal({
        id: this.ticket(),
        type: buy ? 'DEAL_TYPE_SELL' : 'DEAL_TYPE_BUY',
        entryType: 'DEAL_ENTRY_OUT',
        symbol: open.symbol,
        magic,
        time,
        volume: closing,
        price: exit,
        commission: -0.7 * closing,
        swap: 0,
        profit: (buy ? 1 : -1) * (exit - open.openPrice) * closing * spec.contractSize,
        positionId: open.id,
        orderId: ticket,
        reason: 'DEAL_REASON_EXPERT',
        ...comments,
      });
      open.volume = Math.round((open.volume - closing) * 1e8) / 1e8;
      if (open.volume <= 0) this.positions = this.positions.filter((p) => p !== open);
      return { orderId: ticket, positionId };
    }, options);
  }

  async closePosition(positionId: string, options: MetaApiTradeOptions): Promise<MetaApiTradeResponse> {
    this.record('closePosition', [positionId, options]);
    return this.closeVolume(positionId, undefined, options);
  }

  async closePositionPartially(
    positionId: string,
    volume: number,
    options: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse> {
    this.record('closePositionPartially', [positionId, volume, options]);
    return this.closeVolume(positionId, volume, options);
  }

  async close(): Promise<void> {
    this.record('close', []);
    this.closed = true;
  }

  // ---- scenario helpers -------------------------------------------------------------------------

  /** `count` M1 candles of `symbol`, the last one opening `lastOpen`, each with `spread(i)` points. */
  addCandles(symbol: string, lastOpen: number, count: number, spread: (index: number) => number = () => 20): this {
    const candles = Array.from({ length: count }, (_, i) => {
      const close = 2000 + (i % 7) * 0.1;
      return {
        time: new Date(lastOpen - (count - 1 - i) * MINUTE_MS),
        open: close - 0.05,
        high: close + 0.3,
        low: close - 0.3,
        close,
        tickVolume: 10 + i,
        spread: spread(i),
      };
    });
    this.candles.set(symbol, [...(this.candles.get(symbol) ?? []), ...candles]);
    return this;
  }
}

/** A connect that hands over `connection` (and counts how often it was asked to). */
export function fakeConnect(connection: FakeMetaApiConnection | (() => FakeMetaApiConnection)) {
  const settings: Parameters<ConnectMetaApi>[0][] = [];
  const connect: ConnectMetaApi = async (given) => {
    settings.push(given);
    const rpc = typeof connection === 'function' ? connection() : connection;
    const session: MetaApiSession = { rpc, account: rpc };
    return session;
  };
  return { connect, settings };
}

export const XAUUSDM: FakeSymbol = {
  spec: {
    symbol: 'XAUUSDm',
    tickSize: 0.01,
    minVolume: 0.01,
    maxVolume: 200,
    volumeStep: 0.01,
    fillingModes: ['SYMBOL_FILLING_FOK', 'SYMBOL_FILLING_IOC'],
    contractSize: 100,
    digits: 2,
    point: 0.01,
    stopsLevel: 30,
    freezeLevel: 5,
  },
  price: {
    symbol: 'XAUUSDm',
    bid: 2000,
    ask: 2000.2,
    profitTickValue: 1,
    lossTickValue: 1.0001,
    time: new Date(Date.UTC(2026, 2, 10, 10, 0, 30, 250)),
  },
  marginPerLot: 2000.2,
};

export const EURUSD: FakeSymbol = {
  spec: {
    symbol: 'EURUSD',
    tickSize: 0.00001,
    minVolume: 0.01,
    maxVolume: 100,
    volumeStep: 0.01,
    fillingModes: ['SYMBOL_FILLING_IOC'],
    contractSize: 100_000,
    digits: 5,
    point: 0.00001,
    stopsLevel: 0,
    freezeLevel: 0,
  },
  price: {
    symbol: 'EURUSD',
    bid: 1.08,
    ask: 1.08012,
    profitTickValue: 1,
    lossTickValue: 1,
    time: new Date(Date.UTC(2026, 2, 10, 10, 0, 29)),
  },
};
