// When the bot may open: its trading hours, a window of the wall clock in a time zone (the London
// session, or New York's; across midnight where it ends before it starts), on its trading days (a
// window belongs to the day it starts on). Outside them a signal is decided and refused; open
// positions are managed as ever, or closed where the bot is to be flat outside them (and such a
// bot opens nothing in its last cycle before they end).
import { minuteOfDay, wallMinuteOf, wallWeekdayOf } from '../trading-day.ts';
import { EVERY_DAY, WEEKDAYS, weekdayMask, weekdayName } from '../weekdays.ts';
import type { RiskCheck } from './context.ts';

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Written out, not picked from RiskSettings: the settings' schema refines itself with these. */
interface HoursSettings {
  tradingHoursStart: string;
  tradingHoursEnd: string;
  tradingHoursTimeZone: string;
  tradingWeekdays: string;
}

/** Whether the settings keep the bot to hours or days at all. */
export function hasTradingHours(settings: HoursSettings): boolean {
  // Days that do not read as days are refused on their own field: they count as set here.
  if (!WEEKDAYS.test(settings.tradingWeekdays)) return true;
  return settings.tradingHoursStart !== settings.tradingHoursEnd || weekdayMask(settings.tradingWeekdays) !== EVERY_DAY;
}

/** The hours as the check's limit and the logs name them: `08:00–16:00 Europe/London on mon-fri`. */
export function tradingHoursText(settings: HoursSettings): string {
  const { tradingHoursStart: start, tradingHoursEnd: end, tradingHoursTimeZone: zone, tradingWeekdays } = settings;
  const days = weekdayMask(tradingWeekdays) === EVERY_DAY ? '' : ` on ${tradingWeekdays}`;
  return `${start === end && start === '00:00' ? 'all day' : `${start}–${end}`} ${zone}${days}`;
}

/**
 * The wall clock at `now` (the minute, and its day where the days are not all) and whether it lies
 * in the trading hours on a trading day; null when neither hours nor days are set.
 */
function tradingHoursAt(settings: HoursSettings, now: number): { clock: string; within: boolean } | null {
  const { tradingHoursStart, tradingHoursEnd, tradingHoursTimeZone: zone, tradingWeekdays } = settings;
  const days = weekdayMask(tradingWeekdays);
  const start = minuteOfDay(tradingHoursStart);
  const end = minuteOfDay(tradingHoursEnd);
  if (start === end && days === EVERY_DAY) return null;
  const minute = wallMinuteOf(now, zone);
  if (days === EVERY_DAY) {
    return {
      clock: clock(minute),
      within: start < end ? minute >= start && minute < end : minute >= start || minute < end,
    };
  }
  const today = wallWeekdayOf(now, zone);
  // The window holding `minute`, if any, and the day it started on: after midnight, yesterday's.
  // Equal start and end is a whole day from that time (17:00–17:00 New York, the forex day).
  let windowDay: number | null;
  if (start < end) windowDay = minute >= start && minute < end ? today : null;
  else if (minute >= start) windowDay = today;
  else if (minute < end || start === end) windowDay = (today + 6) % 7;
  else windowDay = null;
  const within = windowDay !== null && (days & (1 << windowDay)) !== 0;
  return { clock: `${weekdayName(today)} ${clock(minute)}`, within };
}

/**
 * Whether the bot must be flat at `now`: it closes what it holds outside its trading hours
 * (closeOutsideTradingHours), as the live managePositions and the backtester both ask.
 */
export function mustBeFlat(settings: HoursSettings & { closeOutsideTradingHours: boolean }, now: number): boolean {
  return settings.closeOutsideTradingHours && tradingHoursAt(settings, now)?.within === false;
}

/** An instant on the hours' wall clock, to the second: `16:00:05 Europe/London`. */
const wallClockOf = (time: number, zone: string) =>
  `${clock(wallMinuteOf(time, zone))}:${String(Math.floor(time / 1000) % 60).padStart(2, '0')} ${zone}`;

/**
 * Within the trading hours on a trading day — and, for a bot to be flat outside them, not in the
 * last cycle before they end: its next cycle would close the trade at once, for its spread and
 * commission.
 */
export const tradingHours: RiskCheck = ({ settings, now, nextCycleAt }, _plan, explain) => {
  const hours = tradingHoursAt(settings, now);
  if (hours === null) {
    return {
      name: 'trading_hours',
      passed: true,
      value: null,
      limit: null,
      reason: explain ? 'no trading hours set' : '',
    };
  }
  const window = tradingHoursText(settings);
  if (hours.within && nextCycleAt !== null && mustBeFlat(settings, nextCycleAt)) {
    return {
      name: 'trading_hours',
      passed: false,
      value: hours.clock,
      limit: window,
      reason: explain
        ? `${hours.clock} is the last cycle within the trading hours ${window}: the next, at ${wallClockOf(nextCycleAt, settings.tradingHoursTimeZone)}, is outside them and would close the trade (closeOutsideTradingHours)`
        : '',
    };
  }
  return {
    name: 'trading_hours',
    passed: hours.within,
    value: hours.clock,
    limit: window,
    reason: explain ? `${hours.clock} is ${hours.within ? 'within' : 'outside'} the trading hours ${window}` : '',
  };
};
