// The trade book's day for the daily loss limit: the profit, commission and swap of the deals booked
// since 00:00 UTC, in cents, starting again from zero with each UTC day's first deal (and reading 0
// on a day that has none yet), as the live context sums the bot's executions of the day.
import type { BrokerDeal } from '../../../brokers/port.ts';
import { newPaperState } from '../../../brokers/paper/state.ts';
import { TradeBook } from '../../../backtest/trade-book.ts';

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

describe('TradeBook.realizedOnDayOf', () => {
  it('sums the day of `now` in cents, and starts the next day from zero', () => {
    const state = newPaperState({ login: 'day', currency: 'USD', leverage: 100, mode: 'hedging', balance: 10_000 });
    const book = new TradeBook();
    const add = (...deals: BrokerDeal[]) => {
      state.deals.push(...deals);
      book.sync(state, 'end_of_test');
    };
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
});
