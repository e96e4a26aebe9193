import { EVERY_DAY, WEEKDAYS, weekdayMask, weekdayName } from '../../../trading/weekdays.ts';

const days = (...names: number[]) => names.reduce((mask, day) => mask | (1 << day), 0);

describe('days of the week as a trader writes them', () => {
  it.each([
    ['mon-fri', days(1, 2, 3, 4, 5)],
    ['sun-thu', days(0, 1, 2, 3, 4)],
    ['mon,wed,fri', days(1, 3, 5)],
    ['fri-mon (across the week end)', days(5, 6, 0, 1)],
    ['sat', days(6)],
    ['mon-sun', EVERY_DAY],
    ['sun-sat', EVERY_DAY],
    ['Mon-Fri', days(1, 2, 3, 4, 5)],
    ['mon-tue,thu-fri', days(1, 2, 4, 5)],
    ['wed-wed', days(3)],
  ])('%s', (text, mask) => {
    expect(weekdayMask(text.split(' ')[0]!)).toBe(mask);
  });

  it.each(['', 'monday', 'mon-', 'mon,,tue', 'mon-fri-sat', 'mon fri', 'weekdays'])('refuses %j', (text) => {
    expect(WEEKDAYS.test(text)).toBe(false);
    expect(() => weekdayMask(text)).toThrow(/days of the week must read like mon-fri/);
  });

  it('names a day as a clock shows it', () => {
    expect([0, 1, 6].map(weekdayName)).toEqual(['Sun', 'Mon', 'Sat']);
  });
});
