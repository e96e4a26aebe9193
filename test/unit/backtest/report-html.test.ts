// The backtest report's pure parts: candle timeframe and aggregation, marker snapping, escaping,
// and the rendered document's structure (the browser test draws it).
import { aggregateCandles, candleIndexAt, chooseTimeframe } from '../../../backtest/report/candles.ts';
import { priceDecimals, reportChartData } from '../../../backtest/report/chart-data.ts';
import { inlineScriptText, jsonScriptText } from '../../../backtest/report/escape.ts';
import { backtestReportHtml } from '../../../backtest/report/html.ts';
import { backtestReportJson } from '../../../backtest/report/json.ts';
import type { BacktestResult, BacktestSettings, BacktestTrade, BacktestTradeStats } from '../../../backtest/types.ts';
import type { BarColumns } from '../../../trading/bar-columns.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { strategyParamsSchema } from '../../../trading/strategies/index.ts';
import { XAUUSD } from '../trading/fixtures.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

/** M1 bars opening at T0 + each offset (minutes); bar i has open i, high i + 0.5, low i − 0.5, close i + 0.25. */
function barsAt(offsets: readonly number[]): BarColumns {
  const column = (value: (i: number) => number) => Float64Array.from(offsets, (_, i) => value(i));
  return {
    openTime: Float64Array.from(offsets, (offset) => T0 + offset * MINUTE),
    open: column((i) => 100 + i),
    high: column((i) => 100.5 + i),
    low: column((i) => 99.5 + i),
    close: column((i) => 100.25 + i),
    tickVolume: column(() => 10),
    spread: column(() => 20),
  };
}

const minutes = (count: number, start = 0) => Array.from({ length: count }, (_, i) => start + i);

const STATS: BacktestTradeStats = {
  count: 2,
  wins: 2,
  losses: 0,
  winRate: 1,
  grossProfit: 30,
  grossLoss: 0,
  netPnl: 30,
  profitFactor: null,
  expectancy: 15,
  averageWin: 15,
  averageLoss: null,
  maxDrawdown: 0,
  maxDrawdownPct: 0,
  sharpePerTrade: null,
  longestLosingStreak: 0,
  exposure: 0.25,
};

function trade(overrides: Partial<BacktestTrade>): BacktestTrade {
  return {
    positionId: 'p1',
    strategy: 'pin_bar',
    side: 'buy',
    volume: 0.1,
    openTime: T0 + 3 * MINUTE,
    openPrice: 103,
    stopLoss: 101,
    takeProfit: 106,
    closeTime: T0 + 7 * MINUTE,
    closePrice: 106,
    closeReason: 'tp',
    commission: -0.7,
    profit: 30.7,
    pnl: 30,
    ...overrides,
  };
}

function result(overrides: Partial<BacktestResult> = {}): BacktestResult {
  return {
    symbol: 'XAUUSDm',
    from: T0,
    to: T0 + 20 * MINUTE,
    bars: 20,
    warmUpBars: 0,
    startingBalance: 1000,
    finalBalance: 1030,
    overall: STATS,
    byStrategy: { pin_bar: STATS },
    signals: 5,
    decisions: { opened: 2, ignored: 3, ignoredBy: { 'spread too wide': 2, 'max open positions': 1 } },
    killSwitch: null,
    trades: [trade({})],
    equity: [{ time: T0 + 7 * MINUTE, balance: 1030, drawdownPct: 0 }],
    elapsedMs: 12,
    ...overrides,
  };
}

describe('candle timeframe', () => {
  it('takes the finest timeframe within the candle budget', () => {
    const year = barsAt(minutes(525_600)).openTime;
    const from = T0;
    const to = T0 + 525_600 * MINUTE;
    // M15 would be 35,040 candles; M30 is 17,520.
    expect(chooseTimeframe(year, from, to).name).toBe('M30');
    expect(chooseTimeframe(year, from, from + 20_000 * MINUTE).name).toBe('M1');
    expect(chooseTimeframe(year, from, from + 20_001 * MINUTE).name).toBe('M5');
  });

  it('counts the candles that have bars (gaps cost nothing) and only bars in [from, to)', () => {
    // 10 bars, then a 3-day gap, then 10 more: 20 M1 candles, not 4,000-odd.
    const openTime = barsAt([...minutes(10), ...minutes(10, 3 * 1440)]).openTime;
    expect(chooseTimeframe(openTime, T0, T0 + 4 * 1440 * MINUTE, 20).name).toBe('M1');
    expect(chooseTimeframe(openTime, T0, T0 + 4 * 1440 * MINUTE, 19).name).toBe('M5');
    expect(chooseTimeframe(openTime, T0 + 5 * MINUTE, T0 + 10 * MINUTE, 5).name).toBe('M1');
  });

  it('falls back to D1 when even daily candles exceed the budget', () => {
    expect(chooseTimeframe(barsAt(minutes(3 * 1440)).openTime, T0, T0 + 3 * 1440 * MINUTE, 2).name).toBe('D1');
  });
});

describe('candle aggregation', () => {
  it('takes the first open, highest high, lowest low and last close of each bucket', () => {
    // Minutes 0–9 fill two M5 buckets, minute 22 a third after a gap; minute 30 is past `to`.
    const bars = barsAt([...minutes(10), 22, 30]);
    bars.high[1] = 120;
    bars.low[3] = 50;
    const candles = aggregateCandles(bars, { name: 'M5', minutes: 5 }, T0, T0 + 30 * MINUTE);
    expect(candles.time).toEqual([T0, T0 + 5 * MINUTE, T0 + 20 * MINUTE]);
    expect(candles.open).toEqual([100, 105, 110]);
    expect(candles.high).toEqual([120, 109.5, 110.5]);
    expect(candles.low).toEqual([50, 104.5, 109.5]);
    expect(candles.close).toEqual([104.25, 109.25, 110.25]);
  });

  it('aligns H4 and D1 buckets to UTC', () => {
    const bars = barsAt(minutes(6 * 60, 3 * 60)); // 03:00 to 08:59
    expect(aggregateCandles(bars, { name: 'H4', minutes: 240 }, T0, T0 + 1440 * MINUTE).time).toEqual([
      T0,
      T0 + 4 * 60 * MINUTE,
      T0 + 8 * 60 * MINUTE,
    ]);
    expect(aggregateCandles(bars, { name: 'D1', minutes: 1440 }, T0, T0 + 1440 * MINUTE).time).toEqual([T0]);
  });
});

describe('marker snapping', () => {
  const candleTimes = [T0, T0 + 5 * MINUTE, T0 + 20 * MINUTE];

  it('finds the candle containing a time, the one before a gap, and clamps at both ends', () => {
    expect(candleIndexAt(candleTimes, T0)).toBe(0);
    expect(candleIndexAt(candleTimes, T0 + 4 * MINUTE + 59_999)).toBe(0);
    expect(candleIndexAt(candleTimes, T0 + 5 * MINUTE)).toBe(1);
    expect(candleIndexAt(candleTimes, T0 + 12 * MINUTE)).toBe(1);
    expect(candleIndexAt(candleTimes, T0 + 99 * MINUTE)).toBe(2);
    expect(candleIndexAt(candleTimes, T0 - MINUTE)).toBe(0);
  });

  it('pins entries and exits to their candles, sorted, at their prices, coloured by side and outcome', () => {
    const bars = barsAt(minutes(20));
    const candles = aggregateCandles(bars, { name: 'M5', minutes: 5 }, T0, T0 + 20 * MINUTE);
    const trades = [
      trade({ openTime: T0 + 12 * MINUTE, closeTime: T0 + 20 * MINUTE, closeReason: 'end_of_test', pnl: -4 }),
      trade({ side: 'sell', openTime: T0 + 3 * MINUTE, closeTime: T0 + 7 * MINUTE }),
    ];
    const data = reportChartData(result({ trades, equity: [] }), candles);
    const seconds = (minute: number) => (T0 + minute * MINUTE) / 1000;
    expect(data.markers.map((marker) => [marker.time, marker.shape, marker.text])).toEqual([
      [seconds(0), 'arrowDown', ''],
      [seconds(5), 'circle', 'tp +30.00'],
      [seconds(10), 'arrowUp', ''],
      [seconds(15), 'circle', 'end of test -4.00'],
    ]);
    expect(data.markers[0]).toMatchObject({ position: 'atPriceTop', price: 103, color: '#ff6d00' });
    expect(data.markers[3]).toMatchObject({ position: 'atPriceMiddle', price: 106, color: '#f23645' });
  });

  it('gives each candle the balance at its end and its deepest drawdown, negative', () => {
    const candles = aggregateCandles(barsAt(minutes(20)), { name: 'M5', minutes: 5 }, T0, T0 + 20 * MINUTE);
    const equity = [
      { time: T0 + 6 * MINUTE, balance: 990, drawdownPct: 1 },
      { time: T0 + 8 * MINUTE, balance: 995, drawdownPct: 0.5 },
      { time: T0 + 20 * MINUTE, balance: 1010, drawdownPct: 0 },
    ];
    const data = reportChartData(result({ equity }), candles);
    expect(data.balance).toEqual([1000, 995, 995, 1010]);
    // The last candle opens 0.5 % under the peak and ends on it: its deepest is −0.5 %.
    expect(data.drawdownPct).toEqual([0, -1, -0.5, -0.5]);
  });

  it('reads the price digits off the prices', () => {
    expect(priceDecimals([2830.5, 2831.25])).toBe(2);
    expect(priceDecimals([1.10234, 1.1])).toBe(5);
    expect(priceDecimals([100, 101])).toBe(0);
  });
});

describe('escaping', () => {
  it('keeps inline scripts from closing their element, meaning the same to JavaScript', () => {
    const source = 'const a = "</script>"; const b = `</SCRIPT `; // </Script';
    const escaped = inlineScriptText(source);
    expect(escaped).not.toMatch(/<\/script/i);
    expect(new Function(`${escaped}\nreturn [a, b];`)()).toEqual(['</script>', '</SCRIPT ']);
  });

  it('writes JSON with no "<" at all, parsing back to the same value', () => {
    const value = { reason: '</script><script>alert(1)</script>', note: '<!-- x' };
    const text = jsonScriptText(value);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(value);
  });
});

/** What the report shows of the settings: strategies, cycles, account and costs. */
const SETTINGS: BacktestSettings = {
  symbol: 'XAUUSDm',
  instrument: XAUUSD,
  enabledStrategies: ['pin_bar', 'doji_breakout'],
  strategyParams: strategyParamsSchema.parse({}),
  riskSettings: riskSettingsSchema.parse({}),
  lookback: 120,
  startingBalance: 1000,
  accountMode: 'netting',
  leverage: 200,
  costs: {
    spreadPoints: 25,
    commissionPerLot: 3.5,
    slippagePoints: 2,
    slippageJitterPoints: 3,
    stopsPriority: 'ohlc_path',
  },
  schedule: { kind: 'interval', everySeconds: 45, offsetMs: 12_500 },
  from: T0,
  to: T0 + 20 * MINUTE,
  seed: 1,
};

describe('report document', () => {
  const hostile = '</script><script>alert(1)</script>';
  const html = backtestReportHtml(
    result({ symbol: 'XAU<b>', killSwitch: { time: T0 + 10 * MINUTE, reason: hostile } }),
    SETTINGS,
    barsAt(minutes(20)),
  );

  it('says what was run: the strategies, when the cycles ran, the account and the costs', () => {
    expect(html).toContain('<dt>Strategies</dt><dd>pin_bar, doji_breakout; lookback 120</dd>');
    expect(html).toContain('<dt>Cycles</dt><dd>every 45 s, offset 12.5 s</dd>');
    expect(html).toContain('<dt>Account</dt><dd>netting, leverage 1:200</dd>');
    expect(html).toContain(
      '<dt>Costs</dt><dd>commission 3.50/lot/side; spread 25 points; slippage 2 + 0–3 (seeded) points; a bar reaching SL and TP fills along the OHLC path</dd>',
    );
  });

  it('has exactly its three script elements, whatever the data says', () => {
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).toContain('XAU&lt;b&gt;');
    expect(html).not.toContain('<b>');
  });

  it('embeds the chart data as JSON and loads nothing from elsewhere', () => {
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1];
    const data = JSON.parse(json ?? 'null');
    expect(data.timeframe).toBe('M1');
    expect(data.candles.time).toHaveLength(20);
    expect(html).not.toMatch(/<script[^>]+src=|<link|<img|@import/i);
  });

  it('shows the stats per strategy, null statistics as a dash, and the top ignore reasons', () => {
    expect(html).toContain('<tr data-strategy="overall"');
    expect(html).toContain('<tr data-strategy="pin_bar"');
    expect(html).toContain('<td>100.00%</td>'); // win rate
    expect(html).toContain('<td>—</td>'); // profit factor without a loss
    expect(html).toContain('<li>spread too wide: 2</li><li>max open positions: 1</li>');
    expect(html).toContain('Price, M1 candles');
  });
});

describe('report JSON', () => {
  it('writes the result with keys in the order of the types', () => {
    const shuffled = Object.fromEntries(Object.entries(result()).reverse()) as unknown as BacktestResult;
    const parsed = JSON.parse(backtestReportJson(shuffled));
    expect(parsed).toEqual(result());
    expect(Object.keys(parsed)).toEqual(Object.keys(result()));
    expect(Object.keys(parsed.overall)).toEqual(Object.keys(STATS));
    expect(Object.keys(parsed.decisions.ignoredBy)).toEqual(['max open positions', 'spread too wide']);
  });
});
