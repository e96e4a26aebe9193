// GET /bots/:id/stats and /equity on real PostgreSQL against a brute-force computation over random
// positions, partial closes included: a trade is one closing deal, net of its commission and swap
// and of its share (by volume) of the opening deals' commission and swap.
import fc from 'fast-check';
import { at, AuditRows } from '../../support/audit-rows.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { bruteForceStats, positionArb, writeDeals, type Deal, type PositionSpec } from '../../support/trade-book.ts';

let api: TestApi;
let rows: AuditRows;

beforeAll(async () => {
  api = await startTestApi();
  rows = new AuditRows(api.db.orm);
});

afterAll(() => api?.stop());

/** Numbers equal to 6 decimals, nulls and counts exactly. */
function expectClose(actual: Record<string, number | null>, expected: Record<string, number | null>): void {
  for (const [key, value] of Object.entries(expected)) {
    if (value === null || actual[key] === null) expect({ [key]: actual[key] }).toEqual({ [key]: value });
    else expect(actual[key]).toBeCloseTo(value, 6);
  }
}

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url, headers: api.read });
  expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
  return response.json();
}

describe('GET /bots/:id/stats and /equity', () => {
  it('match a brute-force computation over random positions, partial closes and ranges', async () => {
    const range = fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.array(positionArb, { maxLength: 8 }),
        range,
        range,
        fc.constantFrom(undefined, 0, 10_000),
        async (positions, fromMinute, span, startingBalance) => {
          const bot = await rows.bot();
          const from = fromMinute === undefined ? undefined : at(fromMinute);
          const to = span === undefined ? undefined : at((fromMinute ?? 0) + span + 1);
          const trades = (await writeDeals(rows.em, bot, positions))
            .filter(
              (trade) =>
                (from === undefined || trade.time >= from.getTime()) && (to === undefined || trade.time < to.getTime()),
            )
            .sort((a, b) => a.time - b.time || a.id - b.id);
          const query = new URLSearchParams({
            ...(from ? { from: from.toISOString() } : {}),
            ...(to ? { to: to.toISOString() } : {}),
            ...(startingBalance === undefined ? {} : { startingBalance: String(startingBalance) }),
          });
          const stats = await get(`/bots/${bot.id}/stats?${query}`);
          expect(stats).toMatchObject({ botId: bot.id, startingBalance: startingBalance ?? null });
          expectClose(stats.overall, bruteForceStats(trades, startingBalance ?? 0));
          const strategies = [...new Set(trades.map((trade) => trade.strategy))].sort();
          expect(Object.keys(stats.byStrategy).sort()).toEqual(strategies);
          for (const strategy of strategies) {
            const own = trades.filter((trade) => trade.strategy === strategy);
            expectClose(stats.byStrategy[strategy], bruteForceStats(own, startingBalance ?? 0));
          }

          const equity = await get(`/bots/${bot.id}/equity?${query}`);
          expect(equity.points.map((point: { executionId: number }) => point.executionId)).toEqual(
            trades.map((t) => t.id),
          );
          let closedPnl = 0;
          for (const [i, trade] of trades.entries()) {
            closedPnl += trade.pnl;
            const point = equity.points[i];
            expect(point).toMatchObject({ strategy: trade.strategy, time: new Date(trade.time).toISOString() });
            expect(point.pnl).toBeCloseTo(trade.pnl, 6);
            expect(point.closedPnl).toBeCloseTo(closedPnl, 6);
            if (startingBalance === undefined) expect(point.balance).toBeNull();
            else expect(point.balance).toBeCloseTo(startingBalance + closedPnl, 6);
          }
        },
      ),
      {
        numRuns: 30,
        examples: [
          // A trade whose P&L falls exactly on half a micro-unit (0.07 − 4.02 / 64 = 0.0071875): the
          // trade is rounded once, as a whole, away from zero.
          [
            [
              {
                strategy: 'pin_bar',
                opens: [{ minute: 0, volume: 0.64, profit: 0, commission: -2.99, swap: -1.03 }],
                closes: [{ minute: 100, volume: 0.01, profit: 0.07, commission: 0, swap: 0 }],
              },
            ],
            undefined,
            undefined,
            undefined,
          ],
        ],
      },
    );
    // Each run writes a fresh bot's deals: allow for a loaded machine.
  }, 180_000);

  it('counts each deal of a partial close as a trade carrying its share of the opening commission', async () => {
    const bot = await rows.bot();
    const deal = (minute: number, volume: number, profit: number, commission: number): Deal => ({
      minute,
      volume,
      profit,
      commission,
      swap: 0,
    });
    await writeDeals(rows.em, bot, [
      // 1 lot for 7 of commission, closed in two deals: 40% of the 7 goes with the first, 60% with the second.
      { strategy: 'pin_bar', opens: [deal(0, 1, 0, -7)], closes: [deal(1, 0.4, 40, -2.8), deal(2, 0.6, -30, -4.2)] },
      // Half closed, half still open: half of its opening commission waits for the rest.
      { strategy: null, opens: [deal(3, 1, 0, -7)], closes: [deal(4, 0.5, 10, -3.5)] },
    ]);
    const equity = await get(`/bots/${bot.id}/equity?startingBalance=1000`);
    expect(
      equity.points.map((p: { pnl: number; closedPnl: number; balance: number }) => [p.pnl, p.closedPnl, p.balance]),
    ).toEqual([
      [34.4, 34.4, 1034.4],
      [-38.4, -4, 996],
      [3, -1, 999],
    ]);
    const stats = await get(`/bots/${bot.id}/stats?startingBalance=1000`);
    expect(stats.overall).toMatchObject({ count: 3, wins: 2, losses: 1, netPnl: -1, maxDrawdown: 38.4 });
    expect(stats.overall.profitFactor).toBeCloseTo(37.4 / 38.4, 12);
    expect(stats.byStrategy.pin_bar).toMatchObject({ count: 2, netPnl: -4 });
    expect(stats.byStrategy.unattributed).toMatchObject({ count: 1, netPnl: 3 });
  });

  it('gives no profit factor when nothing lost, 0 when nothing won, and zeros without trades', async () => {
    const trade = (minute: number, profit: number): PositionSpec => ({
      strategy: 'doji_breakout',
      opens: [{ minute, volume: 0.1, profit: 0, commission: 0, swap: 0 }],
      closes: [{ minute: minute + 1, volume: 0.1, profit, commission: 0, swap: 0 }],
    });
    const winner = await rows.bot();
    await writeDeals(rows.em, winner, [trade(0, 5), trade(2, 7)]);
    expect((await get(`/bots/${winner.id}/stats`)).overall).toMatchObject({
      count: 2,
      winRate: 1,
      profitFactor: null,
      averageLoss: null,
      maxDrawdown: 0,
      maxDrawdownPct: 0,
    });
    const loser = await rows.bot();
    await writeDeals(rows.em, loser, [trade(0, -5), trade(2, -7)]);
    expect((await get(`/bots/${loser.id}/stats?startingBalance=100`)).overall).toMatchObject({
      winRate: 0,
      profitFactor: 0,
      averageWin: null,
      maxDrawdown: 12,
      maxDrawdownPct: 12,
    });
    const idle = await rows.bot();
    expect(await get(`/bots/${idle.id}/stats`)).toMatchObject({
      overall: { count: 0, winRate: null, netPnl: 0, profitFactor: null, maxDrawdownPct: null },
      byStrategy: {},
    });
    expect((await get(`/bots/${idle.id}/equity`)).points).toEqual([]);
  });

  it('takes a curve back at exactly 0 for 0, not for a peak under which a loss is a huge drawdown %', async () => {
    const bot = await rows.bot();
    const trade = (minute: number, profit: number): PositionSpec => ({
      strategy: 'pin_bar',
      opens: [{ minute, volume: 0.1, profit: 0, commission: 0, swap: 0 }],
      closes: [{ minute: minute + 1, volume: 0.1, profit, commission: 0, swap: 0 }],
    });
    // In floating point -0.3 + 0.1 + 0.2 is 2.8e-17: a "peak" 5 below which is a drawdown of 1.8e19 %.
    await writeDeals(rows.em, bot, [trade(0, -0.3), trade(2, 0.1), trade(4, 0.2), trade(6, -5)]);
    const { overall } = await get(`/bots/${bot.id}/stats`);
    expect(overall).toMatchObject({ netPnl: -5, maxDrawdown: 5, maxDrawdownPct: null });
  });

  it.each([
    ['query.from', '/stats?from=last-week'],
    ['query.to', `/equity?from=${at(5).toISOString()}&to=${at(5).toISOString()}`],
    ['query.startingBalance', '/stats?startingBalance=-1'],
    ['query.startingBalance', '/equity?startingBalance=lots'],
    ['query.startingBalance', '/stats?startingBalance=1e3'],
  ])('refuses a bad %s with a 400 naming it (%s)', async (field, path) => {
    const bot = await rows.bot();
    const response = await api.app.inject({ method: 'GET', url: `/bots/${bot.id}${path}`, headers: api.read });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ field })]);
  });

  it.each(['stats', 'equity'])(
    'answers 404 for a bot that does not exist, 400 for an id that cannot (%s)',
    async (what) => {
      const missing = await api.app.inject({ method: 'GET', url: `/bots/999999/${what}`, headers: api.read });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ status: 404, detail: 'bot 999999 does not exist' });
      const bad = await api.app.inject({ method: 'GET', url: `/bots/x/${what}`, headers: api.read });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'params.id' })]);
    },
  );
});
