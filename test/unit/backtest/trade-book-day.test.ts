// The trade book's day for the daily loss limit: the profit, commission and swap of the deals booked
// since the trading day started (00:00 UTC by default), in cents, starting again from zero with each
// day's first deal (and reading 0 on a day that has none yet), as the live context sums the bot's
// executions of the day.
import type { BrokerDeal } from '../../../brokers/port.ts';
import { newPaperState } from '../../../brokers/paper/state.ts';
import { TradeBook } from '../../../backtest/trade-book.ts';
import { TradingDays } from '../../../trading/trading-day.ts';

const DAY = 86_400_000;
const D = Date.UTC(2026, 2, 16);

let ticket = 0;
function deal(time: number, amounts: Pick<BrokerDeal, 'profit' | 'commission' | 'swap'>): BrokerDeal {
  ticket++;
  return {
    ticket: String(ticket),
    order: String(ticket),
    positionId: String(ticket),
    symbol: 'XAUUSDm',
    side: 'buy',
    entry: 'out',
    reason: 'sl',
    volume: 0.1,
    price: 2000,
    magic: 1,
    comment: '',
    time,
    ...amounts,
  };
}

function bookOf(days: TradingDays) {
  const state = newPaperState({ login: 'day', currency: 'USD', leverage: 100, mode: 'hedging', balance: 10_000 });
  const book = new TradeBook(days);
  const add = (...deals: BrokerDeal[]) => {
    state.deals.push(...deals);
    book.sync(state, 'end_of_test');
  };
  return { book, add };
}

describe('TradeBook.realizedOnDayOf', () => {
  it('sums the day of `now` in cents, and starts the next day from zero', () => {
    const { book, add } = bookOf(new TradingDays({ resetTime: '00:00', timeZone: 'UTC' }));
    expect(book.realizedOnDayOf(D + 3_600_000)).toBe(0);
    add(
      deal(D + 3_600_000, { profit: -10.1, commission: -0.35, swap: 0 }),
      deal(D + 7_200_000, { profit: 3.3, commission: -0.35, swap: -0.1 }),
    );
    expect(book.realizedOnDayOf(D + 8_000_000)).toBe(-7.6);
    // The next day, before its first deal: nothing yet.
    expect(book.realizedOnDayOf(D + DAY + 1_000)).toBe(0);
    add(deal(D + DAY + 60_000, { profit: -2, commission: -0.35, swap: 0 }));
    expect(book.realizedOnDayOf(D + DAY + 120_000)).toBe(-2.35);
    // A day with no deal at all reads 0, not the last day's sum.
    expect(book.realizedOnDayOf(D + 3 * DAY)).toBe(0);
  });

  it("counts the bot's own day: from 17:00 in New York (21:00 UTC in mid-March, on daylight saving time)", () => {
    const { book, add } = bookOf(new TradingDays({ resetTime: '17:00', timeZone: 'America/New_York' }));
    const newYorkFive = D - 3 * 3_600_000; // 2026-03-15 21:00 UTC
    add(
      deal(newYorkFive - 60_000, { profit: -4, commission: 0, swap: 0 }),
      deal(newYorkFive + 60_000, { profit: -1.5, commission: -0.35, swap: 0 }),
    );
    // 00:00 UTC of the 16th is in the day that started at 21:00 UTC on the 15th.
    expect(book.realizedOnDayOf(D)).toBe(-1.85);
    add(deal(D + 20 * 3_600_000, { profit: 2, commission: 0, swap: 0 }));
    expect(book.realizedOnDayOf(D + 20 * 3_600_000)).toBe(0.15);
    // 21:00 UTC on the 16th: the next day, nothing yet.
    expect(book.realizedOnDayOf(D + 21 * 3_600_000)).toBe(0);
  });
});
