// The daily loss limits: the bot's own (its deals and positions) and the account's (every bot's
// and manual trades alike, as a prop firm counts them). Each takes the worst the day can still
// come to, everything open stopped out and this trade too, against a share of the balance the
// day started with.
import type { DecisionContext, RiskCheck } from './context.ts';
import { closingPriceOf } from '../sizing.ts';
import { lossAtStop } from './loss-at-stop.ts';

const money = (amount: number): string => amount.toFixed(2);
const cents = (amount: number): number => Math.round(amount * 100) / 100;

/** What the bot's open positions on its symbol lose if each closes at its stop (lossAtStop). */
function openLossAtStops({ openPositions, bot, instrument, quote }: DecisionContext): number {
  let loss = 0;
  for (const position of openPositions) {
    if (position.magic !== bot.magic || position.symbol !== instrument.symbol) continue;
    loss += lossAtStop(position, closingPriceOf(position.side, quote), instrument);
  }
  return loss;
}

/**
 * The day's net loss if everything the bot holds, this trade included, is stopped out: its
 * realised P&L since the trading day started (tradingDaysOf), less what its open positions and
 * this trade lose at their stops (spread and commission included). It must stay within
 * maxDailyLossPct of the balance the day started with (the balance less the day's realised P&L).
 * Value: that loss; limit: the money it may reach. A profitable day leaves room for its profit's
 * worth of loss.
 */
export const dailyLossLimit: RiskCheck = (context, plan, explain) => {
  const { dayRealizedPnl, account, settings } = context;
  const atStop = plan.size.tradable ? (plan.size.lossAtStop?.total ?? 0) : 0;
  const open = openLossAtStops(context);
  const loss = cents(atStop + open - dayRealizedPnl);
  if (settings.maxDailyLossPct === 0) {
    return { name: 'daily_loss', passed: true, value: loss, limit: null, reason: explain ? 'no daily loss limit' : '' };
  }
  const dayStartBalance = account.balance - dayRealizedPnl;
  const limit = cents((dayStartBalance * settings.maxDailyLossPct) / 100);
  const passed = loss <= limit;
  return {
    name: 'daily_loss',
    passed,
    value: loss,
    limit,
    reason: explain
      ? `today's realised ${money(dayRealizedPnl)}, ${money(open)} lost at the open positions' stops and ${money(atStop)} at this trade's make a day's loss of ${money(loss)}, ${passed ? 'within' : 'beyond'} ${settings.maxDailyLossPct}% of the day's opening balance ${money(dayStartBalance)} (${money(limit)})`
      : '',
  };
};

/**
 * The same sum over the whole account (its AccountDay): every deal on it since the bot's trading
 * day started, every position open on it, and this trade, within maxAccountDailyLossPct of the
 * account's balance at the day's start. Value and limit are null where the bot has no such limit:
 * its account's day is then not read at all.
 */
export const accountDailyLossLimit: RiskCheck = ({ accountDay, account, settings }, plan, explain) => {
  const limitPct = settings.maxAccountDailyLossPct;
  if (limitPct === 0) {
    return {
      name: 'account_daily_loss',
      passed: true,
      value: null,
      limit: null,
      reason: explain ? 'no account-wide daily loss limit' : '',
    };
  }
  // Without the account's day no trade can be shown to stay within the limit.
  if (accountDay === null) {
    return {
      name: 'account_daily_loss',
      passed: false,
      value: null,
      limit: null,
      reason: explain ? `the account's day was not read: no trade can be shown to stay within ${limitPct}%` : '',
    };
  }
  const atStop = plan.size.tradable ? (plan.size.lossAtStop?.total ?? 0) : 0;
  const { realizedPnl, openLossAtStops } = accountDay;
  const loss = cents(atStop + openLossAtStops - realizedPnl);
  const dayStartBalance = account.balance - realizedPnl;
  const limit = cents((dayStartBalance * limitPct) / 100);
  const passed = loss <= limit;
  return {
    name: 'account_daily_loss',
    passed,
    value: loss,
    limit,
    reason: explain
      ? `the account's realised ${money(realizedPnl)} today, ${money(openLossAtStops)} lost at the stops of its open positions and of opens on their way and ${money(atStop)} at this trade's make a day's loss of ${money(loss)}, ${passed ? 'within' : 'beyond'} ${limitPct}% of its opening balance ${money(dayStartBalance)} (${money(limit)})`
      : '',
  };
};
