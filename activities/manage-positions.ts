// Step 6: trailing stops, the automatic kill-switch on unrealised loss, and the close outside the
// trading hours of a bot that is to be flat then.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort, BrokerPosition } from '../brokers/port.ts';
import { AuditLog, Position } from '../db/entities/index.ts';
import { killSwitchNote, killSwitchState } from '../trading/kill-switch.ts';
import type { InstrumentSpec, Quote } from '../trading/market.ts';
import { pipsToPrice } from '../trading/rounding.ts';
import { mustBeFlat } from '../trading/risk/index.ts';
import { trailingStop } from '../trading/trailing.ts';
import { currentTrace, loadBot, orderStoreFor, type BotContext } from './bot-context.ts';
import { closeAllPositions, failOnUnknownCloses, resumeUnsettledCloses } from './close-positions.ts';
import { markKillSwitchTripped } from '../bots/bot-rows.ts';
import { cycleCadenceSeconds } from '../bots/cycle-timing.ts';
import { cachedInstrument } from './instrument-cache.ts';
import { closeOutsideTradingHours } from './trading-hours-close.ts';
import type { ActivityDeps } from './deps.ts';
import type { BotRef, ClosedPositions, ManagePositionsResult } from './types.ts';

/**
 * Moves each position's stop-loss behind the price. A move the broker refuses (or whose outcome is
 * unknown) keeps the old stop, which still protects the position: it is logged with the retcode
 * and audited, and the next cycle tries again from the price then.
 */
async function trail(
  deps: ActivityDeps,
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  positions: BrokerPosition[],
  quote: Quote,
  instrument: InstrumentSpec,
): Promise<number> {
  if (context.risk.trailingStopPips <= 0) return 0;
  const distance = pipsToPrice(context.risk.trailingStopPips, instrument);
  // The rows take each stop as the broker lists it, and a move at once: a stop-out before the next
  // reconcile still reads as the trailing stop's, even after a move whose reply was lost.
  const rows = new Map(
    (
      await em.find(Position, {
        bot: context.bot.id,
        brokerAccount: context.bot.brokerAccount,
        brokerPositionId: { $in: positions.map((position) => position.ticket) },
      })
    ).map((row) => [row.brokerPositionId, row]),
  );
  let trailed = 0;
  try {
    for (const position of positions) {
      const row = rows.get(position.ticket);
      if (row !== undefined) row.stopLoss = position.sl;
      const held = {
        side: position.side,
        openPrice: position.priceOpen,
        stopLoss: position.sl,
        takeProfit: position.tp,
      };
      const stopLoss = trailingStop(held, quote, distance, instrument);
      if (stopLoss === null) continue;
      const result = await broker.modifyPosition(position.ticket, stopLoss, position.tp);
      if (result.outcome === 'success') {
        trailed++;
        if (row !== undefined) row.stopLoss = stopLoss;
        continue;
      }
      const answer = `${result.retcode} ${result.retcodeName}`;
      const reason = `trailing stop ${position.sl ?? 'none'} → ${stopLoss} of position ${position.ticket} not made: ${result.outcome} (${answer})`;
      deps.logger.warn({ botId: context.bot.id, ticket: position.ticket, stopLoss, ...result }, reason);
      const trace = currentTrace();
      em.create(AuditLog, {
        bot: context.bot.id,
        entity: 'position',
        entityId: position.ticket,
        event: 'trailing_stop_refused',
        reason,
        data: { from: position.sl, to: stopLoss, retcode: result.retcode, retcodeName: result.retcodeName },
        workflowId: trace?.workflowId ?? null,
        runId: trace?.runId ?? null,
      });
    }
  } finally {
    // What was done before a send that threw (a lost reply) is kept: the retry starts from it.
    await em.flush();
  }
  return trailed;
}

/**
 * The automatic kill-switch: record the trip on the bot's row first (from then on nothing opens,
 * whatever happens to the schedule, until a resume lifts it), with its audit row; then pause the
 * schedule (no new cycle starts) and close every position with its own close order. A close whose
 * outcome is unknown fails the attempt; the retry looks it up before closing again. With the
 * schedule paused no later cycle will close what is left (a close refused, partly filled, or
 * unknown through every attempt): a flattenBot workflow takes over after this cycle and keeps
 * closing until the bot is flat.
 */
async function tripKillSwitch(
  deps: ActivityDeps,
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  reason: string,
) {
  const trace = currentTrace();
  await em.transactional(async (tx) => {
    await markKillSwitchTripped(tx, context.bot.id, reason);
    tx.create(AuditLog, {
      bot: context.bot.id,
      entity: 'bot',
      entityId: String(context.bot.id),
      event: 'kill_switch_tripped',
      reason,
      data: {},
      workflowId: trace?.workflowId ?? null,
      runId: trace?.runId ?? null,
    });
  });
  // Counted once the trip is on the row, before closes that may fail this attempt.
  deps.metrics.killSwitchTrips.inc({ bot: String(context.bot.id) });
  // The row's version moved on: the bot as read here would not write any more.
  await em.refresh(context.bot);
  await deps.schedules.pause(context.bot.id, killSwitchNote(reason));
  const result = await closeAllPositions(deps, orderStoreFor(deps), context, broker, 'kill_switch');
  const unknown = result.orders.filter((outcome) => outcome.status === 'unknown').length;
  const open = (await broker.positions({ magic: context.bot.magic })).length;
  const logged = { botId: context.bot.id, reason, closed: result.closed, failed: result.failed, unknown, open };
  if (open === 0 && unknown === 0) {
    deps.logger.warn(logged, 'automatic kill-switch tripped: schedule paused, positions closed');
    return result;
  }
  // Once this cycle is over: its own retries settle a close without an outcome first.
  const workflowId = await deps.positions.untilFlat(
    context.bot.id,
    killSwitchNote(reason),
    cycleCadenceSeconds(context.bot) * 1000,
  );
  deps.logger.error(
    { ...logged, workflowId },
    `automatic kill-switch tripped: schedule paused, ${open} position(s) still open, ${unknown} close(s) without an outcome; ${workflowId} closes until the bot is flat`,
  );
  em.create(AuditLog, {
    bot: context.bot.id,
    entity: 'bot',
    entityId: String(context.bot.id),
    event: 'kill_switch_flatten_started',
    reason: `after the kill-switch's closes ${open} position(s) are still open (${result.failed.length} close(s) refused, ${unknown} without an outcome): ${workflowId} closes until the bot is flat`,
    data: { workflowId, failed: result.failed },
    workflowId: trace?.workflowId ?? null,
    runId: trace?.runId ?? null,
  });
  await em.flush();
  failOnUnknownCloses(result.orders, result);
  return result;
}

export function managePositionsActivity(deps: ActivityDeps) {
  return async function managePositions({ botId }: BotRef): Promise<ManagePositionsResult> {
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    const broker = deps.brokerFor(context.bot.brokerAccount);
    // Closes an earlier attempt left without an outcome (the kill-switch's, typically) are settled
    // first: a close whose reply was lost took its position off the list below, and this cycle
    // must still report it and book it.
    const resumed: ClosedPositions = { closed: [], failed: [], orders: [] };
    const resumedOrders = await resumeUnsettledCloses(deps, orderStoreFor(deps), context, broker, resumed);
    failOnUnknownCloses(resumed.orders, resumed);
    const killSwitchResumed = resumedOrders.some((order) => order.closeReason === 'kill_switch');
    const positions = await broker.positions({ magic: context.bot.magic });
    if (positions.length === 0) {
      return { trailed: 0, killSwitchTripped: killSwitchResumed, closes: resumed.orders };
    }
    const [account, instrument, quote] = await Promise.all([
      broker.account(),
      cachedInstrument(em, broker, context.bot.brokerAccount, context.bot.symbol),
      broker.quote(context.bot.symbol),
    ]);
    const marked = positions.map((p) => ({
      side: p.side,
      volume: p.volume,
      openPrice: p.priceOpen,
      quote,
      instrument,
    }));
    const exposure = killSwitchState(marked, account.balance, context.risk.killSwitchMaxUnrealizedPct);
    if (exposure.breached) {
      const reason = `unrealised loss ${exposure.unrealizedPnl.toFixed(2)} ${account.currency} is ${exposure.lossPct.toFixed(2)}% of the balance (limit ${exposure.limitPct}%)`;
      const result = await tripKillSwitch(deps, em, broker, context, reason);
      return { trailed: 0, killSwitchTripped: true, closes: [...resumed.orders, ...result.orders] };
    }
    if (mustBeFlat(context.risk, deps.now())) {
      const result = await closeOutsideTradingHours(deps, em, broker, context, positions.length);
      return { trailed: 0, killSwitchTripped: killSwitchResumed, closes: [...resumed.orders, ...result.orders] };
    }
    return {
      trailed: await trail(deps, em, broker, context, positions, quote, instrument),
      killSwitchTripped: killSwitchResumed,
      closes: resumed.orders,
    };
  };
}
