// What the page's charts draw, in lightweight-charts' terms (times in UTC seconds). Every series
// has one point per candle, so the three charts share their logical ranges and scroll together.
import type { BacktestResult, BacktestTrade, EquityPoint } from '../types.ts';
import { candleIndexAt, type Candles } from './candles.ts';
import { formatSignedMoney } from './format.ts';

/** Side of an entry (blue buy, orange sell) and outcome of an exit (green win, red loss). */
export const MARKER_COLOURS = { buy: '#2962ff', sell: '#ff6d00', win: '#089981', loss: '#f23645', flat: '#787b86' };

export interface ChartMarker {
  time: number;
  position: 'atPriceBottom' | 'atPriceTop' | 'atPriceMiddle';
  price: number;
  shape: 'arrowUp' | 'arrowDown' | 'circle';
  color: string;
  text: string;
}

export interface ReportChartData {
  timeframe: string;
  /** Whether candles are shorter than a day, so the time axis shows hours. */
  intraday: boolean;
  priceDecimals: number;
  candles: { time: number[]; open: number[]; high: number[]; low: number[]; close: number[] };
  /** Sorted by time, as the chart requires. */
  markers: ChartMarker[];
  /** Per candle: the balance after the trades closed by its end. */
  balance: number[];
  /** Per candle: the deepest drawdown during it, as a negative percent (0 at a new peak). */
  drawdownPct: number[];
}

const MAX_PRICE_DECIMALS = 5;

const seconds = (time: number): number => Math.floor(time / 1000);

/** The fewest decimals that write every price exactly (the instrument's digits, which the result does not carry). */
export function priceDecimals(prices: readonly number[]): number {
  for (let decimals = 0; decimals < MAX_PRICE_DECIMALS; decimals++) {
    const scale = 10 ** decimals;
    if (prices.every((price) => Math.abs(price * scale - Math.round(price * scale)) < 1e-6)) return decimals;
  }
  return MAX_PRICE_DECIMALS;
}

function tradeMarkers(trade: BacktestTrade, candleTimes: readonly number[]): ChartMarker[] {
  const snap = (time: number) => seconds(candleTimes[candleIndexAt(candleTimes, time)] as number);
  const buy = trade.side === 'buy';
  const outcome = trade.pnl > 0 ? 'win' : trade.pnl < 0 ? 'loss' : 'flat';
  return [
    {
      time: snap(trade.openTime),
      position: buy ? 'atPriceBottom' : 'atPriceTop',
      price: trade.openPrice,
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: MARKER_COLOURS[trade.side],
      text: '',
    },
    {
      time: snap(trade.closeTime),
      position: 'atPriceMiddle',
      price: trade.closePrice,
      shape: 'circle',
      color: MARKER_COLOURS[outcome],
      text: `${trade.closeReason.replaceAll('_', ' ')} ${formatSignedMoney(trade.pnl)}`,
    },
  ];
}

/** Balance and drawdown per candle; points before the first candle set where the curve starts. */
function accountPerCandle(
  candles: Candles,
  equity: readonly EquityPoint[],
  startingBalance: number,
): { balance: number[]; drawdownPct: number[] } {
  const points = [...equity].sort((a, b) => a.time - b.time);
  const candleMs = candles.timeframe.minutes * 60_000;
  const balance: number[] = [];
  const drawdownPct: number[] = [];
  let next = 0;
  let currentBalance = startingBalance;
  let currentDrawdown = 0;
  candles.time.forEach((time, index) => {
    // The last candle takes every later point (a close at the end of the test).
    const end = index === candles.time.length - 1 ? Infinity : time + candleMs;
    let deepest = currentDrawdown;
    for (; next < points.length && (points[next] as EquityPoint).time < end; next++) {
      const point = points[next] as EquityPoint;
      currentBalance = point.balance;
      currentDrawdown = point.drawdownPct;
      deepest = Math.max(deepest, point.drawdownPct);
    }
    balance.push(currentBalance);
    drawdownPct.push(deepest === 0 ? 0 : -deepest);
  });
  return { balance, drawdownPct };
}

export function reportChartData(result: BacktestResult, candles: Candles): ReportChartData {
  // Without candles there is nothing to pin a marker to.
  const markers =
    candles.time.length === 0
      ? []
      : result.trades.flatMap((trade) => tradeMarkers(trade, candles.time)).sort((a, b) => a.time - b.time);
  return {
    timeframe: candles.timeframe.name,
    intraday: candles.timeframe.name !== 'D1',
    priceDecimals: priceDecimals([...candles.open, ...candles.close]),
    candles: {
      time: candles.time.map(seconds),
      open: candles.open,
      high: candles.high,
      low: candles.low,
      close: candles.close,
    },
    markers,
    ...accountPerCandle(candles, result.equity, result.startingBalance),
  };
}
