// Finding an order the engine sent, after its reply was lost: among the history orders since
// `since`, the active orders and the open positions, by magic and by the engine's id (as MetaApi's clientId, or in the
// comment). With a hint, an order whose comment the broker rewrote (and with it the clientId) is
// matched by magic + symbol + side + volume shortly after `since`. Only "searched everything and
// it is not there" answers null: a history still synchronizing, or a match still in flight, fails.
import type { BrokerHistoryOrder, OrderLookupHint } from '../port.ts';
import { MetaApiOrderPendingError } from './errors.ts';
import { allHistoryOrders } from './history.ts';
import { carriesComment, historyOrder, isFinal, isMarketOrder, openingOrder } from './mapping.ts';
import type { MetaApiOrder, MetaApiPosition, MetaApiRpc } from './sdk-types.ts';

/** How long after `since` an order may match by the hint alone. */
export const HINT_WINDOW_MS = 120_000;
/** History is read a little past now, for clocks that disagree a little. */
const AHEAD_MS = 60_000;

function matchesHint(
  item: { magic: number; symbol: string; volume: number; clientId?: string; time: Date },
  side: string,
  magic: number,
  since: number,
  hint: OrderLookupHint,
): boolean {
  const time = item.time.getTime();
  return (
    // An order that still carries an id is some other order of the engine's, never this one.
    !item.clientId &&
    item.magic === magic &&
    item.symbol === hint.symbol &&
    side === hint.side &&
    Math.abs(item.volume - hint.volume) < 1e-9 &&
    time >= since &&
    time <= since + HINT_WINDOW_MS
  );
}

const orderSide = (o: MetaApiOrder) => (o.type === 'ORDER_TYPE_SELL' ? 'sell' : 'buy');
const positionSide = (p: MetaApiPosition) => (p.type === 'POSITION_TYPE_SELL' ? 'sell' : 'buy');

function stillPending(order: MetaApiOrder, comment: string): MetaApiOrderPendingError {
  return new MetaApiOrderPendingError(`order ${order.id} (${comment}) is ${order.state}: not final yet; ask again`);
}

/** The final order, or an error while it is in flight. */
function settled(order: MetaApiOrder, comment: string): BrokerHistoryOrder {
  const found = historyOrder(order);
  if (found === null) throw stillPending(order, comment);
  return found;
}

export async function findOrder(
  rpc: MetaApiRpc,
  now: number,
  magic: number,
  comment: string,
  since: number,
  hint?: OrderLookupHint,
): Promise<BrokerHistoryOrder | null> {
  const what = `lookup of ${comment}`;
  const orders = (await allHistoryOrders(rpc, what, { from: since, to: now + AHEAD_MS }))
    .filter((o) => isMarketOrder(o) && o.magic === magic)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const positions = (await rpc.getPositions()).filter((p) => p.magic === magic);

  const byComment = orders.filter((o) => carriesComment(o, comment));
  const pending = byComment.find((o) => !isFinal(o));
  if (pending) throw stillPending(pending, comment);
  // Accepted and not finished (in flight, or worked by a dealer or an exchange): in no history yet.
  const active = (await rpc.getOrders()).find((o) => o.magic === magic && carriesComment(o, comment));
  if (active) throw stillPending(active, comment);
  const latest = byComment.at(-1);
  if (latest) return settled(latest, comment);
  const position = positions.find((p) => carriesComment(p, comment));
  if (position) return openingOrder(position);

  if (hint === undefined) return null;
  // Only an order that opened a position (an open's, the only lookups that give a hint): never a
  // close or an SL/TP exit of the same magic, symbol, side and volume.
  const order = orders.find(
    (o) => String(o.positionId ?? '') === String(o.id) && matchesHint(o, orderSide(o), magic, since, hint),
  );
  if (order) return settled(order, comment);
  const held = positions.find((p) => matchesHint(p, positionSide(p), magic, since, hint));
  return held ? openingOrder(held) : null;
}
