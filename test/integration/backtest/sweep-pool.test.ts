// A real sweep on worker threads: the runner the CLI uses, over synthetic gold bars, checked
// against the same points run one after another in this thread.
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { sweepGrid } from '../../../backtest/sweep/grid.ts';
import type { SweepPoint } from '../../../backtest/sweep/point.ts';
import { createSweepPool, runSweep, type SweepPool } from '../../../backtest/sweep/pool.ts';
import { runSweepPoint } from '../../../backtest/sweep/run-point.ts';
import type { PointOutcome } from '../../../backtest/sweep/summary.ts';
import type { BacktestSettings } from '../../../backtest/types.ts';
import { walkForward, walkForwardFolds } from '../../../backtest/walk-forward.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/instruments.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { strategyParamsSchema } from '../../../trading/strategies/index.ts';

const SYMBOL = 'XAUUSDm';
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const START = Date.UTC(2025, 0, 6);
const BAR_COUNT = 20_000;
/** Bars before `from`, there to warm the indicators up. */
const WARM_UP = 1_000;
const SLOW = 180_000;

const bars = barColumnsOf(createSyntheticFeed({ seed: 42 }).barsBetween(SYMBOL, START, START + BAR_COUNT * MINUTE));
const { commissionPerLot, ...instrument } = paperInstruments(100).find((spec) => spec.symbol === SYMBOL)!;
const base: BacktestSettings = {
  symbol: SYMBOL,
  instrument,
  enabledStrategies: ['pin_bar', 'trend_pullback'],
  strategyParams: strategyParamsSchema.parse({}),
  riskSettings: riskSettingsSchema.parse({}),
  lookback: undefined,
  startingBalance: 10_000,
  accountMode: 'hedging',
  leverage: 100,
  costs: {
    spreadPoints: null,
    commissionPerLot,
    slippagePoints: 0,
    slippageJitterPoints: 3,
    stopsPriority: 'ohlc_path',
  },
  schedule: { kind: 'bar_close', delaySeconds: 2 },
  from: START + WARM_UP * MINUTE,
  to: START + BAR_COUNT * MINUTE,
  seed: 7,
};
const points = sweepGrid(['pin_bar.maxBodyRatio=0.25:0.35:0.05', 'risk.riskPerTradePct=0.5,1'], base);

describe('the sweep pool', () => {
  it(
    'runs every point on 2 threads, each summary identical to the same point run in this thread',
    async () => {
      const progress: [number, number][] = [];
      const streamed: PointOutcome[] = [];
      const outcomes = await runSweep(bars, base, points, {
        threads: 2,
        onProgress: (done, total) => progress.push([done, total]),
        onOutcome: (outcome) => streamed.push(outcome),
      });

      expect(points).toHaveLength(6);
      expect(outcomes.map((outcome) => [outcome.index, outcome.point, outcome.error])).toEqual(
        points.map((point, index) => [index, point, null]),
      );
      expect(progress).toEqual(points.map((_, i) => [i + 1, 6]));
      expect(streamed.map((outcome) => outcome.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const serial = points.map((point) => runSweepPoint(bars, base, point));
      outcomes.forEach((outcome, i) => {
        const summary = outcome.summary!;
        const expected = serial[i]!;
        expect(summary.point).toEqual(expected.point);
        expect(summary.bars).toBe(expected.bars);
        expect(summary.finalBalance).toBe(expected.finalBalance);
        expect(summary.killSwitch).toEqual(expected.killSwitch);
        expect(summary.overall).toEqual(expected.overall);
        expect(summary.byStrategy).toEqual(expected.byStrategy);
      });
      // Not a vacuous comparison: the points trade, and trade differently.
      expect(serial.every((summary) => summary.overall.count > 0)).toBe(true);
      expect(new Set(serial.map((summary) => summary.finalBalance)).size).toBeGreaterThan(1);
    },
    SLOW,
  );

  it(
    'reports the points that fail, with their error, and runs the others',
    async () => {
      const mixed: SweepPoint[] = [
        points[0]!,
        { 'pin_bar.maxBodyRatio': 5 },
        { 'pin_bar.maxBodyRatoi': 0.3 },
        { 'risk.correlationBlock': 'sometimes' },
        points[1]!,
      ];
      const outcomes = await runSweep(bars, base, mixed, { threads: 2 });
      expect(outcomes.map((outcome) => [outcome.index, outcome.point, outcome.summary === null])).toEqual(
        mixed.map((point, index) => [index, point, index > 0 && index < 4]),
      );
      expect(outcomes[1]!.error).toMatch(/^pin_bar\.maxBodyRatio=5: Too big/);
      expect(outcomes[2]!.error).toBe('unknown parameter pin_bar.maxBodyRatoi');
      expect(outcomes[3]!.error).toMatch(/^risk\.correlationBlock=sometimes: /);
      expect(outcomes[4]!.summary).toEqual(runSweepPoint(bars, base, points[1]!));

      // The backtest's own refusal, raised in the worker thread, is reported the same way.
      const later = { ...base, from: base.to + DAY, to: base.to + 2 * DAY };
      const refused = await runSweep(bars, later, points.slice(0, 2), { threads: 2 });
      expect(refused.map((outcome) => outcome.error)).toEqual([
        expect.stringMatching(/^no bars for XAUUSDm in /),
        expect.stringMatching(/^no bars for XAUUSDm in /),
      ]);
    },
    SLOW,
  );

  it(
    'settles a run cut short by close(): the points not yet run fail, nothing hangs',
    async () => {
      const single = createSweepPool(bars, { threads: 1 });
      const outcomes = await single.run(base, points, {
        onOutcome: (outcome) => {
          if (outcome.index === 0) void single.close();
        },
      });
      expect(outcomes[0]!.error).toBeNull();
      expect(outcomes.slice(1).map((outcome) => outcome.error)).toEqual(Array(5).fill('the sweep pool was closed'));
      await expect(single.run(base, points)).rejects.toThrow('the sweep pool is closed');
    },
    SLOW,
  );

  describe('kept between runs', () => {
    let pool: SweepPool;
    beforeEach(() => {
      pool = createSweepPool(bars, { threads: 2 });
    });
    afterEach(() => pool.close());

    it(
      'runs a walk-forward: the best in-sample point of each fold replayed on the next window',
      async () => {
        const folds = walkForwardFolds({ from: base.from, to: base.to }, { windows: 3 });
        const report = await walkForward({
          folds,
          points,
          metric: 'netPnl',
          runSweep: (window, pts) => pool.run({ ...base, ...window }, pts),
        });
        expect(report.folds).toHaveLength(2);
        for (const fold of report.folds) {
          expect(fold.error).toBeNull();
          const trained = points.map((point) => runSweepPoint(bars, { ...base, ...fold.train }, point));
          const bestNetPnl = Math.max(...trained.map((summary) => summary.overall.netPnl));
          expect(fold.inSampleMetric).toBe(bestNetPnl);
          expect(fold.outOfSample).toEqual(runSweepPoint(bars, { ...base, ...fold.test }, fold.best!));
        }
      },
      SLOW,
    );

    it(
      'refuses a second run while one is in progress',
      async () => {
        const first = pool.run(base, points.slice(0, 2));
        await expect(pool.run(base, points)).rejects.toThrow('the sweep pool runs one sweep at a time');
        expect((await first).every((outcome) => outcome.error === null)).toBe(true);
      },
      SLOW,
    );
  });

  it(
    'hands a core to other work between two points while it is asked to, idling a thread until the core is back',
    async () => {
      // Contended after the first point: the pool hands its one core back and runs nothing more
      // until the other work gives it back (here, when the test says so).
      let contended = true;
      let giveBack = () => {};
      const handedBack: number[] = [];
      const progress: number[] = [];
      const share = {
        contended: () => contended,
        handBack: () => {
          handedBack.push(progress.length);
          contended = false;
          return new Promise<void>((resolve) => (giveBack = resolve));
        },
      };
      const running = runSweep(bars, base, points, { threads: 1, share, onProgress: (done) => progress.push(done) });
      const deadline = Date.now() + 60_000;
      while (handedBack.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(handedBack).toEqual([1]);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // A point takes well under a second here: none ran while the core was away.
      expect(progress).toEqual([1]);

      giveBack();
      const outcomes = await running;
      expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
      expect(outcomes.map((outcome) => outcome.summary)).toEqual(
        points.map((point) => runSweepPoint(bars, base, point)),
      );
    },
    SLOW,
  );
});
