// When the bot may open: its trading hours, a window of the wall clock in a time zone (the London
// session, or New York's; across midnight where it ends before it starts). Outside them a signal
// is decided and refused; open positions are managed as ever, or closed where the bot is to be flat
// outside them.
import { minuteOfDay, wallMinuteOf } from '../trading-day.ts';
import type { RiskCheck } from './context.ts';
import type { RiskSettings } from './settings.ts';

const clock = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

type HoursSettings = Pick<RiskSettings, 'tradingHoursStart' | 'tradingHoursEnd' | 'tradingHoursTimeZone'>;

/** The wall-clock minute at `now` and whether it lies in the trading hours; null when none are set. */
function tradingHoursAt(settings: HoursSettings, now: number): { minute: number; within: boolean } | null {
  const { tradingHoursStart, tradingHoursEnd, tradingHoursTimeZone } = settings;
  if (tradingHoursStart === tradingHoursEnd) return null;
  const start = minuteOfDay(tradingHoursStart);
  const end = minuteOfDay(tradingHoursEnd);
  const minute = wallMinuteOf(now, tradingHoursTimeZone);
  return { minute, within: start < end ? minute >= start && minute < end : minute >= start || minute < end };
}

/**
 * Whether the bot must be flat at `now`: it closes what it holds outside its trading hours
 * (closeOutsideTradingHours), as the live managePositions and the backtester both ask.
 */
export function mustBeFlat(
  settings: HoursSettings & Pick<RiskSettings, 'closeOutsideTradingHours'>,
  now: number,
): boolean {
  return settings.closeOutsideTradingHours && tradingHoursAt(settings, now)?.within === false;
}

export const tradingHours: RiskCheck = ({ settings, now }, _plan, explain) => {
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
  const { minute, within: passed } = hours;
  const window = `${settings.tradingHoursStart}–${settings.tradingHoursEnd} ${settings.tradingHoursTimeZone}`;
  return {
    name: 'trading_hours',
    passed,
    value: clock(minute),
    limit: window,
    reason: explain ? `${clock(minute)} is ${passed ? 'within' : 'outside'} the trading hours ${window}` : '',
  };
};
