// An open decision whose placeOrders never wrote its Order (the step failed before, e.g. with the
// database unreachable) is closed here with a cancelled Order under the decision's own
// clientOrderId: every open decision ends in exactly one terminal order state, and a late attempt
// finds that row and sends nothing.
import { AuditLog, Decision, Order } from '../db/entities/index.ts';
import { clientOrderIdFor } from '../trading/client-order-id.ts';
import type { ActivityDeps } from './deps.ts';

export async function settleUnplacedDecisions(deps: ActivityDeps, botId: number, graceMs: number): Promise<number> {
  const em = deps.orm.em.fork();
  // The database's clock, like the decision's creation time: no cycle clock enters this comparison.
  const unplaced = await em.execute<{ id: number }[]>(
    `select d.id from decision d
       join signal s on s.id = d.signal_id
       left join "order" o on o.decision_id = d.id
      where s.bot_id = ? and d.action = 'open' and o.id is null and d.created_at < now() - make_interval(secs => ?)`,
    [botId, graceMs / 1000],
  );
  let settled = 0;
  for (const { id } of unplaced) {
    const decision = await em.findOneOrFail(Decision, id, { populate: ['signal'] });
    const clientOrderId = clientOrderIdFor(botId, id);
    const error =
      'never placed: the placeOrders step for this decision did not complete; not sent later, the signal is stale';
    const inserted = await em
      .createQueryBuilder(Order)
      .insert({
        bot: botId,
        decision: id,
        clientOrderId,
        purpose: 'open',
        symbol: decision.signal.symbol,
        side: decision.signal.direction,
        volume: decision.volume,
        requestedPrice: decision.signal.entryPrice,
        stopLoss: decision.stopLoss ?? null,
        takeProfit: decision.takeProfit ?? null,
        status: 'cancelled',
        error,
        createdAt: new Date(deps.now()),
        updatedAt: new Date(),
      })
      .onConflict(['clientOrderId'])
      .ignore()
      .execute();
    if (inserted.affectedRows === 0) continue;
    em.create(AuditLog, {
      bot: botId,
      entity: 'order',
      entityId: clientOrderId,
      event: 'order_cancelled',
      reason: error,
      data: { decisionId: id },
    });
    await em.flush();
    settled++;
  }
  return settled;
}
