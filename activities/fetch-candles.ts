import { ApplicationFailure } from '@temporalio/activity';
import { barSeriesProblems } from '../trading/bar-validation.ts';
import { spreadPoints } from '../trading/rounding.ts';
import { barsToFetch } from '../trading/indicators/anchored-window.ts';
import { lookbackFor } from '../bots/settings.ts';
import { loadBot } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import { refreshInstrument } from './instrument-cache.ts';
import type { BotRef, FetchCandlesResult } from './types.ts';

/** Step 1: the last closed M1 bars (twice the lookback), validated, and the current quote. */
export function fetchCandlesActivity(deps: ActivityDeps) {
  return async function fetchCandles({ botId }: BotRef): Promise<FetchCandlesResult> {
    const em = deps.orm.em.fork();
    const { bot, enabled, strategyParams } = await loadBot(em, botId);
    const broker = deps.brokerFor(bot.brokerAccount);
    const instrument = await refreshInstrument(em, broker, bot.brokerAccount, bot.symbol);
    // Raised at read time too: a bot stored before a rule change still gets converged indicators.
    // Twice the lookback: the strategies' window starts at an anchor inside it (anchored-window.ts).
    const lookback = lookbackFor(bot.lookback, enabled, strategyParams);
    const bars = await broker.closedBars(bot.symbol, barsToFetch(lookback));
    const problems = barSeriesProblems(bars);
    const first = bars[0];
    const last = bars.at(-1);
    if (problems.length > 0 || !first || !last) {
      const detail = problems.length > 0 ? problems.slice(0, 5).join('; ') : 'no bars';
      throw ApplicationFailure.nonRetryable(`invalid bars for ${bot.symbol}: ${detail}`, 'InvalidBars');
    }
    const quote = await broker.quote(bot.symbol);
    return {
      window: {
        symbol: bot.symbol,
        count: bars.length,
        firstOpenTime: first.openTime,
        lastOpenTime: last.openTime,
        lastClose: last.close,
      },
      bid: quote.bid,
      ask: quote.ask,
      spreadPoints: spreadPoints(quote.bid, quote.ask, instrument),
    };
  };
}
