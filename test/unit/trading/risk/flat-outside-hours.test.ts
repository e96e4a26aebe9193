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
      ['closeOutsideTradingHours', 'needs trading hours: set tradingHoursStart and tradingHoursEnd to different times'],
    ]);
  });
});
