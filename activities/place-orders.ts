// Step 4: the orders of the cycle's open decisions, each exactly once (README, "Orders exactly once"), through the order
// store. A reject is an outcome (status, retcode, name), not a failure of the step; an outcome
// nobody knows fails the attempt so that Temporal retries it, and the retry looks the order up at
// the broker before any resend.
import { ApplicationFailure } from '@temporalio/activity';
import { Decision } from '../db/entities/index.ts';
import { InvalidOrderRequest, type OrderOutcome, type OrderVenue } from '../db/orders/index.ts';
import { readTradingState } from '../bots/trading-state.ts';
import { BAR_MS } from '../trading/bar-validation.ts';
import { loadBot, orderStoreFor, venueOf } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import { cachedInstrument } from './instrument-cache.ts';
import type { BotRef, OrderRequest } from './types.ts';

export function placeOrdersActivity(deps: ActivityDeps) {
  return async function placeOrders({ botId, orders }: BotRef & { orders: OrderRequest[] }): Promise<OrderOutcome[]> {
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    const broker = deps.brokerFor(context.bot.brokerAccount);
    const venue: OrderVenue = {
      ...venueOf(context, broker, await cachedInstrument(em, broker, context.bot.brokerAccount, context.bot.symbol)),
      // Read again as each open goes out: an operator's pause or `reduce` since evaluateRisk (or
      // between this step's attempts) stops it, as the README promises for a cycle already running.
      openingRefusal: async () => {
        const fresh = deps.orm.em.fork();
        const state = await readTradingState(fresh, deps.schedules, (await loadBot(fresh, botId)).bot);
        return state.state === 'active' ? null : `bot ${botId} is ${state.state}: ${state.reason}`;
      },
    };
    // When each decision's bar closed, to measure how long the engine took to act on it.
    const decisions = await em.find(
      Decision,
      { id: { $in: orders.map((o) => o.decisionId) } },
      { populate: ['signal'] },
    );
    const barCloseOf = new Map(
      orders.map((o) => [o.clientOrderId, decisions.find((d) => d.id === o.decisionId)?.signal.barTime.getTime()]),
    );
    const store = orderStoreFor(deps, (outcome) => {
      const barOpen = barCloseOf.get(outcome.clientOrderId);
      if (barOpen !== undefined) deps.metrics.barCloseToOrder.observe((deps.now() - barOpen - BAR_MS) / 1000);
    });
    const outcomes: OrderOutcome[] = [];
    // One order's unknown outcome must not keep the cycle's other decisions from being sent.
    for (const request of orders) {
      try {
        outcomes.push(await store.placeOpen(context.bot, request, venue));
      } catch (error) {
        if (error instanceof InvalidOrderRequest) throw ApplicationFailure.nonRetryable(error.message, 'InvalidOrder');
        throw error;
      }
    }
    const unknown = outcomes.filter((outcome) => outcome.status === 'unknown');
    if (unknown.length > 0) {
      throw ApplicationFailure.create({
        message: unknown.map((outcome) => `order ${outcome.clientOrderId}: ${outcome.error}`).join('; '),
        type: 'BrokerOutcomeUnknown',
        // The outcomes so far: the cycle counts them even if every retry ends the same way.
        details: [outcomes],
      });
    }
    return outcomes;
  };
}
