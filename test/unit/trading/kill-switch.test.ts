import { killSwitchState, unrealizedPnl, type MarkedPosition } from '../../../trading/kill-switch.ts';
import { EURUSD, XAUUSD } from './fixtures.ts';

const gold = (side: 'buy' | 'sell', volume: number, openPrice: number, bid: number, ask: number): MarkedPosition => ({
  side,
  volume,
  openPrice,
  quote: { bid, ask },
  instrument: XAUUSD,
});

describe('kill-switch maths', () => {
  it.each([
    ['a buy marked at the bid', gold('buy', 0.5, 2000, 1990, 1990.3), -500],
    ['a sell marked at the ask', gold('sell', 0.5, 2000, 1990, 1990.3), 485],
    [
      'a EURUSD buy 20 pips up',
      {
        side: 'buy',
        volume: 1,
        openPrice: 1.1,
        quote: { bid: 1.102, ask: 1.10212 },
        instrument: EURUSD,
      } as MarkedPosition,
      200,
    ],
  ])('unrealised P&L of %s', (_name, position, expected) => {
    expect(unrealizedPnl(position)).toBeCloseTo(expected, 6);
  });

  it('breaches when the unrealised loss reaches the percentage of the balance', () => {
    // −500 + 485 = −15 on 500 → 3 %.
    const positions = [gold('buy', 0.5, 2000, 1990, 1990.3), gold('sell', 0.5, 2000, 1990, 1990.3)];
    expect(killSwitchState(positions, 500, 3)).toEqual({
      unrealizedPnl: expect.closeTo(-15, 6),
      lossPct: expect.closeTo(3, 6),
      limitPct: 3,
      breached: true,
    });
    expect(killSwitchState(positions, 501, 3).breached).toBe(false);
  });

  it('never breaches on a profit or with no positions', () => {
    expect(killSwitchState([gold('sell', 1, 2000, 1990, 1990.3)], 100, 0.01)).toMatchObject({
      lossPct: 0,
      breached: false,
    });
    expect(killSwitchState([], 10_000, 3)).toEqual({ unrealizedPnl: 0, lossPct: 0, limitPct: 3, breached: false });
  });

  it('treats a loss with no positive balance as a breach', () => {
    expect(killSwitchState([gold('buy', 0.01, 2000, 1999, 1999.2)], 0, 3).breached).toBe(true);
  });
});
