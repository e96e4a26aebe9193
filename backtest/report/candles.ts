// M1 bars to chart candles: a year of M1 is 525,600 bars, too many to embed and draw, so the report
// aggregates them into the finest timeframe that stays under a candle budget.
import type { BarColumns } from '../../trading/bar-columns.ts';

const MINUTE_MS = 60_000;

export interface CandleTimeframe {
  name: 'M1' | 'M5' | 'M15' | 'M30' | 'H1' | 'H4' | 'D1';
  minutes: number;
}

/** Finest first. Buckets are aligned to UTC (H4 at 00, 04, 08 …; D1 at midnight UTC). */
export const CANDLE_TIMEFRAMES: readonly CandleTimeframe[] = [
  { name: 'M1', minutes: 1 },
  { name: 'M5', minutes: 5 },
  { name: 'M15', minutes: 15 },
  { name: 'M30', minutes: 30 },
  { name: 'H1', minutes: 60 },
  { name: 'H4', minutes: 240 },
  { name: 'D1', minutes: 1440 },
];

export const MAX_CANDLES = 20_000;

/** Candles as columns, oldest first; `time` is each candle's bucket start, UTC epoch ms. */
export interface Candles {
  timeframe: CandleTimeframe;
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
}

/** Binary search in an ascending list: the first index whose value passes `reached` (the length when none does). */
function firstIndexWhere(sorted: ArrayLike<number>, reached: (value: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (reached(sorted[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The bar indexes [first, end) of the bars opening in [from, to). */
function barRange(openTime: Float64Array, from: number, to: number): { first: number; end: number } {
  return {
    first: firstIndexWhere(openTime, (time) => time >= from),
    end: firstIndexWhere(openTime, (time) => time >= to),
  };
}

function bucketStart(time: number, timeframe: CandleTimeframe): number {
  const size = timeframe.minutes * MINUTE_MS;
  return Math.floor(time / size) * size;
}

function countCandles(openTime: Float64Array, first: number, end: number, timeframe: CandleTimeframe): number {
  let count = 0;
  let current = Number.NaN;
  for (let i = first; i < end; i++) {
    const bucket = bucketStart(openTime[i] as number, timeframe);
    if (bucket !== current) {
      count++;
      current = bucket;
    }
  }
  return count;
}

/** The finest timeframe giving at most `maxCandles` candles for the bars opening in [from, to); D1 at worst. */
export function chooseTimeframe(
  openTime: Float64Array,
  from: number,
  to: number,
  maxCandles = MAX_CANDLES,
): CandleTimeframe {
  const { first, end } = barRange(openTime, from, to);
  const fitting = CANDLE_TIMEFRAMES.find((timeframe) => countCandles(openTime, first, end, timeframe) <= maxCandles);
  return fitting ?? (CANDLE_TIMEFRAMES.at(-1) as CandleTimeframe);
}

/** OHLC of the bars opening in [from, to), one candle per timeframe bucket that has bars. */
export function aggregateCandles(bars: BarColumns, timeframe: CandleTimeframe, from: number, to: number): Candles {
  const candles: Candles = { timeframe, time: [], open: [], high: [], low: [], close: [] };
  const { first, end } = barRange(bars.openTime, from, to);
  for (let i = first; i < end; i++) {
    const bucket = bucketStart(bars.openTime[i] as number, timeframe);
    const last = candles.time.length - 1;
    if (candles.time[last] === bucket) {
      candles.high[last] = Math.max(candles.high[last] as number, bars.high[i] as number);
      candles.low[last] = Math.min(candles.low[last] as number, bars.low[i] as number);
      candles.close[last] = bars.close[i] as number;
    } else {
      candles.time.push(bucket);
      candles.open.push(bars.open[i] as number);
      candles.high.push(bars.high[i] as number);
      candles.low.push(bars.low[i] as number);
      candles.close.push(bars.close[i] as number);
    }
  }
  return candles;
}

/**
 * Index of the candle containing `time`: the last one opening at or before it. A time in a gap
 * (a weekend) goes to the candle before the gap, a time after the last candle to the last one
 * (an end-of-test close at `to`), a time before the first to the first.
 */
export function candleIndexAt(candleTimes: readonly number[], time: number): number {
  return Math.max(0, firstIndexWhere(candleTimes, (candleTime) => candleTime > time) - 1);
}
