// Closed trades of a bot for its stats and equity curve, computed in the database.
//
// A trade is one closing deal (entry `out`, or `inout`): a position closed in three deals is three
// trades, each at its own time. Its P&L is the deal's profit + commission + swap plus the share of
// the opening deals' commission and swap that its volume closes (closed volume / opened volume), so
// a fully closed position's trades add up to exactly its realised P&L (all of its deals, net). The
// share of a position still open stays out until that volume closes. A share can have endless
// decimals (a third of a commission), so each trade is rounded half away from zero to a micro-unit
// here, in exact decimal, and every sum the stats take is of those rounded values.
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, SqlFilter } from './keyset.ts';
import type { TimeRange } from './signals.ts';

/** Trades of positions opened without a signal (adopted, external) are counted under this name. */
export const UNATTRIBUTED = 'unattributed';

export interface TradeRow {
  /** The closing deal. */
  executionId: number;
  closedAt: string;
  /** Epoch ms, for ordering. */
  closedAtMs: number;
  strategy: string;
  pnl: number;
  /** Sum of the P&L of this trade and every earlier one in the range (exact decimal). */
  closedPnl: number;
}

/** The bot's trades closed in the range, oldest first. */
export function closedTrades(em: EntityManager, botId: number, range: TimeRange): Promise<TradeRow[]> {
  const closing = new SqlFilter()
    .where('x.bot_id = ?', botId)
    .where(`x.entry in ('out', 'inout')`)
    .between('x.executed_at', range.from, range.to);
  return em.execute<TradeRow[]>(
    `with opened as (
       select broker_account, broker_position_id, sum(volume) as volume, sum(commission + swap) as costs,
              (array_agg(order_id order by executed_at, id) filter (where order_id is not null))[1] as order_id
         from execution
        where bot_id = ? and entry = 'in'
        group by broker_account, broker_position_id
     ), trades as (
       select x.id, x.executed_at, coalesce(s.strategy, '${UNATTRIBUTED}') as strategy,
              round(x.profit + x.commission + x.swap
                + coalesce(op.costs * least(x.volume / nullif(op.volume, 0), 1), 0), 6) as pnl
         from execution x
         left join opened op on op.broker_account = x.broker_account and op.broker_position_id = x.broker_position_id
         left join "order" o on o.id = op.order_id
         left join decision d on d.id = o.decision_id
         left join signal s on s.id = d.signal_id
        ${closing.sql}
     )
     select id as "executionId", ${iso('executed_at')} as "closedAt",
            (extract(epoch from executed_at) * 1000)::float8 as "closedAtMs", strategy, pnl::float8 as pnl,
            (sum(pnl) over (order by executed_at, id))::float8 as "closedPnl"
       from trades
      order by executed_at, id`,
    [botId, ...closing.params],
  );
}
