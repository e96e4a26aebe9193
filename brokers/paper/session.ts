// When the paper market accepts trades. Outside the session every trade request gets 10018.
/** True when trading is open at the given UTC time. */
export type TradingSession = (time: number) => boolean;

export const alwaysOpen: TradingSession = () => true;

/** A weekday (0 = Sunday, UTC) and a minute of that day. */
export interface WeekTime {
  day: number;
  hour: number;
  minute?: number;
}

function minuteOfWeek(at: WeekTime): number {
  return at.day * 1440 + at.hour * 60 + (at.minute ?? 0);
}

/** Open from `opens` to `closes` each week (UTC), e.g. Sunday 22:00 to Friday 21:00. */
export function weeklySession(opens: WeekTime, closes: WeekTime): TradingSession {
  const open = minuteOfWeek(opens);
  const close = minuteOfWeek(closes);
  return (time) => {
    const date = new Date(time);
    const now = date.getUTCDay() * 1440 + date.getUTCHours() * 60 + date.getUTCMinutes();
    return open < close ? now >= open && now < close : now >= open || now < close;
  };
}

/** The usual metals/forex week: closed from Friday 21:00 to Sunday 22:00 UTC. */
export const forexWeek: TradingSession = weeklySession({ day: 0, hour: 22 }, { day: 5, hour: 21 });
