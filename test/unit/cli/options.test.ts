import { InvalidArgumentError } from 'commander';
import { instrumentOverride, oneOf, strategyParam } from '../../../cli/options.ts';

describe('--instrument SYMBOL:key=value,…', () => {
  it('gathers facts per symbol across repeated options, numbers as numbers', () => {
    const first = instrumentOverride('XAUUSDm:pipSize=0.1,commissionPerLot=3.5');
    const second = instrumentOverride('XAUUSDm:correlationGroup=metals', first);
    expect(instrumentOverride('EURUSDm:maxSpreadPoints=20', second)).toEqual({
      XAUUSDm: { pipSize: 0.1, commissionPerLot: 3.5, correlationGroup: 'metals' },
      EURUSDm: { maxSpreadPoints: 20 },
    });
  });

  it.each([
    ['XAUUSDm', /expected SYMBOL:key=value/],
    ['XAUUSDm:pipSize', /expected key=value/],
    ['XAUUSDm:pipSize=tenth', /XAUUSDm pipSize must be a number/],
  ])('refuses %s', (entry, message) => {
    expect(() => instrumentOverride(entry)).toThrow(InvalidArgumentError);
    expect(() => instrumentOverride(entry)).toThrow(message);
  });
});

describe('oneOf', () => {
  it('passes a choice and names the choices otherwise', () => {
    expect(oneOf(['demo', 'live'])('live')).toBe('live');
    expect(() => oneOf(['demo', 'live'])('real')).toThrow('demo or live');
  });
});

describe('--param strategy.key=value', () => {
  it('groups parameters per strategy across repeated options, numbers and booleans as such', () => {
    const first = strategyParam('pin_bar.maxBodyRatio=0.3');
    const second = strategyParam('trend_pullback.requireAdx=false', first);
    expect(strategyParam('pin_bar.rewardRisk=2', second)).toEqual({
      pin_bar: { maxBodyRatio: 0.3, rewardRisk: 2 },
      trend_pullback: { requireAdx: false },
    });
  });

  it.each(['maxBodyRatio=0.3', 'pin_bar.=0.3', '.maxBodyRatio=0.3', 'pin_bar.stop.buffer=1', 'pin_bar.maxBodyRatio'])(
    'refuses %s, naming the form it takes',
    (entry) => {
      expect(() => strategyParam(entry)).toThrow(InvalidArgumentError);
      expect(() => strategyParam(entry)).toThrow(/strategy\.param=value|expected key=value/);
    },
  );
});
