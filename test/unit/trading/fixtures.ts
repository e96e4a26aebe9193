import type { Bar, InstrumentSpec } from '../../../trading/market.ts';
import { type MarketContext, riskSettingsSchema } from '../../../trading/risk/index.ts';
import type { StrategySignal } from '../../../trading/strategies/index.ts';

export const XAUUSD: InstrumentSpec = {
  symbol: 'XAUUSD',
  digits: 2,
  point: 0.01,
  tickSize: 0.01,
  tickValue: 1,
  contractSize: 100,
  volumeMin: 0.01,
  volumeMax: 100,
  volumeStep: 0.01,
  stopsLevel: 10,
  freezeLevel: 5,
  fillingModes: ['IOC'],
  maxSpreadPoints: 40,
  pipSize: 0.1,
  marginRate: 0.01,
  correlationGroup: 'metals',
  commissionPerLot: 3.5,
};

export const EURUSD: InstrumentSpec = {
  symbol: 'EURUSD',
  digits: 5,
  point: 0.00001,
  tickSize: 0.00001,
  tickValue: 1,
  contractSize: 100_000,
  volumeMin: 0.01,
  volumeMax: 50,
  volumeStep: 0.01,
  stopsLevel: 0,
  freezeLevel: 0,
  fillingModes: ['FOK', 'IOC'],
  maxSpreadPoints: 20,
  pipSize: 0.0001,
  marginRate: 0.01,
  correlationGroup: 'usd_majors',
  commissionPerLot: 3.5,
};

export const T0 = Date.UTC(2025, 0, 6, 9, 0);

/** Bars from [open, high, low, close] tuples, one minute apart. */
export function bars(ohlc: ReadonlyArray<readonly [number, number, number, number]>, startTime = T0): Bar[] {
  return ohlc.map(([open, high, low, close], i) => ({
    openTime: startTime + i * 60_000,
    open,
    high,
    low,
    close,
    tickVolume: 100,
    spread: 20,
  }));
}

/** The same bars reflected around `pivot`: a buy setup becomes the matching sell setup. */
export function mirror(series: readonly Bar[], pivot: number): Bar[] {
  const reflect = (price: number): number => Number((2 * pivot - price).toFixed(10));
  return series.map((bar) => ({
    ...bar,
    open: reflect(bar.open),
    high: reflect(bar.low),
    low: reflect(bar.high),
    close: reflect(bar.close),
  }));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), for synthetic bar series. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random-walk M1 series with realistic-looking candles. */
export function randomWalkBars(count: number, seed: number, start = 2000, step = 0.3): Bar[] {
  const random = seededRandom(seed);
  const out: Bar[] = [];
  let close = start;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = Number((open + (random() - 0.5) * 2 * step).toFixed(2));
    const high = Number((Math.max(open, close) + random() * step).toFixed(2));
    const low = Number((Math.min(open, close) - random() * step).toFixed(2));
    out.push({ openTime: T0 + i * 60_000, open, high, low, close, tickVolume: 50, spread: 20 });
  }
  return out;
}

/** The magic of the bot whose decisions the risk tests make. */
export const BOT_MAGIC = 770_001;

/** A pin bar's buy on gold at 2000.00, stop 3.00 below, target 4.50 above. */
export const GOLD_BUY_SIGNAL: StrategySignal = {
  strategy: 'pin_bar',
  direction: 'buy',
  barOpenTime: T0,
  score: 0.7,
  entryPrice: 2000,
  stopLoss: 1997,
  takeProfit: 2004.5,
  features: {},
};

/** What a decision reads besides its signal: an active bot, a flat 10,000 account, gold at 2000.00/2000.20. */
export function market(overrides: Partial<MarketContext> = {}): MarketContext {
  return {
    settings: riskSettingsSchema.parse({}),
    bot: { autoTrade: true, magic: BOT_MAGIC },
    tradingState: { state: 'active', reason: 'active' },
    account: { balance: 10_000, freeMargin: 9_000, leverage: 100, mode: 'hedging' },
    openPositions: [],
    instrument: XAUUSD,
    quote: { bid: 2000, ask: 2000.2 },
    now: T0 + 2 * 60_000,
    recentLosses: [],
    dayRealizedPnl: 0,
    accountDay: null,
    nextCycleAt: null,
    ...overrides,
  };
}
