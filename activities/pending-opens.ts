// Opens the account's bots have decided that may still become positions: the decision is written
// and its order not yet, or the order is unsettled (new, sent, unknown). Until it fills the broker
// lists neither it nor its commission, and the account's daily loss limit counts it from the
// decision's record instead — only while it can still reach the broker. Past that, what it became
// is in the broker's positions and deals, whether or not its bot (paused, deleted) has settled it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Decision, DELETED_BOTS_FILTER, Order, type IDecision, type IOrder } from '../db/entities/index.ts';
import { NEVER_SENT_GRACE_MS, UNSETTLED_STATUSES } from '../trading/orders/index.ts';
import type { HeldAtStop } from '../trading/risk/index.ts';

/** How far back decisions are read: pending ones are minutes old. */
const PENDING_LOOKBACK_MS = 60 * 60_000;
/**
 * An unwritten decision counts this much past the grace after which the order store no longer
 * writes and sends it: its check of the decision's age and its write are not one statement.
 */
const UNWRITTEN_MARGIN_MS = 30_000;

export interface PendingDecision extends Omit<HeldAtStop, 'openPrice'> {
  symbol: string;
  /** Its bot's: once filled, the position is that bot's. */
  magic: number;
  /** The price its order was written at; null for one not written yet, which goes at the price then. */
  sentPrice: number | null;
  /** Its signal's entry: the price where no quote of its symbol is at hand. */
  signalPrice: number;
}

/**
 * Whether an open may still reach the broker at `now`: a sent order until the broker may no longer
 * execute a late send of it; an order written but never sent, or a decision whose order is not
 * written, until NEVER_SENT_GRACE_MS after it was written (nothing sends it later: the order store
 * cancels it instead; an unwritten one a little longer, UNWRITTEN_MARGIN_MS). Each row on the
 * clock it was written by: an order's times are the engine's (`now`), a decision's this machine's.
 */
function mayStillFill(decision: IDecision, order: IOrder | undefined, now: number, lateSendMs: number): boolean {
  if (order?.lastSentAt != null) return now - order.lastSentAt.getTime() < NEVER_SENT_GRACE_MS + lateSendMs;
  if (order !== undefined) return now - order.createdAt.getTime() < NEVER_SENT_GRACE_MS;
  return Date.now() - decision.createdAt.getTime() < NEVER_SENT_GRACE_MS + UNWRITTEN_MARGIN_MS;
}

/**
 * The pending opens of every bot on `account` (deleted bots' too), but the decisions of
 * `decidingSignals`, which the deciding step counts itself. An order's own volume and stop where
 * it was written, else the decision's.
 */
export async function pendingOpens(
  em: EntityManager,
  account: string,
  decidingSignals: readonly number[],
  { now, lateSendMs }: { now: number; lateSendMs: number },
): Promise<PendingDecision[]> {
  const deletedToo = { filters: { [DELETED_BOTS_FILTER]: false } };
  const decisions = await em.find(
    Decision,
    {
      action: 'open',
      // Bounds the query only (mayStillFill decides): an unknown order's retry may send it again
      // minutes after its decision, never an hour.
      createdAt: { $gte: new Date(Date.now() - PENDING_LOOKBACK_MS - lateSendMs) },
      signal: { bot: { brokerAccount: account }, id: { $nin: [...decidingSignals] } },
    },
    { populate: ['signal.bot'], ...deletedToo },
  );
  if (decisions.length === 0) return [];
  const orders = await em.find(Order, { decision: { $in: decisions.map((decision) => decision.id) } }, deletedToo);
  const orderOf = new Map(orders.map((order) => [order.decision?.id, order]));
  return decisions.flatMap((decision) => {
    const order = orderOf.get(decision.id);
    if (order !== undefined && !UNSETTLED_STATUSES.includes(order.status)) return [];
    if (!mayStillFill(decision, order, now, lateSendMs)) return [];
    return [
      {
        symbol: decision.signal.symbol,
        magic: decision.signal.bot.magic,
        side: decision.signal.direction,
        volume: order?.volume ?? decision.volume,
        sentPrice: order?.requestedPrice ?? null,
        signalPrice: decision.signal.entryPrice,
        stopLoss: (order === undefined ? decision.stopLoss : order.stopLoss) ?? null,
      },
    ];
  });
}
