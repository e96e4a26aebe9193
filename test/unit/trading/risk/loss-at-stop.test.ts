// Sizing against what a broker books: the paper broker reports its commission in the symbol
// spec, fills at the quote and closes at the stop; the balance must not drop by more than the
// risk budget. Issue 9's trade lost 51.04 of a 50 budget here.
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createReplayFeed } from '../../../../brokers/feeds/replay.ts';
import { createMemoryStateStore, createPaperBroker } from '../../../../brokers/paper/index.ts';
import type { Bar, TradeSide } from '../../../../trading/market.ts';
import { sizePosition } from '../../../../trading/sizing.ts';

const START = Date.UTC(2026, 2, 10, 10, 0);
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

function bar(minute: number, open: number, high: number, low: number, close: number): Bar {
  return { openTime: START + minute * MINUTE_MS, open, high, low, close, tickVolume: 10, spread: 20 };
}

describe('loss at the stop, as the paper broker books it', () => {
  // Quoted bid 2000.05 / ask 2000.25 at the open; the next bar runs through the stop without a gap.
  it.each<[TradeSide, number, Bar]>([
    ['buy', 1997.13, bar(1, 2000.05, 2000.05, 1996, 1996.5)],
    // A sell's stop fires on the ask (bid + 0.20), 312 ticks above the bid it sold at: at a bid of 2002.97.
    ['sell', 2003.17, bar(1, 2000.05, 2004, 2000.05, 2003.5)],
  ])('a %s sized by risk loses at most the budget when stopped out', async (side, stopLoss, stopBar) => {
    const clock = { time: START, now: () => clock.time };
    const broker = createPaperBroker({
      store: createMemoryStateStore(),
      feed: createReplayFeed([
        { symbol: 'XAUUSDm', point: 0.01, bars: [bar(0, 2000.05, 2000.05, 2000.05, 2000.05), stopBar] },
      ]),
      clock,
    });
    const instrument = await broker.instrument('XAUUSDm');
    expect(instrument.commissionPerLot).toBe(3.5);
    const quote = await broker.quote('XAUUSDm');
    const balance = (await broker.account()).balance;
    const size = sizePosition({ balance, riskPerTradePct: 0.5, side, quote, stopLoss, instrument });
    expect(size.volume).toBe(0.15);

    const opened = await broker.placeMarketOrder({
      symbol: 'XAUUSDm',
      side,
      volume: size.volume,
      price: side === 'buy' ? quote.ask : quote.bid,
      sl: stopLoss,
      tp: null,
      deviationPoints: 0,
      magic: 1,
      comment: 'risk',
    });
    clock.time = START + 2 * MINUTE_MS;
    const deals = await broker.deals(ALL_TIME, { positionId: opened.order ?? '' });
    expect(deals.map((deal) => [deal.entry, deal.reason, deal.price])).toEqual([
      ['in', 'client', side === 'buy' ? 2000.25 : 2000.05],
      ['out', 'sl', stopLoss],
    ]);
    const lost = balance - (await broker.account()).balance;
    expect(lost).toBeLessThanOrEqual(size.riskBudget);
    // 0.15 × 312 ticks = 46.80, + 2 × 0.15 × 3.5 = 1.05 commission (booked per deal to the cent).
    expect(lost).toBeCloseTo(size.lossAtStop!.total, 1);
    expect(-deals[1]!.profit).toBeCloseTo(46.8, 9);
  });
});
