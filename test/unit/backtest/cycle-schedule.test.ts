// When a backtested bot's cycles run: a bar-aligned bot's once a minute at its delay, an interval
// bot's on Temporal's grid (epoch + n × interval + offset); and a backtest on an interval runs its
// cycles there, deciding each bar's signals once.
import fc from 'fast-check';
import { cycleScheduleOf, requestedCycles, type RequestedCycles } from '../../../bots/backtest-request.ts';
import { botCycleSchedule, phaseOf } from '../../../bots/cycle-timing.ts';
import { cycleAfter, type CycleSchedule, firstCycleAtOrAfter, nextCycle } from '../../../backtest/cycle-schedule.ts';
import { runBacktest } from '../../../backtest/run.ts';
import type { BacktestJournal, BacktestSettings } from '../../../backtest/types.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../../trading/strategies/index.ts';
import { paperCosts } from '../../support/paper-costs.ts';

const MINUTE = 60_000;
const T = Date.UTC(2025, 2, 3, 10, 0);

describe('cycle schedules', () => {
  it.each<[string, CycleSchedule, number, number[]]>([
    ['a bar-aligned bot, from a minute open', { kind: 'bar_close', delaySeconds: 5 }, T, [5_000, 65_000, 125_000]],
    ['a bar-aligned bot, past its delay', { kind: 'bar_close', delaySeconds: 5 }, T + 6_000, [65_000, 125_000]],
    ['a bar-aligned bot, on its delay', { kind: 'bar_close', delaySeconds: 0 }, T, [0, 60_000]],
    ['45 s from the epoch', { kind: 'interval', everySeconds: 45, offsetMs: 0 }, T, [0, 45_000, 90_000, 135_000]],
    ['45 s at 12.5 s', { kind: 'interval', everySeconds: 45, offsetMs: 12_500 }, T, [12_500, 57_500, 102_500]],
    ['90 s from the epoch', { kind: 'interval', everySeconds: 90, offsetMs: 0 }, T + 1, [90_000, 180_000]],
  ])('%s', (_case, schedule, from, offsetsFromT) => {
    const cycles = [firstCycleAtOrAfter(schedule, from)];
    while (cycles.length < offsetsFromT.length) cycles.push(nextCycle(schedule, cycles.at(-1)!));
    expect(cycles.map((time) => time - T)).toEqual(offsetsFromT);
  });

  it.each<[string, CycleSchedule, number, number]>([
    ['a bar-aligned bot, at its cycle', { kind: 'bar_close', delaySeconds: 30 }, 30_000, 90_000],
    ['a bar-aligned bot, its worker 2 s behind', { kind: 'bar_close', delaySeconds: 30 }, 28_000, 90_000],
    ['a bar-aligned bot, its step 25 s late', { kind: 'bar_close', delaySeconds: 30 }, 55_000, 90_000],
    ['45 s at 12.5 s, at its cycle', { kind: 'interval', everySeconds: 45, offsetMs: 12_500 }, 12_500, 57_500],
    [
      '45 s at 12.5 s, its worker 20 s behind',
      { kind: 'interval', everySeconds: 45, offsetMs: 12_500 },
      -7_500,
      57_500,
    ],
    ['45 s at 12.5 s, its step 20 s late', { kind: 'interval', everySeconds: 45, offsetMs: 12_500 }, 32_500, 57_500],
  ])('the cycle after the one running: %s', (_case, schedule, at, next) => {
    expect(cycleAfter(schedule, T + at) - T).toBe(next);
  });

  it('the cycle after a cycle is the next one, for every schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 15, max: 3600 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 ** 41 }),
        (every, seed, t) => {
          const interval: CycleSchedule = { kind: 'interval', everySeconds: every, offsetMs: seed % (every * 1000) };
          const barClose: CycleSchedule = { kind: 'bar_close', delaySeconds: seed % 60 };
          for (const schedule of [interval, barClose]) {
            const cycle = firstCycleAtOrAfter(schedule, t);
            expect(cycleAfter(schedule, cycle)).toBe(nextCycle(schedule, cycle));
          }
        },
      ),
    );
  });

  it("an interval's cycles are Temporal's: epoch + n × interval + offset, the first at or after the time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 15, max: 3600 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 ** 41 }),
        (everySeconds, offsetSeed, time) => {
          const every = everySeconds * 1000;
          const schedule: CycleSchedule = { kind: 'interval', everySeconds, offsetMs: offsetSeed % every };
          const first = firstCycleAtOrAfter(schedule, time);
          expect((first - schedule.offsetMs) % every).toBe(0);
          expect(first).toBeGreaterThanOrEqual(time);
          expect(first - every).toBeLessThan(time);
          expect(nextCycle(schedule, first) - first).toBe(every);
        },
      ),
    );
  });

  it("copies a bot's schedule: its bar-close delay, else its interval at its phase", () => {
    expect(botCycleSchedule({ id: 7, scheduleIntervalSeconds: 45, barCloseDelaySeconds: 3 })).toEqual({
      kind: 'bar_close',
      delaySeconds: 3,
    });
    expect(botCycleSchedule({ id: 7, scheduleIntervalSeconds: 45, barCloseDelaySeconds: null })).toEqual({
      kind: 'interval',
      everySeconds: 45,
      offsetMs: phaseOf(7, 45),
    });
  });
});

describe("a request's cycles", () => {
  const bots: CycleSchedule = { kind: 'interval', everySeconds: 45, offsetMs: 7_919 };

  it.each<[string, RequestedCycles, CycleSchedule]>([
    ['nothing asked: the bot’s', {}, bots],
    ['a delay', { cycleDelaySeconds: 5 }, { kind: 'bar_close', delaySeconds: 5 }],
    ['the bot’s interval: at its phase', { cycleIntervalSeconds: 45 }, bots],
    ['another interval: at 0', { cycleIntervalSeconds: 60 }, { kind: 'interval', everySeconds: 60, offsetMs: 0 }],
    [
      'an interval and an offset',
      { cycleIntervalSeconds: 45, cycleOffsetMs: 100 },
      { kind: 'interval', everySeconds: 45, offsetMs: 100 },
    ],
  ])('%s', (_case, requested, expected) => {
    expect(requestedCycles(requested, bots)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof cycleScheduleOf>[0], string]>([
    ['neither', { cycleDelaySeconds: null, cycleIntervalSeconds: null, cycleOffsetMs: 0 }, 'cycleDelaySeconds'],
    ['both', { cycleDelaySeconds: 2, cycleIntervalSeconds: 45, cycleOffsetMs: 0 }, 'cycleIntervalSeconds'],
    ['an offset past', { cycleDelaySeconds: null, cycleIntervalSeconds: 45, cycleOffsetMs: 45_000 }, 'cycleOffsetMs'],
  ])('refuses a stored request with %s, naming the field', (_case, stored, field) => {
    expect(() => cycleScheduleOf(stored)).toThrow(expect.objectContaining({ field }));
  });
});

describe('a backtest on an interval', () => {
  const FROM = Date.UTC(2025, 2, 3);
  const TO = FROM + 2 * 86_400_000;
  const bars = barColumnsOf(createSyntheticFeed({ seed: 5 }).barsBetween('XAUUSDm', FROM - 86_400_000, TO + MINUTE));
  const { commissionPerLot, ...GOLD } = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
  const settings = (schedule: CycleSchedule): BacktestSettings => ({
    symbol: 'XAUUSDm',
    instrument: GOLD,
    enabledStrategies: [...STRATEGY_NAMES],
    strategyParams: strategyParamsSchema.parse({}),
    riskSettings: riskSettingsSchema.parse({ decisionMinScore: 0.3 }),
    lookback: undefined,
    startingBalance: 10_000,
    accountMode: 'hedging',
    leverage: 100,
    costs: paperCosts(commissionPerLot),
    schedule,
    from: FROM,
    to: TO,
    seed: 1,
  });
  const journalled = (schedule: CycleSchedule) => {
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    return { result: runBacktest(bars, settings(schedule), undefined, journal), journal };
  };

  it("decides each bar's signals once, at the first cycle after it closes", () => {
    const offsetMs = 12_500;
    const { result, journal } = journalled({ kind: 'interval', everySeconds: 45, offsetMs });
    expect(result.signals).toBeGreaterThan(20);
    const bars = journal.signals.map((signal) => `${signal.strategy}@${signal.barOpenTime}`);
    expect(new Set(bars).size).toBe(bars.length);
    for (const { signal, time } of journal.decisions) {
      const closed = signal.barOpenTime + MINUTE;
      expect((time - offsetMs) % 45_000).toBe(0);
      expect(time).toBeGreaterThanOrEqual(closed);
      expect(time - 45_000).toBeLessThan(closed);
    }
    // A 45 s grid acts on closes 0–45 s late: some decisions late in the minute, some early.
    const lateness = journal.decisions.map(({ signal, time }) => time - signal.barOpenTime - MINUTE);
    expect(Math.max(...lateness)).toBeGreaterThan(30_000);
    expect(Math.min(...lateness)).toBeLessThan(15_000);
  });

  it('with an interval longer than a bar, acts only on the bars whose minute holds a cycle', () => {
    const { journal } = journalled({ kind: 'interval', everySeconds: 120, offsetMs: 0 });
    const { journal: everyMinute } = journalled({ kind: 'bar_close', delaySeconds: 0 });
    // Cycles at even minutes read the bar that closed then: bars opening at odd minutes.
    const signalBars = journal.signals.map((signal) => signal.barOpenTime);
    expect(signalBars.length).toBeGreaterThan(5);
    expect(signalBars.every((open) => (open / MINUTE) % 2 === 1)).toBe(true);
    const oddMinuteSignals = everyMinute.signals.filter((signal) => (signal.barOpenTime / MINUTE) % 2 === 1);
    // Until a trade makes the two runs' accounts differ, they see the same signals on those bars.
    expect(signalBars[0]).toBe(oddMinuteSignals[0]!.barOpenTime);
  });

  it('every 60 s at d seconds past the minute is the bar-aligned bot with a delay of d', () => {
    for (const delaySeconds of [0, 17]) {
      const interval = runBacktest(
        bars,
        settings({ kind: 'interval', everySeconds: 60, offsetMs: delaySeconds * 1000 }),
      );
      const aligned = runBacktest(bars, settings({ kind: 'bar_close', delaySeconds }));
      expect({ ...interval, elapsedMs: 0 }).toEqual({ ...aligned, elapsedMs: 0 });
      expect(interval.overall.count).toBeGreaterThan(5);
    }
  });
});
