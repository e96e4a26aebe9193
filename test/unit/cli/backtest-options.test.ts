import { barsAround } from '../../../bots/backtest-bars.ts';
import { BacktestOptionError } from '../../../cli/backtest-option-error.ts';
import { parseBacktestOptions, type RawBacktestOptions } from '../../../cli/backtest-options.ts';
import { parsePeriod } from '../../../cli/backtest-period.ts';
import { applySettingsChanges, NEW_BOT_SETTINGS, settingsFileChanges } from '../../../cli/backtest-settings.ts';
import type { Bar } from '../../../trading/market.ts';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const NOW = Date.UTC(2025, 5, 15, 13, 45);

/** What commander hands over for `--symbol XAUUSDm` plus `given`. */
function raw(given: Partial<RawBacktestOptions> = {}): RawBacktestOptions {
  return { symbol: 'XAUUSDm', ...given };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BacktestOptionError) return error.message;
    throw error;
  }
  throw new Error('not refused');
}

describe('parsePeriod', () => {
  it('reads plain dates as whole UTC days, --to included', () => {
    expect(parsePeriod('2025-01-01', '2025-12-31', NOW)).toEqual({
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2026, 0, 1),
      label: '2025-01-01-2025-12-31',
    });
  });

  it('reads date-times as UTC unless they carry an offset; a date-time --to is the exclusive end', () => {
    expect(parsePeriod('2025-03-03T10:30', '2025-03-04T08:00+02:00', NOW)).toEqual({
      from: Date.UTC(2025, 2, 3, 10, 30),
      to: Date.UTC(2025, 2, 4, 6),
      label: '2025-03-03T1030-2025-03-04T0600',
    });
  });

  it('defaults to the 30 days before today', () => {
    const today = Date.UTC(2025, 5, 15);
    expect(parsePeriod(undefined, undefined, NOW)).toEqual({
      from: today - 30 * DAY,
      to: today,
      label: '2025-05-16-2025-06-14',
    });
  });

  it('refuses what is not a calendar date, naming the option', () => {
    expect(refusal(() => parsePeriod('2025-13-01', undefined, NOW))).toMatch(/^--from 2025-13-01: not a date/);
    expect(refusal(() => parsePeriod(undefined, '2025-02-30', NOW))).toMatch(/^--to 2025-02-30: not a date/);
    expect(refusal(() => parsePeriod('yesterday', undefined, NOW))).toMatch(/^--from yesterday: not a date/);
    expect(refusal(() => parsePeriod('2025-02-30T10:00Z', undefined, NOW))).toMatch(/^--from 2025-02-30T10:00Z/);
  });
});

describe('parseBacktestOptions', () => {
  it('fills in the defaults: synthetic bars, seed 42, no sweep', () => {
    const options = parseBacktestOptions(raw({ from: '2025-03-03', to: '2025-03-05' }), NOW);
    expect(options).toMatchObject({
      symbol: 'XAUUSDm',
      source: { kind: 'synthetic' },
      seed: 42,
      startingBalance: 10_000,
      accountMode: 'hedging',
      leverage: 100,
      cycles: { cycleDelaySeconds: undefined, cycleIntervalSeconds: undefined, cycleOffsetMs: undefined },
      costs: {
        spreadPoints: null,
        commissionPerLot: null,
        slippagePoints: 0,
        slippageJitterPoints: 0,
        stopsPriority: 'ohlc_path',
      },
      sweep: undefined,
      changes: { assignments: [] },
    });
  });

  it('reads --csv as the csv source, and settings flags with their origins', () => {
    const options = parseBacktestOptions(
      raw({
        csv: 'gold.csv',
        utcOffset: '120',
        strategies: 'pin_bar',
        param: ['pin_bar.maxBodyRatio=0.3'],
        risk: ['correlationBlock=false'],
        lookback: '300',
      }),
      NOW,
    );
    expect(options.source).toEqual({
      kind: 'csv',
      file: 'gold.csv',
      serverClock: { kind: 'offset', utcOffsetMinutes: 120 },
    });
    expect(options.changes).toEqual({
      enabledStrategies: { origin: '--strategies pin_bar', value: ['pin_bar'] },
      lookback: { origin: '--lookback 300', value: 300 },
      assignments: [
        { origin: '--param pin_bar.maxBodyRatio=0.3', path: 'pin_bar.maxBodyRatio', value: 0.3 },
        { origin: '--risk correlationBlock=false', path: 'risk.correlationBlock', value: false },
      ],
    });
  });

  it('reads a sweep and its walk-forward', () => {
    const options = parseBacktestOptions(
      raw({ sweep: ['pin_bar.maxBodyRatio=0.25:0.4:0.05'], rankBy: 'profitFactor', threads: '2', walkForward: '3' }),
      NOW,
    );
    expect(options.sweep).toEqual({
      specs: ['pin_bar.maxBodyRatio=0.25:0.4:0.05'],
      rankBy: 'profitFactor',
      top: 10,
      threads: 2,
      walkForwardFolds: 3,
    });
  });

  it("reads a CSV server's clock as a zone shifted by hours", () => {
    expect(parseBacktestOptions(raw({ csv: 'gold.csv', serverClock: 'America/New_York+7' }), NOW).source).toEqual({
      kind: 'csv',
      file: 'gold.csv',
      serverClock: { kind: 'zone', timeZone: 'America/New_York', shiftMinutes: 420 },
    });
  });

  it('reads the pessimistic stops option', () => {
    expect(parseBacktestOptions(raw({ stops: 'sl_first' }), NOW).costs.stopsPriority).toBe('sl_first');
  });

  it("reads an interval bot's cycles", () => {
    const options = parseBacktestOptions(raw({ from: '2025-03-03', cycleInterval: '45', cycleOffset: '12500' }), NOW);
    expect(options.cycles).toEqual({ cycleDelaySeconds: undefined, cycleIntervalSeconds: 45, cycleOffsetMs: 12_500 });
  });

  it.each<[Partial<RawBacktestOptions>, string]>([
    [{ symbol: undefined }, '--symbol: required (or --bot <id> for its symbol)'],
    [
      { cycleDelay: '5', cycleInterval: '45' },
      '--cycle-interval 45: either a bar-close delay or an interval, not both',
    ],
    [{ cycleOffset: '500' }, '--cycle-offset 500: only with an interval'],
    [{ cycleInterval: '45', cycleOffset: '45000' }, '--cycle-offset 45000: must be below the interval (45000 ms)'],
    [{ cycleInterval: '10' }, '--cycle-interval 10: Too small'],
    [{ cycleDelay: '60' }, '--cycle-delay 60: Too big'],
    [{ from: '2025-03-05', to: '2025-03-01' }, '--to 2025-03-01: must be later than --from'],
    [{ from: '2020-01-01', to: '2025-01-01' }, '--to 2025-01-01: at most 731 days after --from'],
    [{ param: ['pin_bar.maxBodyRatoi=0.3'] }, '--param pin_bar.maxBodyRatoi=0.3: unknown parameter'],
    [{ param: ['maxBodyRatio=0.3'] }, '--param maxBodyRatio=0.3: expected <strategy>.<param>=value'],
    [{ param: ['pin_bar.maxBodyRatio'] }, '--param pin_bar.maxBodyRatio: expected key=value'],
    [{ risk: ['martingale=true'] }, '--risk martingale=true: unknown risk setting'],
    [{ strategies: 'pin_bar,scalp' }, '--strategies pin_bar,scalp: unknown scalp'],
    [{ balance: '0' }, '--balance 0: Too small'],
    [{ leverage: '1.5' }, '--leverage 1.5: Invalid input'],
    [{ spread: 'wide' }, '--spread wide: not a number'],
    [{ stops: 'tp_first' }, '--stops tp_first: ohlc_path or sl_first'],
    [{ lookback: '5' }, '--lookback 5: Too small'],
    [{ accountMode: 'both' }, '--account-mode both: hedging or netting'],
    [{ source: 'mt5' }, '--source mt5: synthetic or database or csv'],
    [{ source: 'csv' }, '--source csv: needs --csv <file>'],
    [{ source: 'database', csv: 'gold.csv' }, '--csv gold.csv: only with --source csv'],
    [{ utcOffset: '120' }, '--utc-offset 120: only with --csv'],
    [{ serverClock: 'Europe/Athens' }, '--server-clock Europe/Athens: only with --csv'],
    [
      { csv: 'gold.csv', utcOffset: '120', serverClock: 'Europe/Athens' },
      '--server-clock Europe/Athens: either it or --utc-offset, not both',
    ],
    [{ csv: 'gold.csv', serverClock: 'Athens' }, '--server-clock Athens: not a time zone'],
    [{ walkForward: '2' }, '--walk-forward 2: needs --sweep'],
    [{ sweep: ['pin_bar.maxBodyRatio=0.3'], rankBy: 'luck' }, '--rank-by luck: netPnl or profitFactor'],
    [{ sweep: ['pin_bar.maxBodyRatio=0.3'], threads: '0' }, '--threads 0: Too small'],
  ])('refuses %j naming the option', (given, message) => {
    expect(refusal(() => parseBacktestOptions(raw({ from: '2025-03-03', ...given }), NOW))).toContain(message);
  });
});

describe('applySettingsChanges', () => {
  it("applies a file's settings, then the flags, over the base", () => {
    const file = settingsFileChanges('--settings bot.json', {
      name: 'gold', // a bot's JSON: fields that are not settings are not read
      enabledStrategies: ['pin_bar', 'doji_breakout'],
      strategyParams: { pin_bar: { maxBodyRatio: 0.3, rewardRisk: 2 } },
      riskSettings: { riskPerTradePct: 1 },
      lookback: 150,
    });
    const flag = { origin: '--param pin_bar.rewardRisk=1.2', path: 'pin_bar.rewardRisk', value: 1.2 };
    const settings = applySettingsChanges(
      NEW_BOT_SETTINGS,
      { ...file, assignments: [...file.assignments, flag] },
      'defaults',
    );
    expect(settings).toMatchObject({
      enabledStrategies: ['pin_bar', 'doji_breakout'],
      strategyParams: { pin_bar: { maxBodyRatio: 0.3, rewardRisk: 1.2 } },
      riskSettings: { riskPerTradePct: 1, maxConcurrentPositions: 3 },
      lookback: 150,
    });
  });

  it('names where a refused value came from', () => {
    const fromFile = settingsFileChanges('--settings bot.json', { riskSettings: { riskPerTradePct: 250 } });
    expect(refusal(() => applySettingsChanges(NEW_BOT_SETTINGS, fromFile, 'defaults'))).toMatch(
      /^--settings bot\.json: riskSettings\.riskPerTradePct: Too big/,
    );
    const typo = settingsFileChanges('--settings bot.json', { strategyParams: { pin_bar: { maxBody: 0.3 } } });
    expect(refusal(() => applySettingsChanges(NEW_BOT_SETTINGS, typo, 'defaults'))).toBe(
      '--settings bot.json: strategyParams.pin_bar.maxBody: unknown parameter',
    );
    expect(refusal(() => settingsFileChanges('--settings bot.json', []))).toMatch(
      /^--settings bot\.json: Invalid input/,
    );
    const longEma = {
      origin: '--param trend_pullback.slowEmaPeriod=5000',
      path: 'trend_pullback.slowEmaPeriod',
      value: 5000,
    };
    expect(refusal(() => applySettingsChanges(NEW_BOT_SETTINGS, { assignments: [longEma] }, 'defaults'))).toMatch(
      /^--param trend_pullback\.slowEmaPeriod=5000: trend_pullback needs \d+ closed bars/,
    );
  });
});

describe('barsAround', () => {
  const bar = (minute: number): Bar => ({
    openTime: minute * MINUTE,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    tickVolume: 1,
    spread: 1,
  });
  // Minutes 0–9, 20–29 and 60–64: gaps as weekends leave them.
  const bars = [
    ...Array.from({ length: 10 }, (_, i) => bar(i)),
    ...Array.from({ length: 10 }, (_, i) => bar(20 + i)),
    ...Array.from({ length: 5 }, (_, i) => bar(60 + i)),
  ];
  const minutes = (picked: Bar[]) => picked.map((b) => b.openTime / MINUTE);

  it('keeps the warm-up bars before the period, the period, and the first bar after it', () => {
    expect(minutes(barsAround(bars, { from: 20 * MINUTE, to: 30 * MINUTE }, 3))).toEqual([
      7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60,
    ]);
  });

  it('keeps what there is at the edges', () => {
    expect(minutes(barsAround(bars, { from: 2 * MINUTE, to: 70 * MINUTE }, 5))).toEqual(minutes(bars));
    expect(barsAround(bars, { from: 100 * MINUTE, to: 200 * MINUTE }, 3)).toHaveLength(3);
  });
});
