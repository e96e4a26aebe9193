// A bot's open positions as the engine recorded them: the Position rows with status `open`, which
// every reconcile (each cycle, and each close-all) rewrites from the broker's own answer — volume,
// SL/TP and profit + swap. The API and the CLI hold no broker connection, so unrealised P&L is the
// broker's figure at the bot's last reconcile, dated, rather than a price the API would make up.
import type { EntityManager } from '@mikro-orm/postgresql';
import { CycleRun, Order, Position } from '../db/entities/index.ts';
import { UNSETTLED_STATUSES } from '../trading/orders/index.ts';

export interface OpenPositionView {
  ticket: string;
  symbol: string;
  side: 'buy' | 'sell';
  volume: number;
  openPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  openedAt: Date;
  /** Profit + swap in the account's currency at the last reconcile; null if none recorded it yet. */
  unrealizedPnl: number | null;
}

export interface OpenPositions {
  positions: OpenPositionView[];
  /** Sum of the recorded unrealised P&L of the open positions. */
  unrealizedPnl: number;
  /** When the last cycle (whose reconcile recorded the figures) ended; null if no cycle ran. */
  asOf: Date | null;
}

export async function openPositionsOf(em: EntityManager, botId: number): Promise<OpenPositions> {
  const [rows, lastCycle] = await Promise.all([
    em.find(Position, { bot: botId, status: 'open' }, { orderBy: { openedAt: 'asc', id: 'asc' } }),
    em.findOne(CycleRun, { bot: botId }, { orderBy: { finishedAt: 'desc' }, fields: ['finishedAt'] }),
  ]);
  const positions = rows.map((row) => ({
    ticket: row.brokerPositionId,
    symbol: row.symbol,
    side: row.side,
    volume: row.volume,
    openPrice: row.openPrice,
    stopLoss: row.stopLoss ?? null,
    takeProfit: row.takeProfit ?? null,
    openedAt: row.openedAt,
    unrealizedPnl: row.unrealizedPnl ?? null,
  }));
  const total = positions.reduce((sum, position) => sum + (position.unrealizedPnl ?? 0), 0);
  return { positions, unrealizedPnl: Math.round(total * 1e4) / 1e4, asOf: lastCycle?.finishedAt ?? null };
}

export async function openPositionCount(em: EntityManager, botId: number): Promise<number> {
  return em.count(Position, { bot: botId, status: 'open' });
}

/**
 * The bot's opens that may hold a position no Position row shows yet: sent without an outcome
 * (or answered 10008 PLACED, its deal to come), or filled and not yet booked by a reconcile. Its
 * account and symbol must stay until they settle: reconcile looks for them only there.
 */
export async function unbookedOpenCount(em: EntityManager, botId: number): Promise<number> {
  const unsettled = await em.count(Order, { bot: botId, purpose: 'open', status: { $in: [...UNSETTLED_STATUSES] } });
  const filled = await em.find(
    Order,
    { bot: botId, purpose: 'open', status: { $in: ['filled', 'partially_filled'] }, brokerTicket: { $ne: null } },
    { fields: ['brokerTicket'] },
  );
  if (filled.length === 0) return unsettled;
  const booked = await em.find(
    Position,
    { bot: botId, brokerPositionId: { $in: filled.map((order) => order.brokerTicket!) } },
    { fields: ['brokerPositionId'] },
  );
  const bookedIds = new Set(booked.map((position) => position.brokerPositionId));
  return unsettled + filled.filter((order) => !bookedIds.has(order.brokerTicket!)).length;
}
