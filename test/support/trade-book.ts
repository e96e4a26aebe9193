// Random closed positions for the stats tests, written as deals, and the statistics computed the
// obvious way to hold the API's against.
import type { EntityManager } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import {
  Decision,
  Execution,
  Order,
  Signal,
  type IBot,
  type IExecution,
  type IOrder,
} from '../../db/entities/index.ts';
import { at, nextSerial } from './audit-rows.ts';

export interface Deal {
  minute: number;
  volume: number;
  profit: number;
  commission: number;
  swap: number;
}

export interface PositionSpec {
  strategy: 'pin_bar' | 'doji_breakout' | null;
  opens: Deal[];
  closes: Deal[];
}

export interface Trade {
  id: number;
  time: number;
  strategy: string;
  pnl: number;
}

const cents = (min: number, max: number) => fc.integer({ min, max }).map((n) => n / 100);

const dealArb = fc.record({
  minute: fc.integer({ min: 0, max: 90 }),
  volume: cents(1, 100),
  profit: cents(-5000, 5000),
  commission: cents(-700, 0),
  swap: cents(-200, 200),
});

/** Up to three closes whose volumes never exceed what the opens bought: partial closes happen. */
export const positionArb: fc.Arbitrary<PositionSpec> = fc
  .record({
    strategy: fc.constantFrom('pin_bar' as const, 'doji_breakout' as const, null),
    opens: fc.array(dealArb, { minLength: 1, maxLength: 2 }),
    closes: fc.array(dealArb, { maxLength: 3 }),
  })
  .map(({ strategy, opens, closes }) => {
    let left = Math.round(opens.reduce((sum, deal) => sum + deal.volume, 0) * 100);
    const capped = closes.flatMap((deal) => {
      const volume = Math.min(Math.round(deal.volume * 100), left);
      left -= volume;
      return volume > 0 ? [{ ...deal, volume: volume / 100, minute: deal.minute + 100 }] : [];
    });
    return { strategy, opens: opens.map((deal) => ({ ...deal, profit: 0 })), closes: capped };
  });

/** numerator / denominator rounded half away from zero, for integers (denominator > 0). */
function roundedDivision(numerator: number, denominator: number): number {
  const magnitude = Math.floor((2 * Math.abs(numerator) + denominator) / (2 * denominator));
  return numerator < 0 ? -magnitude : magnitude;
}

/**
 * Writes the positions' deals for `bot` (an attributed open with its signal, decision and order) and
 * returns its trades as the API should count them: one per closing deal, with its share of the
 * opening deals' commission and swap.
 */
export async function writeDeals(em: EntityManager, bot: IBot, positions: PositionSpec[]): Promise<Trade[]> {
  const closing: Array<{ execution: IExecution; pnl: number; strategy: string }> = [];
  for (const [index, position] of positions.entries()) {
    const ticket = `p${nextSerial()}`;
    let order: IOrder | null = null;
    if (position.strategy) {
      const signal = em.create(Signal, {
        bot,
        strategy: position.strategy,
        symbol: bot.symbol,
        direction: 'buy',
        barTime: at(index),
        score: 0.5,
        entryPrice: 2650,
        payload: {},
      });
      const decision = em.create(Decision, { signal, action: 'open', score: 0.5, reason: 'ok', checks: [], volume: 1 });
      order = em.create(Order, {
        bot,
        decision,
        clientOrderId: `s${nextSerial()}`,
        symbol: bot.symbol,
        side: 'buy',
        volume: 1,
        requestedPrice: 2650,
        status: 'filled',
      });
    }
    const deal = (spec: Deal, entry: 'in' | 'out') =>
      em.create(Execution, {
        bot,
        order: entry === 'in' ? order : null,
        brokerAccount: bot.brokerAccount,
        brokerDealId: `d${nextSerial()}`,
        brokerPositionId: ticket,
        entry,
        side: entry === 'in' ? 'buy' : 'sell',
        price: 2650,
        reason: 'expert',
        ...spec,
        executedAt: at(spec.minute),
      });
    for (const open of position.opens) deal(open, 'in');
    // In integers (cents and hundredths of a lot), so the trade's P&L is an exact fraction rounded
    // half away from zero to a micro-unit, as the database rounds it.
    const inCents = (money: number) => Math.round(money * 100);
    const opened = position.opens.reduce((sum, open) => sum + inCents(open.volume), 0);
    const costs = position.opens.reduce((sum, open) => sum + inCents(open.commission) + inCents(open.swap), 0);
    for (const close of position.closes) {
      const own = inCents(close.profit) + inCents(close.commission) + inCents(close.swap);
      const share = costs * Math.min(inCents(close.volume), opened);
      closing.push({
        execution: deal(close, 'out'),
        pnl: roundedDivision((own * opened + share) * 10_000, opened) / 1e6,
        strategy: position.strategy ?? 'unattributed',
      });
    }
  }
  await em.flush();
  return closing.map(({ execution, pnl, strategy }) => ({
    id: execution.id,
    time: execution.executedAt.getTime(),
    strategy,
    pnl,
  }));
}

/**
 * Every statistic the obvious way, every pair of curve points for the drawdowns, in exact integer
 * micro-units (so a curve back at 0 is exactly 0, as the API has it).
 */
export function bruteForceStats(trades: Trade[], startingBalance: number) {
  const micro = trades.map((trade) => Math.round(trade.pnl * 1e6));
  const start = Math.round(startingBalance * 1e6);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const money = (value: number) => value / 1e6;
  const wins = micro.filter((pnl) => pnl > 0);
  const losses = micro.filter((pnl) => pnl < 0);
  const curve = [start, ...micro.map((_, i) => start + sum(micro.slice(0, i + 1)))];
  let maxDrawdown = 0;
  let maxDrawdownPct: number | null = null;
  for (let j = 1; j < curve.length; j++) {
    const peak = Math.max(...curve.slice(0, j + 1));
    for (let i = 0; i < j; i++) maxDrawdown = Math.max(maxDrawdown, curve[i]! - curve[j]!);
    if (peak > 0) maxDrawdownPct = Math.max(maxDrawdownPct ?? 0, ((peak - curve[j]!) / peak) * 100);
  }
  const mean = micro.length > 0 ? sum(micro) / micro.length : null;
  const sd = micro.length > 1 ? Math.sqrt(sum(micro.map((pnl) => (pnl - mean!) ** 2)) / (micro.length - 1)) : 0;
  return {
    count: micro.length,
    wins: wins.length,
    losses: losses.length,
    winRate: micro.length > 0 ? wins.length / micro.length : null,
    grossProfit: money(sum(wins)),
    grossLoss: money(-sum(losses)),
    netPnl: money(sum(micro)),
    profitFactor: losses.length > 0 ? sum(wins) / -sum(losses) : null,
    expectancy: mean === null ? null : money(mean),
    averageWin: wins.length > 0 ? money(sum(wins) / wins.length) : null,
    averageLoss: losses.length > 0 ? money(sum(losses) / losses.length) : null,
    maxDrawdown: money(maxDrawdown),
    maxDrawdownPct: maxDrawdownPct ?? (start > 0 ? 0 : null),
    sharpePerTrade: mean !== null && sd > 0 ? mean / sd : null,
  };
}
