// When the bot may open: its trading hours, a window of the wall clock in a time zone (the London
// session, or New York's; across midnight where it ends before it starts). Outside them a signal
// is decided and refused, and open positions are managed as ever.
import { minuteOfDay, wallMinuteOf } from '../trading-day.ts';
import type { RiskCheck } from './context.ts';

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export const tradingHours: RiskCheck = ({ settings, now }, _plan, explain) => {
  const { tradingHoursStart, tradingHoursEnd, tradingHoursTimeZone } = settings;
  if (tradingHoursStart === tradingHoursEnd) {
    return {
      name: 'trading_hours',
      passed: true,
      value: null,
      limit: null,
      reason: explain ? 'no trading hours set' : '',
    };
  }
  const start = minuteOfDay(tradingHoursStart);
  const end = minuteOfDay(tradingHoursEnd);
  const minute = wallMinuteOf(now, tradingHoursTimeZone);
  const passed = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  const window = `${tradingHoursStart}–${tradingHoursEnd} ${tradingHoursTimeZone}`;
  return {
    name: 'trading_hours',
    passed,
    value: clock(minute),
    limit: window,
    reason: explain ? `${clock(minute)} is ${passed ? 'within' : 'outside'} the trading hours ${window}` : '',
  };
};
