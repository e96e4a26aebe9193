// What the start-up reconciliation of a bot on an mt5-gateway account does beyond the gate: it
// adopts what the broker holds under the bot's magic and the database does not know (positions
// opened while the engine was down or by hand with the bot's magic, and their history), it leaves
// other magics alone, it refuses a demo registration whose login trades real money, and a worker
// start makes it run again. The real Python gateway on its simulated terminal serves the account.
import { forgetStartupReconciliations } from '../../../bots/broker-readiness.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import type { BrokerPort } from '../../../brokers/port.ts';
import { AuditLog, Decision, Execution, Order, Position, type IBot } from '../../../db/entities/index.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { type GatewayEngine, startGatewayEngine } from '../../support/gateway-engine.ts';
import { feedScenarioBody, gatewayBroker } from '../brokers/mt5-gateway-harness.ts';

const SEED = 7;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: true });
const feed = createSyntheticFeed({ seed: SEED });

let engine: GatewayEngine;

beforeAll(async () => {
  engine = await startGatewayEngine({ token: 'startup-adoption', tokenEnv: 'GW_ADOPTION_TOKEN' });
}, 300_000);

afterAll(() => engine?.stop());

/** Each test's own terminal (`extra` over the feed scenario), account and bot. */
async function botOnFreshAccount(
  account: string,
  options: { autoTrade: boolean; extra?: Record<string, unknown> },
): Promise<IBot> {
  const bars = feed.barsBetween('XAUUSDm', firing.now - (LOOKBACK + 10) * 60_000, firing.now + 10 * 60_000);
  const scenario = feedScenarioBody(bars, firing.now, { balance: 10_000, commissionPerLot: 0 });
  await engine.load({ ...scenario, ...options.extra });
  await engine.register(account);
  return engine.createBot({
    name: `${account}-bot`,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: options.autoTrade,
    brokerAccount: account,
    riskSettings: { decisionMinScore: 0, correlationBlock: false, maxConcurrentPositions: 5 },
    scheduleIntervalSeconds: 3600,
  });
}

/** A market buy straight at the terminal, as an EA or a hand in the terminal would send it. */
async function buyAtTerminal(broker: BrokerPort, magic: number, volume: number, comment: string): Promise<string> {
  const quote = await broker.quote('XAUUSDm');
  const result = await broker.placeMarketOrder({
    symbol: 'XAUUSDm',
    side: 'buy',
    volume,
    price: quote.ask,
    sl: Math.round((quote.bid - 5) * 100) / 100,
    tp: null,
    deviationPoints: 50,
    magic,
    comment,
  });
  expect(result.outcome).toBe('success');
  return result.order!;
}

async function startupAudits(bot: IBot) {
  const rows = await engine.db.orm.em
    .fork()
    .find(AuditLog, { bot: bot.id, event: { $like: 'startup_%' } }, { orderBy: { id: 'asc' } });
  return rows.map((row) => ({ event: row.event, reason: row.reason, data: row.data }));
}

describe('start-up reconciliation: what it adopts and what it refuses', () => {
  it("adopts the bot's positions and history the database lacks, and leaves other magics' positions alone", async () => {
    const bot = await botOnFreshAccount('gw-adopt', { autoTrade: false });
    const broker = gatewayBroker(engine.gateway, 0);
    const kept = await buyAtTerminal(broker, bot.magic, 0.2, 'opened while down');
    const roundTrip = await buyAtTerminal(broker, bot.magic, 0.1, 'closed while down');
    await engine.advance(10_000);
    expect((await broker.closePosition(roundTrip)).outcome).toBe('success');
    await buyAtTerminal(broker, 0, 0.3, 'manual');
    await buyAtTerminal(broker, bot.magic + 1, 0.4, 'another bot');

    await engine.runCycle(bot, 'adopt');
    const em = engine.db.orm.em.fork();
    const positions = await em.find(Position, { bot: bot.id }, { orderBy: { brokerPositionId: 'asc' } });
    const atBroker = await broker.positions({ magic: bot.magic });
    const roundTripDeals = await broker.deals({ from: 0, to: engine.now() + 60_000 }, { positionId: roundTrip });
    expect(positions.map((p) => [p.brokerPositionId, p.status, p.side, p.volume, p.openingOrder])).toEqual(
      [
        [kept, 'open', 'buy', 0.2, null],
        [roundTrip, 'closed', 'buy', 0.1, null],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    const open = positions.find((p) => p.brokerPositionId === kept)!;
    expect({ sl: open.stopLoss, unrealized: open.unrealizedPnl }).toEqual({
      sl: atBroker[0]!.sl,
      unrealized: atBroker[0]!.profit + atBroker[0]!.swap,
    });
    const closed = positions.find((p) => p.brokerPositionId === roundTrip)!;
    expect(closed.realizedPnl).toBeCloseTo(
      roundTripDeals.reduce((sum, d) => sum + d.profit + d.commission + d.swap, 0),
      6,
    );
    // Every deal of the bot's magic is one Execution, linked to no engine order; no Order is made up.
    const executions = await em.find(Execution, { bot: bot.id });
    expect(executions.map((e) => [e.brokerPositionId, e.entry, e.order]).sort()).toEqual(
      [
        [kept, 'in', null],
        [roundTrip, 'in', null],
        [roundTrip, 'out', null],
      ].sort(),
    );
    expect(await em.count(Order, { bot: bot.id })).toBe(0);
    // The manual position and the other magic's are nobody's here: no bot took them.
    expect(await em.count(Position, {})).toBe(2);
    expect(await startupAudits(bot)).toEqual([
      {
        event: 'startup_reconciled',
        reason: 'reconciled with gw-adopt since the worker started',
        data: expect.objectContaining({
          account: 'gw-adopt',
          tradeMode: 'demo',
          newExecutions: 3,
          positionsOpened: 2,
          positionsClosed: 1,
          openPositions: 1,
        }),
      },
    ]);
    const { tradingState, openPositions } = await engine.bots.detail(bot.id);
    expect(tradingState).toMatchObject({ state: 'active' });
    expect(openPositions.positions.map((p) => [p.ticket, p.volume])).toEqual([[kept, 0.2]]);
  }, 120_000);

  it('refuses a demo registration whose login trades real money: the signal is ignored and the state says why', async () => {
    const bot = await botOnFreshAccount('gw-real', {
      autoTrade: true,
      extra: { trade_mode: 'real', login: 7_700_001 },
    });

    await engine.runCycle(bot, 'real').catch(() => undefined);
    const why = 'registered as a demo account, but the broker says login 7700001 trades real money';
    const em = engine.db.orm.em.fork();
    const [decision] = await em.find(Decision, { signal: { bot: bot.id } });
    expect(decision).toMatchObject({ action: 'ignore', reason: expect.stringContaining(why) });
    expect(await em.count(Order, { bot: bot.id })).toBe(0);
    expect((await engine.simulator.state()).orders).toEqual([]);
    const { tradingState } = await engine.bots.detail(bot.id);
    expect(tradingState).toMatchObject({
      state: 'reducing',
      reason: `start-up reconciliation with gw-real failed: ${why}`,
    });
    const audits = await startupAudits(bot);
    expect(audits.length).toBeGreaterThan(0);
    expect(audits.every((a) => a.event === 'startup_reconciliation_failed' && a.reason === why)).toBe(true);
  }, 120_000);

  it('a worker start forgets every real account’s reconciliation: the bot waits, and its next cycle reconciles again', async () => {
    const bot = await botOnFreshAccount('gw-restart', { autoTrade: false });
    await engine.runCycle(bot, 'first');
    expect((await engine.bots.detail(bot.id)).tradingState).toMatchObject({ state: 'active' });

    // What worker/main.ts does when it starts.
    expect(await forgetStartupReconciliations(engine.db.orm.em.fork())).toBeGreaterThanOrEqual(1);
    expect((await engine.bots.detail(bot.id)).tradingState).toEqual(
      expect.objectContaining({
        state: 'reducing',
        reason: 'waiting for the start-up reconciliation with gw-restart (the next cycle runs it)',
        opens: false,
      }),
    );
    await engine.runCycle(bot, 'after-restart');
    expect((await engine.bots.detail(bot.id)).tradingState).toMatchObject({ state: 'active' });
    expect((await startupAudits(bot)).map((a) => a.event)).toEqual(['startup_reconciled', 'startup_reconciled']);
  }, 120_000);
});
