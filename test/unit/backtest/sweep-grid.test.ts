import fc from 'fast-check';
import { SweepGridError, sweepGrid, type GridBase } from '../../../backtest/sweep/grid.ts';
import { applySweepPoint, describePoint } from '../../../backtest/sweep/point.ts';
import { parseSweepSpec } from '../../../backtest/sweep/spec.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { strategyParamsSchema } from '../../../trading/strategies/index.ts';

const base: GridBase = {
  enabledStrategies: ['pin_bar', 'trend_pullback'],
  strategyParams: strategyParamsSchema.parse({}),
  riskSettings: riskSettingsSchema.parse({}),
};

describe('parseSweepSpec', () => {
  it.each([
    ['pin_bar.maxBodyRatio=0.25:0.40:0.05', [0.25, 0.3, 0.35, 0.4]],
    ['pin_bar.maxBodyRatio=0.1:0.3:0.1', [0.1, 0.2, 0.3]],
    // to off the grid: the range stops at the last step within it.
    ['risk.defaultSlPips=10:25:10', [10, 20]],
    ['risk.defaultSlPips=-1:1:0.5', [-1, -0.5, 0, 0.5, 1]],
    ['risk.riskPerTradePct=1e-3:3e-3:1e-3', [0.001, 0.002, 0.003]],
    ['risk.riskPerTradePct=2:2:1', [2]],
    ['risk.riskPerTradePct=0.5,1,2', [0.5, 1, 2]],
    ['trend_pullback.trendConfirmation=adx,adx_and_slope', ['adx', 'adx_and_slope']],
    ['risk.correlationBlock=true,false', [true, false]],
  ])('%s', (spec, values) => {
    expect(parseSweepSpec(spec, 10_000)).toEqual({ spec, path: spec.split('=')[0], values });
  });

  it.each([
    ['pin_bar.maxBodyRatio', /expected <strategy>\.<param>=from:to:step/],
    ['maxBodyRatio=0.1,0.2', /expected <strategy>\.<param>=/],
    ['pin_bar.maxBodyRatio=0.1:0.2', /a range is from:to:step, three numbers/],
    ['pin_bar.maxBodyRatio=0.1:x:0.1', /three numbers/],
    ['pin_bar.maxBodyRatio=0.1:0.2:0', /the step must be positive/],
    ['pin_bar.maxBodyRatio=0.1:0.2:-0.1', /the step must be positive/],
    ['pin_bar.maxBodyRatio=0.3:0.2:0.1', /from must not exceed to/],
    ['pin_bar.maxBodyRatio=0:1:0.00001', /100001 values, more than the 10000/],
    ['pin_bar.maxBodyRatio=0.1,,0.2', /an empty value/],
    ['pin_bar.maxBodyRatio=0.1,0.10', /listed twice/],
  ])('refuses %s, and a grid names it', (spec, message) => {
    expect(() => parseSweepSpec(spec, 10_000)).toThrow(message);
    expect(() => sweepGrid(['risk.riskPerTradePct=1', spec], base)).toThrow(`--sweep ${spec}: `);
  });

  it('lists every value of a range on its step grid, from and to included when on it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 0, max: 6 }),
        (fromUnits, spanUnits, stepUnits, decimals) => {
          const text = (units: number) => (units / 10 ** decimals).toFixed(decimals);
          const [from, to, step] = [fromUnits, fromUnits + spanUnits, stepUnits].map(text) as [string, string, string];
          const { values } = parseSweepSpec(`risk.defaultSlPips=${from}:${to}:${step}`, 10_000);
          expect(values).toHaveLength(Math.floor(spanUnits / stepUnits) + 1);
          values.forEach((value, i) => {
            // Exactly the double the decimal literal parses to: no float drift along the range.
            expect(value).toBe(Number(text(fromUnits + i * stepUnits)));
            expect(value).toBeGreaterThanOrEqual(Number(from));
            expect(value).toBeLessThanOrEqual(Number(to));
          });
        },
      ),
    );
  });
});

describe('sweepGrid', () => {
  it('is the cartesian product of the specs, the first varying slowest', () => {
    const points = sweepGrid(['pin_bar.maxBodyRatio=0.25:0.35:0.05', 'risk.riskPerTradePct=0.5,1'], base);
    expect(points).toEqual([
      { 'pin_bar.maxBodyRatio': 0.25, 'risk.riskPerTradePct': 0.5 },
      { 'pin_bar.maxBodyRatio': 0.25, 'risk.riskPerTradePct': 1 },
      { 'pin_bar.maxBodyRatio': 0.3, 'risk.riskPerTradePct': 0.5 },
      { 'pin_bar.maxBodyRatio': 0.3, 'risk.riskPerTradePct': 1 },
      { 'pin_bar.maxBodyRatio': 0.35, 'risk.riskPerTradePct': 0.5 },
      { 'pin_bar.maxBodyRatio': 0.35, 'risk.riskPerTradePct': 1 },
    ]);
  });

  it('has one empty point, the base itself, without specs', () => {
    expect(sweepGrid([], base)).toEqual([{}]);
  });

  it.each([
    ['pin_bar.maxBodyRatoi=0.2:0.3:0.05', 'unknown parameter pin_bar.maxBodyRatoi'],
    ['pinbar.maxBodyRatio=0.2,0.3', 'unknown parameter pinbar.maxBodyRatio'],
    ['risk.riskPerTrade=1,2', 'unknown parameter risk.riskPerTrade'],
    ['doji_breakout.rewardRisk=1,2', 'doji_breakout is not enabled (enabled: pin_bar, trend_pullback)'],
    ['pin_bar.maxBodyRatio=0.5:1.5:0.5', 'pin_bar.maxBodyRatio=1.5: Too big'],
    ['trend_pullback.trendConfirmation=adx,adx_and_sloop', 'trend_pullback.trendConfirmation=adx_and_sloop: '],
    ['risk.correlationBlock=yes', 'risk.correlationBlock=yes: '],
    ['risk.maxConcurrentPositions=1.5', 'risk.maxConcurrentPositions=1.5: '],
  ])('refuses %s, naming the spec', (spec, reason) => {
    expect(() => sweepGrid(['risk.riskPerTradePct=1', spec], base)).toThrow(`--sweep ${spec}: ${reason}`);
  });

  it.each([
    [['risk.riskPerTradePct=1', 'pin_bar.nose=1'], 1, 'unknown parameter pin_bar.nose'],
    [['risk.riskPerTradePct=1:2'], 0, 'a range is from:to:step, three numbers'],
    [['risk.riskPerTradePct=0.01:1:0.01', 'risk.defaultSlPips=1:200:1'], null, '100 × 200 = 20000 points'],
  ] as const)('says which spec is at fault (%j): %s', (specs, specIndex, reason) => {
    const error = (() => {
      try {
        sweepGrid(specs, base);
      } catch (thrown) {
        return thrown;
      }
      throw new Error('sweepGrid accepted the specs');
    })();
    expect(error).toBeInstanceOf(SweepGridError);
    expect((error as SweepGridError).specIndex).toBe(specIndex);
    expect((error as SweepGridError).detail).toContain(reason);
  });

  describe("a parameter the points' channel does not read", () => {
    const ranging: GridBase = { ...base, enabledStrategies: ['range_reversion'] };
    const donchian: GridBase = {
      ...ranging,
      strategyParams: strategyParamsSchema.parse({ range_reversion: { channel: 'donchian' } }),
    };

    it.each<[string, GridBase, string[], string]>([
      [
        'the Donchian period on the Bollinger channel (the default)',
        ranging,
        ['range_reversion.donchianPeriod=10:30:10'],
        'range_reversion.donchianPeriod is read only with range_reversion.channel=donchian',
      ],
      [
        'the Bollinger width on the Donchian channel',
        donchian,
        ['range_reversion.adxMax=20,25', 'range_reversion.bollingerDeviations=1.5,2,2.5'],
        'range_reversion.bollingerDeviations is read only with range_reversion.channel=bollinger',
      ],
    ])('refuses %s, naming it and what would read it', (_case, grid, specs, reason) => {
      expect(() => sweepGrid(specs, grid)).toThrow(
        `--sweep ${specs.at(-1)}: ${reason}, which no point has: every value would run the same backtest`,
      );
    });

    it('runs it where some points have that channel, and on the base that has it', () => {
      const both = ['range_reversion.channel=bollinger,donchian', 'range_reversion.donchianPeriod=10,20'];
      expect(sweepGrid(both, ranging)).toHaveLength(4);
      expect(sweepGrid(['range_reversion.donchianPeriod=10:30:10'], donchian)).toHaveLength(3);
      expect(sweepGrid(['range_reversion.bollingerPeriod=10,20'], ranging)).toHaveLength(2);
    });
  });

  it('refuses a path swept twice', () => {
    expect(() => sweepGrid(['risk.riskPerTradePct=1', 'risk.riskPerTradePct=2'], base)).toThrow(
      '--sweep risk.riskPerTradePct=2: risk.riskPerTradePct is already swept by risk.riskPerTradePct=1',
    );
  });

  it('refuses a grid over the cap before enumerating it', () => {
    const specs = ['risk.riskPerTradePct=0.01:1:0.01', 'risk.defaultSlPips=1:101:1', 'pin_bar.maxBodyRatio=0.1,0.2'];
    expect(() => sweepGrid(specs, base)).toThrow('--sweep: 100 × 101 × 2 = 20200 points, more than the 10000');
    expect(sweepGrid(specs.slice(0, 2), base, 20_000)).toHaveLength(10_100);
  });
});

describe('applySweepPoint', () => {
  it('sets the values on a copy, leaving the base and the other settings as they were', () => {
    const settings = applySweepPoint(base, { 'pin_bar.maxBodyRatio': 0.3, 'risk.correlationBlock': false });
    expect(settings.strategyParams.pin_bar).toEqual({ ...base.strategyParams.pin_bar, maxBodyRatio: 0.3 });
    expect(settings.riskSettings).toEqual({ ...base.riskSettings, correlationBlock: false });
    expect(settings.enabledStrategies).toBe(base.enabledStrategies);
    expect(base.strategyParams.pin_bar.maxBodyRatio).toBe(0.33);
  });

  it('names the path and value a schema refuses', () => {
    expect(() => applySweepPoint(base, { 'risk.riskPerTradePct': 0 })).toThrow(/^risk\.riskPerTradePct=0: Too small/);
    expect(() => applySweepPoint(base, { 'pin_bar.nope': 1 })).toThrow('unknown parameter pin_bar.nope');
  });

  it('describes a point as path=value pairs', () => {
    expect(describePoint({ 'pin_bar.maxBodyRatio': 0.3, 'risk.correlationBlock': false })).toBe(
      'pin_bar.maxBodyRatio=0.3 risk.correlationBlock=false',
    );
  });
});
