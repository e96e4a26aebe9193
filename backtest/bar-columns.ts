// Bar columns checked, searched and quoted, and the market feed the paper broker's fill and stop
// model reads from them.
import { minuteOpenTime, type MarketFeed } from '../brokers/feeds/feed.ts';
import { quoteOnPath } from '../brokers/feeds/intrabar.ts';
import { barFieldsValid, barSeriesProblems } from '../trading/bar-validation.ts';
import type { Bar } from '../trading/market.ts';
import type { BarColumns } from '../trading/bar-columns.ts';

export function barAtIndex(columns: BarColumns, i: number, spreadPoints: number | null = null): Bar {
  return {
    openTime: columns.openTime[i]!,
    open: columns.open[i]!,
    high: columns.high[i]!,
    low: columns.low[i]!,
    close: columns.close[i]!,
    tickVolume: columns.tickVolume[i]!,
    spread: spreadPoints ?? columns.spread[i]!,
  };
}

/**
 * The bars' problems (broken OHLC, off-minute or unordered times), each naming its bar's index, as
 * barSeriesProblems words them; checked in place, field by field, so a year costs no objects.
 */
export function barColumnsProblems(columns: BarColumns): string[] {
  const { openTime, open, high, low, close, tickVolume, spread } = columns;
  const problems: string[] = [];
  let previousTime = -Infinity;
  for (let i = 0; i < openTime.length; i++) {
    const time = openTime[i]!;
    if (!barFieldsValid(time, open[i]!, high[i]!, low[i]!, close[i]!, tickVolume[i]!, spread[i]!)) {
      for (const problem of barSeriesProblems([barAtIndex(columns, i)]))
        problems.push(problem.replace(/^bar 0/, `bar ${i}`));
      continue;
    }
    if (time <= previousTime) problems.push(`bar ${i}: open time ${time} not after the previous bar's ${previousTime}`);
    previousTime = time;
  }
  return problems;
}

/** Index of the first bar opening at or after `time`. */
export function firstIndexAtOrAfter(openTimes: Float64Array, time: number): number {
  let low = 0;
  let high = openTimes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (openTimes[middle]! < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** How many bars open in [from, to). */
export function barsInPeriod(openTimes: Float64Array, period: { from: number; to: number }): number {
  return firstIndexAtOrAfter(openTimes, period.to) - firstIndexAtOrAfter(openTimes, period.from);
}

/** The quote `offsetMs` into bar `i`'s minute, on the path the paper broker quotes and settles on. */
export function quoteInBar(
  columns: BarColumns,
  i: number,
  offsetMs: number,
  point: number,
  spreadPoints: number | null,
) {
  return quoteOnPath(
    {
      open: columns.open[i]!,
      high: columns.high[i]!,
      low: columns.low[i]!,
      close: columns.close[i]!,
      spread: spreadPoints ?? columns.spread[i]!,
    },
    offsetMs,
    point,
  );
}

/**
 * A feed serving one symbol's bars, as the replay feed serves recorded bars: a minute without a
 * bar has no quote. `spreadPoints` replaces every bar's spread when set.
 */
export function columnsFeed(
  symbol: string,
  columns: BarColumns,
  point: number,
  spreadPoints: number | null,
): MarketFeed {
  const times = columns.openTime;
  const barsFrom = (start: number, end: number): Bar[] => {
    const out: Bar[] = [];
    for (let i = start; i < end; i++) out.push(barAtIndex(columns, i, spreadPoints));
    return out;
  };
  // The broker asks about the minutes around the one it asked about last, many times a cycle
  // (quotes, stops, valuations): they are looked for next to it before the history is searched.
  let latest = 0;
  const atOrAfter = (time: number): number => {
    for (let i = Math.max(0, latest - 1); i <= latest + 2 && i < times.length; i++) {
      if (times[i]! >= time && (i === 0 || times[i - 1]! < time)) return (latest = i);
    }
    return (latest = firstIndexAtOrAfter(times, time));
  };
  const indexOf = (openTime: number): number => {
    const i = atOrAfter(openTime);
    return i < times.length && times[i] === openTime ? i : -1;
  };
  return {
    barAt(requested, openTime) {
      const i = requested === symbol ? indexOf(openTime) : -1;
      return i < 0 ? null : barAtIndex(columns, i, spreadPoints);
    },
    closedBars(requested, count, now) {
      if (requested !== symbol) return [];
      const end = firstIndexAtOrAfter(times, minuteOpenTime(now));
      return barsFrom(Math.max(0, end - count), end);
    },
    barsBetween(requested, from, to) {
      if (requested !== symbol) return [];
      return barsFrom(atOrAfter(from), atOrAfter(to));
    },
    quote(requested, now) {
      const i = requested === symbol ? indexOf(minuteOpenTime(now)) : -1;
      if (i < 0) return null;
      const { bid, ask } = quoteInBar(columns, i, now - times[i]!, point, spreadPoints);
      return { symbol, bid, ask, time: now };
    },
  };
}
