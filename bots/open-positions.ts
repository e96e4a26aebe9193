// A bot's open positions as the engine recorded them: the Position rows with status `open`, which
// every reconcile (each cycle, and each close-all) rewrites from the broker's own answer — volume,
// SL/TP and profit + swap. The API and the CLI hold no broker connection, so unrealised P&L is the
// broker's figure at the bot's last reconcile, dated, rather than a price the API would make up.
import type { EntityManager } from '@mikro-orm/postgresql';
import { CycleRun, Position } from '../db/entities/index.ts';

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
