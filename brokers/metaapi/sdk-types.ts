// The part of metaapi.cloud-sdk the adapter uses, typed here: the SDK's own types are loose (`any`
// codes, `Date` fields it fills from JSON) and far larger than what the port needs. The default
// connect (sdk-connect.ts) hands the SDK's real objects over as these; tests hand over a fake.

export interface MetaApiAccountInformation {
  /** mt4 or mt5. */
  platform: string;
  currency: string;
  balance: number;
  equity: number;
  margin: number;
  freeMargin: number;
  leverage: number;
  /** ACCOUNT_MARGIN_MODE_RETAIL_HEDGING, ACCOUNT_MARGIN_MODE_RETAIL_NETTING or ACCOUNT_MARGIN_MODE_EXCHANGE. */
  marginMode: string;
  login: number | string;
  /** ACCOUNT_TRADE_MODE_DEMO, ACCOUNT_TRADE_MODE_CONTEST or ACCOUNT_TRADE_MODE_REAL. */
  type: string;
}

export interface MetaApiSymbolSpecification {
  symbol: string;
  tickSize: number;
  minVolume: number;
  maxVolume: number;
  volumeStep: number;
  /** SYMBOL_FILLING_FOK, SYMBOL_FILLING_IOC, SYMBOL_FILLING_RETURN… */
  fillingModes: string[];
  contractSize: number;
  digits: number;
  point: number;
  /** In points. */
  stopsLevel: number;
  /** In points. */
  freezeLevel: number;
}

export interface MetaApiSymbolPrice {
  symbol: string;
  bid: number;
  ask: number;
  /** Value of one tick for one lot, in account currency, for a winning and a losing position. */
  profitTickValue: number;
  lossTickValue: number;
  time: Date;
}

/** Positions, history orders and deals carry the trade's `clientId` apart from the rest of its comment. */
interface Commented {
  comment?: string;
  clientId?: string;
  /** The comment as the broker holds it now (brokers may overwrite it). */
  brokerComment?: string;
}

export interface MetaApiPosition extends Commented {
  id: string | number;
  /** POSITION_TYPE_BUY or POSITION_TYPE_SELL. */
  type: string;
  symbol: string;
  magic: number;
  time: Date;
  openPrice: number;
  currentPrice: number;
  stopLoss?: number;
  takeProfit?: number;
  volume: number;
  swap: number;
  profit: number;
  /** The open part's profit, without swap and commission. */
  unrealizedProfit?: number;
}

export interface MetaApiOrder extends Commented {
  id: string | number;
  /** ORDER_TYPE_BUY, ORDER_TYPE_SELL, ORDER_TYPE_BUY_LIMIT… */
  type: string;
  /** ORDER_STATE_FILLED, ORDER_STATE_PARTIAL, ORDER_STATE_CANCELED… */
  state: string;
  magic: number;
  time: Date;
  doneTime?: Date;
  symbol: string;
  openPrice: number;
  volume: number;
  positionId?: string | number;
}

export interface MetaApiDeal extends Commented {
  id: string | number;
  /** DEAL_TYPE_BUY, DEAL_TYPE_SELL, DEAL_TYPE_BALANCE… */
  type: string;
  /** DEAL_ENTRY_IN, DEAL_ENTRY_OUT, DEAL_ENTRY_INOUT, DEAL_ENTRY_OUT_BY. */
  entryType?: string;
  symbol?: string;
  magic?: number;
  time: Date;
  volume?: number;
  price?: number;
  commission?: number;
  swap?: number;
  profit: number;
  positionId?: string | number;
  orderId?: string | number;
  /** DEAL_REASON_CLIENT, DEAL_REASON_EXPERT, DEAL_REASON_SL, DEAL_REASON_TP, DEAL_REASON_SO… */
  reason?: string;
}

/** `synchronizing: true` means the terminal's history is still loading: the list may be incomplete. */
export interface MetaApiHistoryOrders {
  historyOrders: MetaApiOrder[];
  synchronizing: boolean;
}

export interface MetaApiDeals {
  deals: MetaApiDeal[];
  synchronizing: boolean;
}

export interface MetaApiCandle {
  /** Open time. */
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  tickVolume: number;
  /** In points. */
  spread: number;
}

/** A successful trade: no deal and no fill price, only the order and position it touched. */
export interface MetaApiTradeResponse {
  numericCode: number;
  stringCode: string;
  message: string;
  orderId?: string | number;
  positionId?: string | number;
}

export interface MetaApiTradeOptions {
  /** MetaApi stores `clientId` inside the MT5 comment: comment + clientId ≤ 26 characters. */
  comment?: string;
  clientId?: string;
  magic?: number;
  /** In points. */
  slippage?: number;
}

/** The RPC connection's methods the adapter calls (the SDK's RpcMetaApiConnectionInstance). */
export interface MetaApiRpc {
  getAccountInformation(): Promise<MetaApiAccountInformation>;
  getSymbols(): Promise<string[]>;
  getSymbolSpecification(symbol: string): Promise<MetaApiSymbolSpecification>;
  getSymbolPrice(symbol: string, keepSubscription: boolean): Promise<MetaApiSymbolPrice>;
  calculateMargin(order: { symbol: string; type: string; volume: number; openPrice: number }): Promise<{
    margin?: number;
  }>;
  getPositions(): Promise<MetaApiPosition[]>;
  /** The account's active orders: accepted by the trade server and not finished (not yet in history). */
  getOrders(): Promise<MetaApiOrder[]>;
  getHistoryOrdersByTimeRange(
    startTime: Date,
    endTime: Date,
    offset?: number,
    limit?: number,
  ): Promise<MetaApiHistoryOrders>;
  getDealsByTimeRange(startTime: Date, endTime: Date, offset?: number, limit?: number): Promise<MetaApiDeals>;
  createMarketBuyOrder(
    symbol: string,
    volume: number,
    stopLoss?: number,
    takeProfit?: number,
    options?: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse>;
  createMarketSellOrder(
    symbol: string,
    volume: number,
    stopLoss?: number,
    takeProfit?: number,
    options?: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse>;
  modifyPosition(positionId: string, stopLoss?: number, takeProfit?: number): Promise<MetaApiTradeResponse>;
  closePosition(positionId: string, options: MetaApiTradeOptions): Promise<MetaApiTradeResponse>;
  closePositionPartially(
    positionId: string,
    volume: number,
    options: MetaApiTradeOptions,
  ): Promise<MetaApiTradeResponse>;
  close(): Promise<void>;
}

/** Candle history is a REST call on the MetatraderAccount object, not on the RPC connection. */
export interface MetaApiAccount {
  /** Loads backwards from `startTime` (the latest time wanted); at most 1000 candles. */
  getHistoricalCandles(symbol: string, timeframe: string, startTime?: Date, limit?: number): Promise<MetaApiCandle[]>;
}

/** What connecting yields: a synchronized RPC connection and the account it belongs to. */
export interface MetaApiSession {
  rpc: MetaApiRpc;
  account: MetaApiAccount;
  /**
   * Frees everything the session holds. The SDK's client (its websocket, its timers) outlives the
   * RPC connection, so closing the connection alone would leak one client per reconnect. Without
   * it, `rpc.close()` is called.
   */
  close?(): Promise<void>;
}

export interface MetaApiConnectSettings {
  token: string;
  accountId: string;
  /** MetaApi region the account is deployed in (e.g. new-york, london); the SDK's default otherwise. */
  region?: string;
  /** How long to wait for the account to be deployed and the terminal synchronized. */
  timeoutMs: number;
}

export type ConnectMetaApi = (settings: MetaApiConnectSettings) => Promise<MetaApiSession>;
