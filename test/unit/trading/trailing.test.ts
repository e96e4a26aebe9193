import fc from 'fast-check';
import type { TradeSide } from '../../../trading/market.ts';
import { trailingStop, type TrailedPosition } from '../../../trading/trailing.ts';
import { XAUUSD } from './fixtures.ts';

// Gold: stops level 10 points (0.10), freeze level 5 points (0.05); trailing 20 pips = 2.00.
const TRAIL = 2;
const buy = (overrides: Partial<TrailedPosition> = {}): TrailedPosition => ({
  side: 'buy',
  openPrice: 2000,
  stopLoss: 1997,
  takeProfit: 2010,
  ...overrides,
});
const sell = (overrides: Partial<TrailedPosition> = {}): TrailedPosition => ({
  side: 'sell',
  openPrice: 2000,
  stopLoss: 2003,
  takeProfit: 1990,
  ...overrides,
});

describe('trailing stop', () => {
  it.each<[string, TrailedPosition, number, number, number | null]>([
    ['buy in profit: SL follows the bid', buy(), 2003, 2003.2, 2001],
    ['buy, SL already tighter', buy({ stopLoss: 2001.5 }), 2003, 2003.2, null],
    ['buy not yet beyond break-even', buy(), 2001.5, 2001.7, null],
    ['buy with no SL yet', buy({ stopLoss: null }), 2003, 2003.2, 2001],
    ['buy: rounded down to the tick', buy(), 2003.257, 2003.457, 2001.25],
    ['sell in profit: SL follows the ask', sell(), 1996.8, 1997, 1999],
    ['sell, SL already tighter', sell({ stopLoss: 1998.5 }), 1996.8, 1997, null],
    ['sell not yet beyond break-even', sell(), 1998.3, 1998.5, null],
    ['buy: TP inside the freeze level', buy({ takeProfit: 2003.04 }), 2003, 2003.2, null],
    ['sell: SL inside the freeze level', sell({ stopLoss: 1997.04 }), 1996.8, 1997, null],
  ])('%s', (_name, position, bid, ask, expected) => {
    expect(trailingStop(position, { bid, ask }, TRAIL, XAUUSD)).toBe(expected);
  });

  it('keeps at least the stops level from the price when the trail is tighter', () => {
    expect(trailingStop(buy({ stopLoss: null }), { bid: 2003, ask: 2003.2 }, 0.03, XAUUSD)).toBe(2002.9);
    expect(trailingStop(sell({ stopLoss: null }), { bid: 1996.8, ask: 1997 }, 0.03, XAUUSD)).toBe(1997.1);
  });

  it('never moves the stop against the position, keeps the stops level, and stays on the tick grid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TradeSide>('buy', 'sell'),
        fc.integer({ min: -500, max: 500 }),
        fc.option(fc.integer({ min: -800, max: 800 }), { nil: null }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 600 }),
        (side, priceTicks, stopTicks, spreadTicks, trailTicks) => {
          const bid = 2000 + priceTicks * 0.01;
          const ask = bid + spreadTicks * 0.01;
          const position: TrailedPosition = {
            side,
            openPrice: 2000,
            stopLoss: stopTicks === null ? null : 2000 + stopTicks * 0.01,
            takeProfit: null,
          };
          const next = trailingStop(position, { bid, ask }, trailTicks * 0.01, XAUUSD);
          if (next === null) return;
          const towardsProfit = side === 'buy' ? 1 : -1;
          const closePrice = side === 'buy' ? bid : ask;
          if (position.stopLoss !== null) expect(towardsProfit * (next - position.stopLoss)).toBeGreaterThan(0);
          expect(towardsProfit * (next - position.openPrice)).toBeGreaterThan(0);
          expect(towardsProfit * (closePrice - next)).toBeGreaterThanOrEqual(XAUUSD.stopsLevel * XAUUSD.point - 1e-9);
          expect(Math.abs(next / 0.01 - Math.round(next / 0.01))).toBeLessThan(1e-6);
        },
      ),
    );
  });
});
