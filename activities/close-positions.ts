// Closing every position of a bot at market, each through the order store (its own close order,
// exactly once): the automatic kill-switch and the global flatten.
import { ApplicationFailure } from '@temporalio/activity';
import type { BrokerPort } from '../brokers/port.ts';
import { RETCODE } from '../brokers/retcodes.ts';
import { AuditLog } from '../db/entities/index.ts';
import type { OrderOutcome, OrderStore } from '../db/orders/index.ts';
import type { CloseReason } from '../trading/close-reason.ts';
import { currentTrace, loadBot, orderStoreFor, venueOf, type BotContext } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import { cachedInstrument } from './instrument-cache.ts';
import type { ClosedPositions, FlattenRequest } from './types.ts';

export async function closeAllPositions(
  deps: ActivityDeps,
  store: OrderStore,
  context: BotContext,
  broker: BrokerPort,
  reason: CloseReason,
): Promise<ClosedPositions> {
  const result: ClosedPositions = { closed: [], failed: [], orders: [] };
  const em = deps.orm.em.fork();
  for (const position of await broker.positions({ magic: context.bot.magic })) {
    const instrument = await cachedInstrument(em, broker, context.bot.brokerAccount, position.symbol);
    const outcome = await store.close(context.bot, position, reason, venueOf(context, broker, instrument));
    result.orders.push(outcome);
    if (outcome.status === 'filled' || outcome.status === 'partially_filled') result.closed.push(position.ticket);
    // Closed meanwhile by its SL/TP: nothing left to close, nothing for a human to do.
    else if (outcome.retcode === RETCODE.POSITION_CLOSED) continue;
    else if (outcome.status !== 'unknown') {
      result.failed.push({
        ticket: position.ticket,
        retcode: outcome.retcode,
        retcodeName: outcome.retcodeName,
        status: outcome.status,
      });
      deps.logger.error({ botId: context.bot.id, ticket: position.ticket, ...outcome }, 'close at market refused');
    }
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

/** Activity: flattens one bot (the global kill-switch's optional step, an operator's close-all). */
export function closePositionsActivity(deps: ActivityDeps) {
  return async function closePositions({ botId, reason, closeReason }: FlattenRequest): Promise<ClosedPositions> {
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    const result = await closeAllPositions(
      deps,
      orderStoreFor(deps),
      context,
      deps.brokerFor(context.bot.brokerAccount),
      closeReason ?? 'kill_switch',
    );
    failOnUnknownCloses(result.orders, result);
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
