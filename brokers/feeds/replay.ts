// A feed that replays recorded M1 bars (e.g. imported from MT5 CSVs) at their own times.
// A minute with no recorded bar has no quote, as a terminal shows no prices when nothing trades.
import type { Bar } from '../../trading/market.ts';
import { minuteOpenTime, type MarketFeed } from './feed.ts';
import { quoteOnPath } from './intrabar.ts';

export interface ReplaySeries {
  symbol: string;
  /** The symbol's point, to put quotes on its price grid. */
  point: number;
  bars: Bar[];
}

/** Index of the first bar opening at or after `time`. */
function lowerBound(bars: Bar[], time: number): number {
  let low = 0;
  let high = bars.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((bars[middle] as Bar).openTime < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function createReplayFeed(series: ReplaySeries[]): MarketFeed {
  const bySymbol = new Map(
    series.map((s) => [s.symbol, { point: s.point, bars: [...s.bars].sort((a, b) => a.openTime - b.openTime) }]),
  );
  const barsOf = (symbol: string): Bar[] => bySymbol.get(symbol)?.bars ?? [];

  function barAt(symbol: string, openTime: number): Bar | null {
    const bars = barsOf(symbol);
    const bar = bars[lowerBound(bars, openTime)];
    return bar !== undefined && bar.openTime === openTime ? bar : null;
  }

  function barsBetween(symbol: string, from: number, to: number): Bar[] {
    const bars = barsOf(symbol);
    return bars.slice(lowerBound(bars, from), lowerBound(bars, to));
  }

  return {
    barAt,
    barsBetween,
    closedBars(symbol, count, now) {
      const bars = barsOf(symbol);
      const end = lowerBound(bars, minuteOpenTime(now));
      return bars.slice(Math.max(0, end - count), end);
    },
    quote(symbol, now) {
      const series = bySymbol.get(symbol);
      const bar = barAt(symbol, minuteOpenTime(now));
      if (series === undefined || bar === null) return null;
      return { symbol, ...quoteOnPath(bar, now - bar.openTime, series.point), time: now };
    },
  };
}
