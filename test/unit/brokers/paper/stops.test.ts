import fc from 'fast-check';
import type { Bar } from '../../../../trading/market.ts';
import { findStopExit } from '../../../../brokers/paper/stops.ts';

const POINT = 0.01;
const price = (points: number) => Math.round(points) / 100;

/** A random bar around 2000.00 and a buy position's SL below / TP above its open, in points. */
const scenario = fc
  .record({
    open: fc.integer({ min: 199_000, max: 201_000 }),
    close: fc.integer({ min: 199_000, max: 201_000 }),
    up: fc.integer({ min: 0, max: 500 }),
    down: fc.integer({ min: 0, max: 500 }),
    slBelow: fc.integer({ min: -300, max: 800 }),
    tpAbove: fc.integer({ min: -300, max: 800 }),
  })
  .map(({ open, close, up, down, slBelow, tpAbove }) => {
    const bar: Bar = {
      openTime: 0,
      open: price(open),
      close: price(close),
      high: price(Math.max(open, close) + up),
      low: price(Math.min(open, close) - down),
      tickVolume: 1,
      spread: 20,
    };
    return { bar, sl: price(open - slBelow), tp: price(open + tpAbove) };
  });

describe('SL/TP inside a bar (buy position, Bid path)', () => {
  it('fills at the level when the path crosses it, at the open when it gapped beyond, never outside the bar', () => {
    fc.assert(
      fc.property(scenario, ({ bar, sl, tp }) => {
        const exit = findStopExit(bar, 0, { side: 'buy', sl, tp }, POINT, 'ohlc_path');
        const slTouched = bar.low <= sl;
        const tpTouched = bar.high >= tp;
        if (!slTouched && !tpTouched) expect(exit).toBeNull();
        if (exit === null) return;
        expect(exit.price).toBeGreaterThanOrEqual(bar.low);
        expect(exit.price).toBeLessThanOrEqual(bar.high);
        const gapped = exit.reason === 'sl' ? bar.open <= sl : bar.open >= tp;
        expect(exit.price).toBe(gapped ? bar.open : exit.reason === 'sl' ? sl : tp);
        if (gapped) expect(exit.offsetMs).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('when both are touched without a gap, the bar colour decides (bull: SL, bear: TP); sl_first always SL', () => {
    fc.assert(
      fc.property(scenario, ({ bar, sl, tp }) => {
        const both = bar.low <= sl && bar.high >= tp && bar.open > sl && bar.open < tp;
        if (!both) return;
        const path = findStopExit(bar, 0, { side: 'buy', sl, tp }, POINT, 'ohlc_path');
        expect(path?.reason).toBe(bar.close >= bar.open ? 'sl' : 'tp');
        expect(findStopExit(bar, 0, { side: 'buy', sl, tp }, POINT, 'sl_first')?.reason).toBe('sl');
      }),
      { numRuns: 2000 },
    );
  });

  it('sl_first leaves a bar that opens beyond the TP to the TP, at its open: the open is recorded, not modelled', () => {
    const gapped: Bar = { openTime: 0, open: 2012, high: 2013, low: 1985, close: 1988, tickVolume: 1, spread: 20 };
    const levels = { side: 'buy' as const, sl: 1990, tp: 2010 };
    for (const priority of ['ohlc_path', 'sl_first'] as const) {
      expect(findStopExit(gapped, 0, levels, POINT, priority)).toEqual({ reason: 'tp', price: 2012, offsetMs: 0 });
    }
    const opensInside: Bar = { ...gapped, open: 2000 };
    expect(findStopExit(opensInside, 0, levels, POINT, 'sl_first')).toMatchObject({ reason: 'sl', price: 1990 });
  });
});
