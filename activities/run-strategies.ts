import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { Decision, Signal } from '../db/entities/index.ts';
import type { Bar } from '../trading/market.ts';
import { runStrategies as evaluateStrategies, type StrategySignal } from '../trading/strategies/index.ts';
import { lookbackFor } from '../bots/settings.ts';
import { loadBot } from './bot-context.ts';
import { cachedInstrument } from './instrument-cache.ts';
import type { ActivityDeps } from './deps.ts';
import type { BarWindow, BotRef, RunStrategiesResult } from './types.ts';

/** Re-reads exactly the window fetchCandles validated, even if a newer bar has closed since. */
function barsOfWindow(bars: readonly Bar[], window: BarWindow): Bar[] {
  const upToLast = bars.filter((bar) => bar.openTime <= window.lastOpenTime);
  const selected = upToLast.slice(-window.count);
  if (selected.length !== window.count || selected[0]?.openTime !== window.firstOpenTime) {
    throw ApplicationFailure.retryable(
      `bars of ${window.symbol} up to ${new Date(window.lastOpenTime).toISOString()} changed`,
      'BarsChanged',
    );
  }
  return selected;
}

/** Inserts what is new; a (bot, strategy, bar) that already signalled is left as it was. */
async function persistSignals(
  em: EntityManager,
  botId: number,
  symbol: string,
  fired: StrategySignal[],
): Promise<StrategySignal[]> {
  const inserted: StrategySignal[] = [];
  for (const signal of fired) {
    const result = await em
      .createQueryBuilder(Signal)
      .insert({
        bot: botId,
        source: 'scalper_engine',
        strategy: signal.strategy,
        symbol,
        direction: signal.direction,
        barTime: new Date(signal.barOpenTime),
        score: signal.score,
        entryPrice: signal.entryPrice,
        stopLoss: signal.stopLoss,
        takeProfit: signal.takeProfit,
        payload: signal.features,
        receivedAt: new Date(),
      })
      .onConflict(['bot', 'strategy', 'barTime'])
      .ignore()
      .execute('run');
    if (result.affectedRows > 0) inserted.push(signal);
  }
  return inserted;
}

/** Step 2: the enabled strategies on the closed bars; one Signal per hit, deduplicated by bar. */
export function runStrategiesActivity(deps: ActivityDeps) {
  return async function runStrategies({ botId, window }: BotRef & { window: BarWindow }): Promise<RunStrategiesResult> {
    const em = deps.orm.em.fork();
    const { bot, enabled, strategyParams } = await loadBot(em, botId);
    const broker = deps.brokerFor(bot.brokerAccount);
    const instrument = await cachedInstrument(em, broker, bot.brokerAccount, bot.symbol);
    // A few extra bars cover a bar that closed since fetchCandles.
    const bars = barsOfWindow(await broker.closedBars(bot.symbol, window.count + 5), window);
    const lookback = lookbackFor(bot.lookback, enabled, strategyParams);
    const fired = evaluateStrategies(bars, enabled, strategyParams, instrument, lookback);
    for (const signal of await persistSignals(em, botId, bot.symbol, fired))
      deps.metrics.signalsIngested.inc({ source: 'scalper_engine', strategy: signal.strategy });

    // Signals of this bar that still await a decision: new ones, and any a crashed attempt left behind.
    const stored = fired.length
      ? await em.find(Signal, {
          bot: botId,
          barTime: new Date(window.lastOpenTime),
          strategy: { $in: fired.map((s) => s.strategy) },
        })
      : [];
    const decided = new Set(
      (await em.find(Decision, { signal: { $in: stored.map((s) => s.id) } }, { fields: ['signal'] })).map(
        (d) => d.signal.id,
      ),
    );
    const pending = stored.filter((s) => !decided.has(s.id));
    for (const signal of pending) {
      deps.logger.info(
        { botId, strategy: signal.strategy, direction: signal.direction, score: signal.score },
        'signal',
      );
    }
    return {
      strategiesRun: enabled,
      signals: pending.map((s) => ({ signalId: s.id, strategy: s.strategy, direction: s.direction, score: s.score })),
      duplicates: stored.length - pending.length,
    };
  };
}
