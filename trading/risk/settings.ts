import { z } from 'zod';
import { isTimeZone, TIME_OF_DAY, TradingDays } from '../trading-day.ts';
import { WEEKDAYS } from '../weekdays.ts';
import { hasTradingHours } from './session-checks.ts';

// The checks sit inside the default: a request's schema is the settings' with the defaults
// unwrapped (api/routes/bot-schemas.ts), and must keep them.

/** A string of a written form: `allowed` shows it in the settings table and OpenAPI. */
function written(pattern: RegExp, message: string, allowed: string, fallback: string) {
  return z.string().regex(pattern, { message }).meta({ 'x-allowed': allowed }).default(fallback);
}

/** A wall-clock time of day, `HH:MM`. */
function timeOfDay(fallback: string) {
  return written(TIME_OF_DAY, 'must be a time of day HH:MM, 00:00 to 23:59', 'HH:MM, 00:00–23:59', fallback);
}

/** An IANA time zone name, UTC unless set. */
function timeZone() {
  return z
    .string()
    .refine(isTimeZone, { message: 'must be an IANA time zone name, such as UTC, Europe/Prague or America/New_York' })
    .meta({ 'x-allowed': 'IANA time zone name' })
    .default('UTC');
}

/** A bot's risk settings; `parse({})` yields every default. */
export const riskSettingsSchema = z
  .object({
    decisionMinScore: z.number().min(0).max(1).default(0.5).describe('Lowest signal score that may open a trade'),
    maxConcurrentPositions: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe('Most open positions the bot may hold (its own, by magic)'),
    maxAccountPositions: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Most open positions on the bot's whole account, other bots' and manual ones included, and opens its bots decided that may still fill; bots with it decide one at a time per account; 0 = no cap",
      ),
    riskPerTradePct: z
      .number()
      .gt(0)
      .max(100)
      .default(0.5)
      .describe(
        'Percent of the balance a trade may lose if its stop-loss is hit, spread paid at entry and round-trip commission included; sizes every position',
      ),
    defaultSlPips: z.number().gt(0).default(30).describe('Stop-loss distance when the strategy suggests none'),
    defaultTpPips: z
      .number()
      .min(0)
      .default(45)
      .describe('Take-profit distance when the strategy suggests none; 0 = no take-profit'),
    trailingStopPips: z.number().min(0).default(20).describe('Trailing stop distance; 0 = no trailing'),
    killSwitchMaxUnrealizedPct: z
      .number()
      .gt(0)
      .max(100)
      .default(3)
      .describe(
        "Unrealised loss, in percent of the balance, at which the bot's positions are closed and the bot paused",
      ),
    correlationBlock: z
      .boolean()
      .default(true)
      .describe(
        'Block a trade while a position is open on another symbol of the same correlation group, or in the opposite direction on this symbol',
      ),
    cooldownAfterLossMinutes: z
      .number()
      .min(0)
      .default(5)
      .describe('Minutes after a losing trade closes during which no trade opens'),
    maxDailyLossPct: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe(
        "Most the bot may lose in a trading day (from dailyLossResetTime in dailyLossTimeZone), in percent of the balance the day started with: a trade opens only if the day's realised P&L, less what its open positions and this trade lose at their stops, stays within it; 0 = no limit",
      ),
    maxAccountDailyLossPct: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe(
        "Most the whole account may lose in the bot's trading day, every bot's and manual trades alike (a prop firm's daily loss rule), in percent of the balance the day started with: a trade opens only if the account's realised P&L that day, less what every open position on it, every open its bots decided that may still fill, and this trade lose at their stops (a position without a stop at its current price), stays within it; bots with it decide one at a time per account; 0 = no limit",
      ),
    tradingHoursStart: timeOfDay('00:00').describe(
      'Wall-clock time (HH:MM) in tradingHoursTimeZone from which trades may open; equal to tradingHoursEnd = at any time (on every trading weekday, a whole day from that time)',
    ),
    tradingHoursEnd: timeOfDay('00:00').describe(
      'Wall-clock time (HH:MM) in tradingHoursTimeZone at which trades stop opening until the next tradingHoursStart; earlier than tradingHoursStart = a window across midnight. Open positions are managed as ever unless closeOutsideTradingHours',
    ),
    tradingHoursTimeZone: timeZone().describe(
      'Time zone of the trading hours, an IANA name (Europe/London for the London session, America/New_York); its daylight saving time moves them',
    ),
    tradingWeekdays: written(
      WEEKDAYS,
      'must be days of the week such as mon-fri, sun-thu or mon,wed,fri',
      'days and ranges: mon-fri, sun-thu, mon,wed,fri',
      'mon-sun',
    ).describe(
      'Days of the week, in tradingHoursTimeZone, whose trading hours open trades; a window across midnight belongs to the day it starts on (sun-thu for 22:00–06:00 from Sunday night to Friday morning), and equal start and end is a whole day from that time (17:00–17:00 America/New_York on sun-thu: the forex week)',
    ),
    closeOutsideTradingHours: z
      .boolean()
      .default(false)
      .describe(
        'Close every open position at market in the first cycle outside the trading hours (trading days included), and in each later one what is still open; false = positions run on to their SL/TP',
      ),
    dailyLossResetTime: timeOfDay('00:00').describe(
      "Wall-clock time (HH:MM) in dailyLossTimeZone at which the daily loss limit's day starts",
    ),
    dailyLossTimeZone: timeZone().describe(
      "Time zone of dailyLossResetTime, an IANA name: a prop firm's (Europe/Prague for CE(S)T midnight), or America/New_York with 17:00 for the forex day most MT5 servers keep; its daylight saving time moves the day",
    ),
    deviationPoints: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('Largest accepted slippage, in points, when the order is sent'),
  })
  .refine((settings) => !settings.closeOutsideTradingHours || hasTradingHours(settings), {
    path: ['closeOutsideTradingHours'],
    message:
      'needs trading hours: set tradingHoursStart and tradingHoursEnd to different times, or tradingWeekdays to fewer days',
  })
  // Below one trade's risk the limit would refuse nearly every trade, the day's first included.
  .refine((settings) => settings.maxDailyLossPct === 0 || settings.maxDailyLossPct >= settings.riskPerTradePct, {
    path: ['maxDailyLossPct'],
    message: "must be 0 (no limit) or at least riskPerTradePct: below one trade's risk it refuses nearly every trade",
  })
  .refine(
    (settings) => settings.maxAccountDailyLossPct === 0 || settings.maxAccountDailyLossPct >= settings.riskPerTradePct,
    {
      path: ['maxAccountDailyLossPct'],
      message: "must be 0 (no limit) or at least riskPerTradePct: below one trade's risk it refuses nearly every trade",
    },
  );

export type RiskSettings = z.output<typeof riskSettingsSchema>;

/** The days the bot's daily loss limit counts in. */
export function tradingDaysOf(settings: Pick<RiskSettings, 'dailyLossResetTime' | 'dailyLossTimeZone'>): TradingDays {
  return new TradingDays({ resetTime: settings.dailyLossResetTime, timeZone: settings.dailyLossTimeZone });
}
