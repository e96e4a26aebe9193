// What happened at the broker becomes the audit trail — deals become Executions and Positions
// (activities/deal-book.ts), and the order store settles the orders left without an outcome.
// Never resends. The reconcile step and the start-up reconciliation both run it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { orderStoreFor, venueOf, type BotContext } from './bot-context.ts';
import { recordDeals, settlePosition } from './deal-book.ts';
import type { ActivityDeps } from './deps.ts';
import { cachedInstrument } from './instrument-cache.ts';
import { Execution, Position } from '../db/entities/index.ts';
import type { ReconcileResult } from './types.ts';
import { NEVER_SENT_GRACE_MS } from '../trading/orders/index.ts';

/** Deals are re-read from a little before the last recorded one: the broker may report late. */
const OVERLAP_MS = 60 * 60_000;

/** Brings the bot's audit trail in line with its broker: deals, positions, orders left unsettled. */
export async function reconcileBot(
  deps: ActivityDeps,
  em: EntityManager,
  context: BotContext,
): Promise<ReconcileResult> {
  const { bot } = context;
  const botId = bot.id;
  const broker = deps.brokerFor(bot.brokerAccount);
  const store = orderStoreFor(deps);
  const latest = await em.findOne(Execution, { bot: botId }, { orderBy: { executedAt: 'desc' } });
  // A bot's magic is its own, so its first reconcile can read the account's whole history.
  const from = latest ? latest.executedAt.getTime() - OVERLAP_MS : 0;
  const deals = await broker.deals({ from, to: deps.now() + 60_000 }, { magic: bot.magic });
  const livePositions = await broker.positions({ magic: bot.magic });
  const recorded = await recordDeals(em, store, bot, deals);
  const venue = venueOf(context, broker, await cachedInstrument(em, broker, bot.brokerAccount, bot.symbol));
  const unknown = await store.settleUnsettled(botId, venue, NEVER_SENT_GRACE_MS);
  const unplaced = await store.cancelNeverPlaced(botId, NEVER_SENT_GRACE_MS);

  const touched = new Set([...recorded.fresh.map((d) => d.positionId), ...livePositions.map((p) => p.ticket)]);
  for (const position of await em.find(Position, { bot: botId, status: 'open' }))
    touched.add(position.brokerPositionId);
  let opened = 0;
  let closed = 0;
  for (const positionId of touched) {
    const result = await settlePosition(
      em,
      bot,
      positionId,
      livePositions.find((p) => p.ticket === positionId),
    );
    if (result.opened) opened++;
    if (result.closed) closed++;
  }
  return {
    newExecutions: recorded.fresh.length,
    positionsOpened: opened,
    positionsClosed: closed,
    ordersFilled: recorded.ordersFilled,
    ordersAdopted: unknown.adopted,
    ordersCancelled: unknown.cancelled + unplaced,
    openPositions: livePositions.length,
  };
}
