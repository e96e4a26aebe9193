// NautilusTrader's rule on a real account: before a bot trades for the first time after a worker
// start, its positions and orders are reconciled with the broker; if that fails it opens nothing,
// and its trading state (service and GET /bots/:id), the audit log and its decisions say why. The
// bot trades on an mt5-gateway account served by the real Python gateway on its simulated
// terminal, reached through a proxy that each test breaks its own way.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { AuditLog, CycleRun, Decision, Order, type IBot } from '../../../db/entities/index.ts';
import type { TestApi } from '../../support/api.ts';
import { startTestApi } from '../../support/api.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { type GatewayEngine, startGatewayEngine } from '../../support/gateway-engine.ts';
import { feedScenarioBody } from '../brokers/mt5-gateway-harness.ts';

const SEED = 7;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: true });
const feed = createSyntheticFeed({ seed: SEED });

let engine: GatewayEngine;
let api: TestApi;

beforeAll(async () => {
  engine = await startGatewayEngine({ token: 'startup-reconciliation', tokenEnv: 'GW_STARTUP_TOKEN' });
  api = await startTestApi({ db: engine.db });
}, 300_000);

afterAll(async () => {
  await api?.stop();
  await engine?.stop();
});

/** Each test's own terminal, account and bot: gold at a minute whose closed bar fires pin_bar. */
async function botOnFreshAccount(account: string): Promise<IBot> {
  await engine.proxy.up();
  engine.proxy.failPaths([]);
  engine.proxy.takeRequests();
  const bars = feed.barsBetween('XAUUSDm', firing.now - (LOOKBACK + 10) * 60_000, firing.now + 10 * 60_000);
  await engine.load(feedScenarioBody(bars, firing.now, { balance: 10_000, commissionPerLot: 0 }));
  await engine.register(account);
  return engine.createBot({
    name: `${account}-bot`,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: account,
    riskSettings: { decisionMinScore: 0, correlationBlock: false },
    scheduleIntervalSeconds: 3600,
  });
}

/** Failed attempts of an activity in this file's worker so far. */
async function failedAttempts(task: string): Promise<number> {
  const { values } = await engine.deps.metrics.taskFailures.get();
  return values.find((value) => value.labels.task === task)?.value ?? 0;
}

/** A cycle's own outcome: failed cycles throw, and that is one of the things tested. */
async function cycle(bot: IBot, suffix: string): Promise<'completed' | 'failed'> {
  return engine.runCycle(bot, suffix).then(
    () => 'completed' as const,
    () => 'failed' as const,
  );
}

/** What the engine and the terminal hold for the bot, and what it says of its trading state. */
async function recordOf(bot: IBot) {
  const em = engine.db.orm.em.fork();
  const orders = await em.find(Order, { bot: bot.id });
  const { tradingState } = await engine.bots.detail(bot.id);
  const response = await api.app.inject({ method: 'GET', url: `/bots/${bot.id}`, headers: api.read });
  const audits = await em.find(
    AuditLog,
    { bot: bot.id, event: { $like: 'startup_%' } },
    { orderBy: { id: 'asc' }, refresh: true },
  );
  return {
    orders: orders.map((order) => order.status),
    terminalOrders: (await engine.simulator.state()).orders.length,
    service: { state: tradingState.state, reason: tradingState.reason },
    api: (response.json() as { tradingState: unknown }).tradingState,
    etag: response.headers.etag,
    audits: audits.map((audit) => ({ event: audit.event, reason: audit.reason })),
  };
}

describe('start-up reconciliation of a bot on an mt5-gateway account', () => {
  it('gateway unreachable at the first cycle: nothing opens and every view says why; once reachable the next cycle reconciles and trades', async () => {
    const bot = await botOnFreshAccount('gw-down');
    const etag = (await recordOf(bot)).etag;
    await engine.proxy.down();

    expect(await cycle(bot, 'down')).toBe('failed');
    const blocked = await recordOf(bot);
    const why = expect.stringMatching(
      /^start-up reconciliation with gw-down failed: mt5-gateway "gw-down" at http:\/\/127\.0\.0\.1:\d+: GET \/account: (TypeError: )?fetch failed/,
    );
    expect(blocked).toEqual({
      orders: [],
      terminalOrders: 0,
      service: { state: 'reducing', reason: why },
      api: { state: 'reducing', reason: why },
      // Reconciling is no change of the bot's settings: its version, the ETag of If-Match, stays.
      etag,
      audits: expect.arrayContaining([{ event: 'startup_reconciliation_failed', reason: expect.any(String) }]),
    });
    // Each attempt of the cycle's reconcile step tried, failed and said so; none succeeded.
    expect(new Set(blocked.audits.map((audit) => audit.event))).toEqual(new Set(['startup_reconciliation_failed']));
    for (const { reason } of blocked.audits)
      expect(`start-up reconciliation with gw-down failed: ${reason}`).toEqual(why);
    const listed = await api.app.inject({
      method: 'GET',
      url: `/audit?botId=${bot.id}&event=startup_reconciliation_failed`,
      headers: api.read,
    });
    expect((listed.json() as { items: Array<{ reason: string }> }).items[0]?.reason).toMatch(
      /GET \/account: (TypeError: )?fetch failed/,
    );

    await engine.proxy.up();
    const riskFailures = await failedAttempts('evaluateRisk');
    expect(await cycle(bot, 'up')).toBe('completed');
    // Reconciling inside evaluateRisk leaves its later writes working: no attempt failed.
    expect(await failedAttempts('evaluateRisk')).toBe(riskFailures);
    const trading = await recordOf(bot);
    expect(trading).toMatchObject({
      etag,
      orders: ['filled'],
      terminalOrders: 1,
      service: { state: 'active', reason: 'active' },
      api: { state: 'active', reason: 'active' },
    });
    expect(trading.audits.at(-1)).toEqual({
      event: 'startup_reconciled',
      reason: 'reconciled with gw-down since the worker started',
    });
    const runs = await engine.db.orm.em.fork().find(CycleRun, { bot: bot.id }, { orderBy: { id: 'asc' } });
    expect(runs.map((run) => run.outcome)).toEqual([expect.stringMatching(/^failed: fetchCandles: /), 'completed']);
  }, 120_000);

  it('prices flow but the deal history fails: the signal is ignored naming the failed reconciliation, and a later cycle clears the block', async () => {
    const bot = await botOnFreshAccount('gw-history');
    engine.proxy.failPaths(['/history/deals']);

    // Candles, strategies and quotes all work: only the reconciliation does not.
    expect(await cycle(bot, 'history-fails')).toBe('failed');
    const why = expect.stringMatching(
      /^start-up reconciliation with gw-history failed: mt5-gateway "gw-history" at \S+: GET \/history\/deals: HTTP 503: \/history\/deals failed/,
    );
    const decisions = await engine.db.orm.em.fork().find(Decision, { signal: { bot: bot.id } });
    expect(decisions).toHaveLength(1);
    const [decision] = decisions;
    expect(decision!.action).toBe('ignore');
    expect(decision!.checks.find((check) => check.name === 'trading_state')).toMatchObject({
      passed: false,
      value: 'reducing',
    });
    expect(decision!.reason).toContain('start-up reconciliation with gw-history failed');
    const blocked = await recordOf(bot);
    expect(blocked).toMatchObject({
      orders: [],
      terminalOrders: 0,
      service: { state: 'reducing', reason: why },
      api: { state: 'reducing', reason: why },
    });
    expect(blocked.audits[0]).toEqual({
      event: 'startup_reconciliation_failed',
      reason: expect.stringContaining('GET /history/deals: HTTP 503'),
    });
    // Nothing was sent: the terminal was asked for no trade.
    expect(engine.proxy.takeRequests().filter((path) => path.startsWith('/orders'))).toEqual([]);

    engine.proxy.failPaths([]);
    expect(await cycle(bot, 'history-back')).toBe('completed');
    const cleared = await recordOf(bot);
    expect(cleared).toMatchObject({
      service: { state: 'active', reason: 'active' },
      api: { state: 'active', reason: 'active' },
    });
    expect(cleared.audits.at(-1)?.event).toBe('startup_reconciled');
  }, 120_000);
});
