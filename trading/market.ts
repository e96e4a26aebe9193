// Market data and instrument types shared by strategies, risk and the brokers.

/** A closed M1 bar. Prices are Bid; Ask = Bid + spread × point. */
export interface Bar {
  /** Bar open time, UTC epoch milliseconds, a whole minute. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  tickVolume: number;
  /** Spread in points at the bar, as MT5 exports it. */
  spread: number;
}

export type FillingMode = 'FOK' | 'IOC' | 'RETURN';

/** A symbol's trading specification, as the broker reports it. */
export interface InstrumentSpec {
  symbol: string;
  digits: number;
  point: number;
  tickSize: number;
  /** Money value of one tick move for 1 lot, in account currency. */
  tickValue: number;
  contractSize: number;
  volumeMin: number;
  volumeMax: number;
  volumeStep: number;
  /** Minimum SL/TP distance from the current price, in points. */
  stopsLevel: number;
  /** Distance from the price, in points, within which SL/TP may not be modified. */
  freezeLevel: number;
  fillingModes: FillingMode[];
  /** Widest spread, in points, at which the engine still opens trades. */
  maxSpreadPoints: number;
  /** Explicit pip size in price units: there is no universal pip (gold: 0.1 on most brokers). */
  pipSize: number;
  /** Margin for 1 lot as a fraction of notional (1 / leverage for most CFD accounts). */
  marginRate: number;
  correlationGroup: string;
  /**
   * Commission per lot per deal side (opening and closing each pay it), in account currency, ≥ 0.
   * MT5's symbol spec does not carry it (it belongs to the account's group), so the broker adapter
   * reports what it charges or is configured with; sizing counts it.
   */
  commissionPerLot: number;
}

export type TradeSide = 'buy' | 'sell';

/** Current top of book. A buy opens at `ask` and closes at `bid`; a sell the reverse. */
export interface Quote {
  bid: number;
  ask: number;
}
