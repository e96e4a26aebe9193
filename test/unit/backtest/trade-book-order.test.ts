// The backtest's trade list stays in closing order when one settlement books several stop-outs,
// as across a weekend: the cooldown reads the latest loss from its end, as the live engine reads
// every loss, and a trade closed earlier but opened later must not hide it.
import type { Bar } from '../../../trading/market.ts';
import { MINUTE_MS } from '../../../brokers/feeds/feed.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import { newPaperState } from '../../../brokers/paper/state.ts';
import { placeOrder } from '../../../brokers/paper/trade-requests.ts';
import { columnsFeed } from '../../../backtest/bar-columns.ts';
import { decideSignals, settle, type BacktestAccount } from '../../../backtest/cycle.ts';
import { TradeBook } from '../../../backtest/trade-book.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { riskSettingsSchema, tradingDaysOf } from '../../../trading/risk/index.ts';

const GOLD = { ...paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!, commissionPerLot: 0 };
const FRIDAY = Date.UTC(2026, 2, 13, 20, 58);
const MONDAY = Date.UTC(2026, 2, 15, 22, 0);

const bar = (openTime: number, open: number, high: number, low: number, close: number): Bar => ({
  openTime,
  open,
  high,
  low,
  close,
  tickVolume: 1,
  spread: 20,
});

function account(): BacktestAccount {
  const bars = barColumnsOf([
    bar(FRIDAY, 2000, 2000.5, 1999.8, 2000.2),
    // A bear bar: down to 1998.50 in its second half, after the last Friday cycle.
    bar(FRIDAY + MINUTE_MS, 2000.2, 2000.4, 1998.5, 1999),
    // Monday opens 15 below: a gap through every stop.
    bar(MONDAY, 1985, 1986, 1984, 1985.5),
  ]);
  const risk = riskSettingsSchema.parse({
    cooldownAfterLossMinutes: 30,
    decisionMinScore: 0,
    correlationBlock: false,
    maxConcurrentPositions: 10,
  });
  return {
    state: newPaperState({ login: 'bt', currency: 'USD', leverage: 100, mode: 'hedging', balance: 10_000 }),
    market: {
      feed: columnsFeed('XAUUSDm', bars, 0.01, null),
      instruments: new Map([['XAUUSDm', GOLD]]),
      session: () => true,
      slippage: { points: 0, jitterPoints: 0 },
      commissionPerLot: 0,
      stopsPriority: 'ohlc_path',
      seed: 1,
    },
    instrument: GOLD,
    risk,
    book: new TradeBook(tradingDaysOf(riskSettingsSchema.parse({}))),
    journal: undefined,
  };
}

function buyWithStop(into: BacktestAccount, now: number, stopLoss: number): void {
  const request = {
    symbol: 'XAUUSDm',
    side: 'buy' as const,
    volume: 0.1,
    price: 0,
    sl: stopLoss,
    tp: null,
    deviationPoints: 1e9,
    magic: 1,
    comment: 'bt',
  };
  const result = placeOrder(into.state, into.market, request, now);
  into.book.placed(result.order!, { strategy: 'pin_bar', stopLoss, takeProfit: null });
  into.book.sync(into.state, 'netting');
}

it('a loss closed later but opened earlier is booked last, and the cooldown sees it', () => {
  const bot = account();
  buyWithStop(bot, FRIDAY + 2_000, 1990); // gapped through at Monday's open
  buyWithStop(bot, FRIDAY + 30_000, 1999); // hit on Friday, after the last Friday cycle
  settle(bot, FRIDAY + MINUTE_MS + 2_000);
  expect(bot.state.positions).toHaveLength(2);

  settle(bot, MONDAY + 2_000);

  const closes = bot.book.trades.map((trade) => trade.closeTime);
  expect(closes).toHaveLength(2);
  expect(closes[0]!).toBeLessThan(MONDAY);
  expect(closes[1]).toBe(MONDAY);
  expect(bot.book.latestLoss?.closeTime).toBe(MONDAY);
  const signal = {
    strategy: 'pin_bar' as const,
    direction: 'buy' as const,
    barOpenTime: MONDAY,
    score: 1,
    entryPrice: 1985.5,
    stopLoss: 1980,
    takeProfit: 1990,
    features: {},
  };
  const now = MONDAY + 2_000;
  const [decided] = decideSignals(bot, [signal], { bid: 1985, ask: 1985.2 }, now, now + MINUTE_MS);
  const cooldown = decided!.outcome.checks.find((check) => check.name === 'cooldown_after_loss')!;
  expect(cooldown).toMatchObject({ passed: false, value: 2_000 / MINUTE_MS });
});
