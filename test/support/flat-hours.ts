// A bot to be flat outside 08:00–09:00 in London, with neither the kill-switch nor the trailing
// stop in the way: the settings the tests of the close outside the trading hours share.
export const FLAT_OUTSIDE_LONDON_MORNING = {
  killSwitchMaxUnrealizedPct: 100,
  trailingStopPips: 0,
  tradingHoursStart: '08:00',
  tradingHoursEnd: '09:00',
  tradingHoursTimeZone: 'Europe/London',
  closeOutsideTradingHours: true,
};
