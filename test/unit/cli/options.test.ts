import { InvalidArgumentError } from 'commander';
import { instrumentOverride, oneOf } from '../../../cli/options.ts';

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
