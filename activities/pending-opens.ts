// Opens the account's bots have decided whose fills nobody knows yet: the decision is written and
// its order not, or the order is unsettled (new, sent, unknown). Once filled each is a position on
// the account; until then the broker lists neither it nor its commission, and the account's daily
// loss limit counts it from the decision's record instead.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decision, DELETED_BOTS_FILTER, Order } from '../db/entities/index.ts';
import { UNSETTLED_STATUSES } from '../trading/orders/index.ts';
import type { HeldAtStop } from '../trading/risk/index.ts';

/**
 * How far back decisions are looked at: reconcile settles every order, and cancels every decision
 * never sent, well within it.
 */
const PENDING_LOOKBACK_MS = 24 * 60 * 60_000;

export interface PendingDecision extends Omit<HeldAtStop, 'openPrice'> {
  symbol: string;
  /** The price its order went out at; null for one not sent yet, which goes at the price then. */
  sentPrice: number | null;
  /** Its signal's entry: the price where no quote of its symbol is at hand. */
  signalPrice: number;
}

/**
 * The pending opens of every bot on `account` (deleted bots' too: their orders still fill), but
 * the decisions of `decidingSignals`, which the deciding step counts itself. An order's own
 * volume and stop where it was written, else the decision's.
 */
export async function pendingOpens(
  em: EntityManager,
  account: string,
  decidingSignals: readonly number[],
): Promise<PendingDecision[]> {
  const decisions = await em.find(
    Decision,
    {
      action: 'open',
      // The row's own clock: createdAt is written by this machine's, not the engine's `now`.
      createdAt: { $gte: new Date(Date.now() - PENDING_LOOKBACK_MS) },
      signal: { bot: { brokerAccount: account }, id: { $nin: [...decidingSignals] } },
    },
    { populate: ['signal'], filters: { [DELETED_BOTS_FILTER]: false } },
  );
  if (decisions.length === 0) return [];
  const orders = await em.find(Order, { decision: { $in: decisions.map((decision) => decision.id) } });
  const orderOf = new Map(orders.map((order) => [order.decision?.id, order]));
  return decisions.flatMap((decision) => {
    const order = orderOf.get(decision.id);
    if (order !== undefined && !UNSETTLED_STATUSES.includes(order.status)) return [];
    return [
      {
        symbol: decision.signal.symbol,
        side: decision.signal.direction,
        volume: order?.volume ?? decision.volume,
        sentPrice: order?.requestedPrice ?? null,
        signalPrice: decision.signal.entryPrice,
        stopLoss: (order === undefined ? decision.stopLoss : order.stopLoss) ?? null,
      },
    ];
  });
}
