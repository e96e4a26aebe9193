// Closing every position of a bot at market, each through the order store (its own close order,
// exactly once): the automatic kill-switch and the global flatten.
import { ApplicationFailure } from '@temporalio/activity';
import { killSwitchTripOf } from '../bots/trading-state.ts';
import type { BrokerPort } from '../brokers/port.ts';
import { RETCODE } from '../brokers/retcodes.ts';
import { AuditLog, type IOrder } from '../db/entities/index.ts';
import type { OrderOutcome, OrderStore } from '../db/orders/index.ts';
import type { CloseReason } from '../trading/close-reason.ts';
import { currentTrace, loadBot, orderStoreFor, venueOf, type BotContext } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import { cachedInstrument } from './instrument-cache.ts';
import type { ClosedPositions, FlattenRequest } from './types.ts';

/**
 * How long a position's close waits after the broker refused it because its market is shut
 * (10018), outside the bot's trading hours (trading-hours-close.ts) or in a flatten until flat.
 * Hours that end after the broker's session (a Friday that ends at midnight on a server that shuts
 * at 21:00 UTC, a holiday) would otherwise send a refused close every cycle until the market
 * opens: ~3,900 a weekend at 45 s, each an order, an audit row and a request to the broker's trade
 * server, which may count them against the account. Once it opens, the close goes within this long.
 */
export const MARKET_CLOSED_RETRY_MS = 5 * 60_000;

/** Files one close's outcome under closed or failed (a position already gone needs nobody). */
function record(
  deps: ActivityDeps,
  context: BotContext,
  result: ClosedPositions,
  ticket: string,
  outcome: OrderOutcome,
): void {
  result.orders.push(outcome);
  if (outcome.status === 'filled' || outcome.status === 'partially_filled') result.closed.push(ticket);
  // Closed meanwhile by its SL/TP: nothing left to close, nothing for a human to do.
  else if (outcome.retcode === RETCODE.POSITION_CLOSED) return;
  else if (outcome.status !== 'unknown') {
    result.failed.push({
      ticket,
      retcode: outcome.retcode,
      retcodeName: outcome.retcodeName,
      status: outcome.status,
    });
    deps.logger.error({ botId: context.bot.id, ticket, ...outcome }, 'close at market refused');
  }
}

async function venueFor(deps: ActivityDeps, context: BotContext, broker: BrokerPort, symbol: string) {
  const instrument = await cachedInstrument(deps.orm.em.fork(), broker, context.bot.brokerAccount, symbol);
  return venueOf(context, broker, instrument);
}

/**
 * The bot's closes an earlier attempt left without an outcome (a lost reply, a timeout, a dead
 * worker), each looked up at the broker and sent again only if it is not there. Their position
 * need not be listed any more: a close that executed but whose reply was lost has already taken
 * it off the broker's list, and only this lookup settles it and reports it. Returns the orders.
 */
export async function resumeUnsettledCloses(
  deps: ActivityDeps,
  store: OrderStore,
  context: BotContext,
  broker: BrokerPort,
  result: ClosedPositions,
): Promise<IOrder[]> {
  const orders = await store.unsettledCloses(context.bot.id);
  for (const order of orders) {
    const outcome = await store.resumeClose(order, await venueFor(deps, context, broker, order.symbol));
    record(deps, context, result, order.positionTicket!, outcome);
  }
  return orders;
}

/** Closes every position of the bot at market for `reason`, but those whose tickets are `deferred`. */
export async function closeAllPositions(
  deps: ActivityDeps,
  store: OrderStore,
  context: BotContext,
  broker: BrokerPort,
  reason: CloseReason,
  deferred: ReadonlySet<string> = new Set(),
): Promise<ClosedPositions> {
  const result: ClosedPositions = { closed: [], failed: [], orders: [] };
  const resumed = await resumeUnsettledCloses(deps, store, context, broker, result);
  for (const position of await broker.positions({ magic: context.bot.magic })) {
    // Its close was just resumed: refused or still unknown, it is reported already.
    if (resumed.some((order) => order.positionTicket === position.ticket)) continue;
    if (deferred.has(position.ticket)) continue;
    const outcome = await store.close(
      context.bot,
      position,
      reason,
      await venueFor(deps, context, broker, position.symbol),
    );
    record(deps, context, result, position.ticket, outcome);
  }
  return result;
}

/** A close whose outcome nobody knows fails the attempt: the retry looks it up before closing again. */
export function failOnUnknownCloses(orders: OrderOutcome[], result: unknown): void {
  const unknown = orders.filter((outcome) => outcome.status === 'unknown');
  if (unknown.length === 0) return;
  throw ApplicationFailure.create({
    message: unknown.map((outcome) => `close ${outcome.clientOrderId}: ${outcome.error}`).join('; '),
    type: 'BrokerOutcomeUnknown',
    details: [result],
  });
}

/** Positions still open after the closes (refused, partly filled) fail the attempt: the retry closes them. */
async function failWhileOpen(broker: BrokerPort, context: BotContext, result: ClosedPositions): Promise<void> {
  const open = await broker.positions({ magic: context.bot.magic });
  if (open.length === 0) return;
  const refused = result.failed.map((failure) => `${failure.ticket}: ${failure.retcode} ${failure.retcodeName}`);
  // Refused only because the market is shut: the next attempt waits for it, not the retry policy's minute.
  const marketShut =
    result.failed.length > 0 && result.failed.every((failure) => failure.retcode === RETCODE.MARKET_CLOSED);
  throw ApplicationFailure.create({
    nextRetryDelay: marketShut ? MARKET_CLOSED_RETRY_MS : undefined,
    message: `${open.length} position(s) of bot ${context.bot.id} still open (${open.map((p) => p.ticket).join(', ')})${refused.length > 0 ? `; refused: ${refused.join('; ')}` : ''}`,
    type: 'PositionsStillOpen',
    details: [result],
  });
}

/**
 * Activity: flattens one bot (the global kill-switch's optional step, an operator's close-all; with
 * `untilFlat`, the automatic kill-switch's closes that did not go through, until none is left).
 */
export function closePositionsActivity(deps: ActivityDeps) {
  return async function closePositions({
    botId,
    reason,
    closeReason,
    untilFlat,
  }: FlattenRequest): Promise<ClosedPositions> {
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    const broker = deps.brokerFor(context.bot.brokerAccount);
    // A kill-switch paused the bot; an operator who resumed it since has taken over: its cycles
    // manage its positions again, and this flatten must not close what they open. Not while the
    // automatic kill-switch's trip is on its row (a terminal unpaused it): it opens nothing, and
    // what the trip left open is still to close.
    const tripped = killSwitchTripOf(context.bot) !== null;
    if (untilFlat === true && !tripped && !(await deps.schedules.state(botId)).paused) {
      deps.logger.warn({ botId, reason }, 'bot resumed while its kill-switch flatten ran: the flatten ends');
      return { closed: [], failed: [], orders: [] };
    }
    const result = await closeAllPositions(deps, orderStoreFor(deps), context, broker, closeReason ?? 'kill_switch');
    failOnUnknownCloses(result.orders, result);
    if (untilFlat === true) {
      await failWhileOpen(broker, context, result);
      // Started after the cycle that tripped the kill-switch, whose own retries may have closed all.
      if (result.orders.length === 0) return result;
    }
    const trace = currentTrace();
    em.create(AuditLog, {
      bot: botId,
      entity: 'bot',
      entityId: String(botId),
      event: 'positions_flattened',
      reason,
      data: { closed: result.closed, failed: result.failed },
      workflowId: trace?.workflowId ?? null,
      runId: trace?.runId ?? null,
    });
    await em.flush();
    return result;
  };
}
