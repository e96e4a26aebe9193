import { decide, mustBeFlat, riskSettingsSchema } from '../../../../trading/risk/index.ts';
import { GOLD_BUY_SIGNAL, market, T0 } from '../fixtures.ts';

const flatOutside = (tradingHoursStart: string, tradingHoursEnd: string, tradingHoursTimeZone: string) =>
  riskSettingsSchema.parse({
    tradingHoursStart,
    tradingHoursEnd,
    tradingHoursTimeZone,
    closeOutsideTradingHours: true,
  });

describe('mustBeFlat: a bot set to close outside its trading hours', () => {
  const london = flatOutside('08:00', '16:00', 'Europe/London');
  const overnight = flatOutside('22:00', '06:00', 'America/New_York');

  it.each([
    ['London, a second before the start', london, '2026-01-12T07:59:59Z', true],
    ['London, at the start', london, '2026-01-12T08:00:00Z', false],
    ['London, the last second', london, '2026-01-12T15:59:59Z', false],
    ['London, at the end', london, '2026-01-12T16:00:00Z', true],
    ['London in summer: 15:00 UTC is 16:00', london, '2026-07-13T15:00:00Z', true],
    ['London in summer: 14:59 UTC is 15:59', london, '2026-07-13T14:59:00Z', false],
    ['New York 22:00–06:00, at 23:00 (04:00 UTC)', overnight, '2026-01-13T04:00:00Z', false],
    ['New York 22:00–06:00, at 05:59 (10:59 UTC)', overnight, '2026-01-13T10:59:00Z', false],
    ['New York 22:00–06:00, at 06:00 (11:00 UTC)', overnight, '2026-01-13T11:00:00Z', true],
    ['New York 22:00–06:00, at 21:59 (02:59 UTC)', overnight, '2026-01-13T02:59:00Z', true],
  ])('%s: %s', (_name, settings, time, flat) => {
    expect(mustBeFlat(settings, Date.parse(time))).toBe(flat);
  });

  it('never when the setting is off, whatever the hours', () => {
    const hoursOnly = riskSettingsSchema.parse({ tradingHoursStart: '08:00', tradingHoursEnd: '16:00' });
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      expect(mustBeFlat(hoursOnly, Date.UTC(2026, 0, 12) + minute * 60_000)).toBe(false);
    }
  });

  it('exactly when the trading_hours check refuses an open (property over two days of minutes)', () => {
    for (const settings of [london, overnight, flatOutside('09:30', '09:31', 'Asia/Kathmandu')]) {
      for (let minute = 0; minute < 2 * 24 * 60; minute += 1) {
        const now = T0 + minute * 60_000 + 30_000;
        const check = decide({ ...market(), settings, now, signal: GOLD_BUY_SIGNAL }).checks.find(
          (c) => c.name === 'trading_hours',
        )!;
        expect([now, mustBeFlat(settings, now)]).toEqual([now, !check.passed]);
      }
    }
  });

  it('is refused without trading hours to be flat outside, naming the setting', () => {
    const refused = riskSettingsSchema.safeParse({ closeOutsideTradingHours: true });
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      [
        'closeOutsideTradingHours',
        'needs trading hours: set tradingHoursStart and tradingHoursEnd to different times, or tradingWeekdays to fewer days',
      ],
    ]);
  });
});

describe('trading days', () => {
  const check = (settings: Record<string, unknown>, iso: string) =>
    decide({
      ...market(),
      settings: riskSettingsSchema.parse(settings),
      now: Date.parse(iso),
      signal: GOLD_BUY_SIGNAL,
    }).checks.find((c) => c.name === 'trading_hours')!;
  const london = {
    tradingHoursStart: '08:00',
    tradingHoursEnd: '16:00',
    tradingHoursTimeZone: 'Europe/London',
    tradingWeekdays: 'mon-fri',
  };
  const forex = {
    tradingHoursStart: '17:00',
    tradingHoursEnd: '17:00',
    tradingHoursTimeZone: 'America/New_York',
    tradingWeekdays: 'sun-thu',
  };
  const nightly = {
    tradingHoursStart: '22:00',
    tradingHoursEnd: '06:00',
    tradingHoursTimeZone: 'America/New_York',
    tradingWeekdays: 'sun-thu',
  };

  it.each([
    ['London mon-fri, Friday 15:59', london, '2026-01-16T15:59:00Z', true, 'Fri 15:59'],
    ['London mon-fri, Saturday 10:00', london, '2026-01-17T10:00:00Z', false, 'Sat 10:00'],
    ['London mon-fri, Monday 08:00', london, '2026-01-19T08:00:00Z', true, 'Mon 08:00'],
    ['London mon-fri, Monday 07:59', london, '2026-01-19T07:59:00Z', false, 'Mon 07:59'],
    ['New York 22:00–06:00 sun-thu, Sunday 22:30', nightly, '2026-01-19T03:30:00Z', true, 'Sun 22:30'],
    ['New York 22:00–06:00 sun-thu, Monday 05:59 (Sunday night)', nightly, '2026-01-19T10:59:00Z', true, 'Mon 05:59'],
    ['New York 22:00–06:00 sun-thu, Friday 05:00 (Thursday night)', nightly, '2026-01-23T10:00:00Z', true, 'Fri 05:00'],
    ['New York 22:00–06:00 sun-thu, Friday 22:30', nightly, '2026-01-24T03:30:00Z', false, 'Fri 22:30'],
    [
      'New York 22:00–06:00 sun-thu, Saturday 02:00 (Friday night)',
      nightly,
      '2026-01-24T07:00:00Z',
      false,
      'Sat 02:00',
    ],
    [
      'New York 22:00–06:00 sun-thu, Sunday 02:00 (Saturday night)',
      nightly,
      '2026-01-25T07:00:00Z',
      false,
      'Sun 02:00',
    ],
    ['the forex week 17:00–17:00 New York sun-thu, Sunday 16:59', forex, '2026-01-18T21:59:00Z', false, 'Sun 16:59'],
    ['the forex week, Sunday 17:00', forex, '2026-01-18T22:00:00Z', true, 'Sun 17:00'],
    ['the forex week, Friday 16:59 (Thursday 17:00 on)', forex, '2026-01-23T21:59:00Z', true, 'Fri 16:59'],
    ['the forex week, Friday 17:00', forex, '2026-01-23T22:00:00Z', false, 'Fri 17:00'],
    ['days alone, Saturday 12:00 UTC', { tradingWeekdays: 'mon-fri' }, '2026-01-17T12:00:00Z', false, 'Sat 12:00'],
    ['days alone, Monday 00:00 UTC', { tradingWeekdays: 'mon-fri' }, '2026-01-19T00:00:00Z', true, 'Mon 00:00'],
  ])('%s', (_name, settings, iso, passed, value) => {
    expect(check(settings, iso)).toMatchObject({ passed, value });
  });

  it('names the days in the limit and the reason', () => {
    expect(check(forex, '2026-01-23T22:00:00Z').limit).toBe('17:00–17:00 America/New_York on sun-thu');
    expect(check(london, '2026-01-17T10:00:00Z')).toMatchObject({
      limit: '08:00–16:00 Europe/London on mon-fri',
      reason: 'Sat 10:00 is outside the trading hours 08:00–16:00 Europe/London on mon-fri',
    });
    expect(check({ tradingWeekdays: 'mon-fri' }, '2026-01-17T10:00:00Z').limit).toBe('all day UTC on mon-fri');
  });

  it('a bot flat outside its days closes on Friday at the end of its hours and holds nothing over the weekend', () => {
    const flat = riskSettingsSchema.parse({ ...london, closeOutsideTradingHours: true });
    expect(mustBeFlat(flat, Date.parse('2026-01-16T15:59:59Z'))).toBe(false);
    expect(mustBeFlat(flat, Date.parse('2026-01-16T16:00:00Z'))).toBe(true);
    expect(mustBeFlat(flat, Date.parse('2026-01-17T10:00:00Z'))).toBe(true);
    const daysOnly = riskSettingsSchema.parse({ tradingWeekdays: 'mon-fri', closeOutsideTradingHours: true });
    expect(mustBeFlat(daysOnly, Date.parse('2026-01-16T23:59:59Z'))).toBe(false);
    expect(mustBeFlat(daysOnly, Date.parse('2026-01-17T00:00:00Z'))).toBe(true);
  });

  it.each([
    ['alone', { tradingWeekdays: 'weekdays' }],
    ['with the setting to be flat outside them', { tradingWeekdays: 'weekdays', closeOutsideTradingHours: true }],
  ])('refuses days it cannot read, naming the setting: %s', (_name, settings) => {
    const refused = riskSettingsSchema.safeParse(settings);
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['tradingWeekdays', 'must be days of the week such as mon-fri, sun-thu or mon,wed,fri'],
    ]);
  });
});

describe('the last cycle before the hours end, for a bot to be flat outside them', () => {
  const london = flatOutside('08:00', '16:00', 'Europe/London');
  const hoursOnly = riskSettingsSchema.parse({
    tradingHoursStart: '08:00',
    tradingHoursEnd: '16:00',
    tradingHoursTimeZone: 'Europe/London',
  });
  const check = (settings: typeof london, now: number, nextCycleAt: number | null) =>
    decide({ ...market(), settings, now, nextCycleAt, signal: GOLD_BUY_SIGNAL }).checks.find(
      (c) => c.name === 'trading_hours',
    )!;
  const january = (time: string) => Date.parse(`2026-01-12T${time}Z`);

  it.each<[string, typeof london, string, string | null, boolean]>([
    ['the next cycle at the end: refused', london, '15:59:15', '16:00:00', false],
    ['a bar-aligned bot at :05, the next at 16:00:05: refused', london, '15:59:05', '16:00:05', false],
    ['the next cycle a second before the end: opens', london, '15:59:10', '15:59:59', true],
    ['no next cycle known: opens', london, '15:59:15', null, true],
    ['without closeOutsideTradingHours the trade may run on: opens', hoursOnly, '15:59:15', '16:00:00', true],
    ['outside the hours: refused as ever', london, '16:00:15', '16:01:00', false],
  ])('%s', (_name, settings, now, next, passed) => {
    expect(check(settings, january(now), next === null ? null : january(next)).passed).toBe(passed);
  });

  it("names the next cycle on the hours' own clock: in British summer time, 16:00:05 in London", () => {
    const summer = (time: string) => Date.parse(`2026-07-13T${time}Z`);
    expect(check(london, summer('14:59:05'), summer('15:00:05')).reason).toMatch(
      /^15:59 is the last cycle .*: the next, at 16:00:05 Europe\/London, is outside them/,
    );
  });

  it('names the next cycle in its reason', () => {
    expect(check(london, january('15:59:15'), january('16:00:00'))).toEqual({
      name: 'trading_hours',
      passed: false,
      value: '15:59',
      limit: '08:00–16:00 Europe/London',
      reason:
        '15:59 is the last cycle within the trading hours 08:00–16:00 Europe/London: the next, at 16:00:00 Europe/London, is outside them and would close the trade (closeOutsideTradingHours)',
    });
  });

  it('opens exactly when neither this cycle nor the next must be flat (property over two days of 45 s cycles)', () => {
    const friday = flatOutside('08:00', '16:00', 'Europe/London');
    const weekdays = riskSettingsSchema.parse({ ...friday, tradingWeekdays: 'mon-fri' });
    for (const settings of [friday, weekdays]) {
      for (let now = Date.UTC(2026, 0, 16, 0, 0, 20); now < Date.UTC(2026, 0, 18); now += 45_000) {
        const next = now + 45_000;
        const expected = !mustBeFlat(settings, now) && !mustBeFlat(settings, next);
        expect([now, check(settings, now, next).passed]).toEqual([now, expected]);
      }
    }
  });
});
