// A real cycle that trades (dev server, PostgreSQL, paper broker), seen as an operator sees it: in
// the Web UI its search attributes find it by clientOrderId, strategy or "traded at all", its
// details say what it did in words and its steps are summarised by what they work on; on the worker's
// /metrics the seed's counters move.
import { Order, Signal } from '../../../db/entities/index.ts';
import { serveMetrics } from '../../../infra/metrics-server.ts';
import { SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { barsToFetch } from '../../../trading/indicators/anchored-window.ts';

const SEED = 9;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 19, 14), { lookback: LOOKBACK, clear: true });

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => firing.now, schedulesTo: 'nowhere' });
});

afterAll(() => engine?.stop());

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let tries = 0; tries < 100; tries++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not found within 20 s`);
}

describe('a cycle that traded, in the Web UI', () => {
  it('carries its orders in search attributes, its story in its details, and its orders in the step summary', async () => {
    const bot = await engine.createBot({
      name: 'traced',
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      lookback: LOOKBACK,
      brokerAccount: 'paper-traced',
      autoTrade: true,
      riskSettings: { decisionMinScore: 0 },
    });
    await expect(engine.runCycle(bot, 'traced')).resolves.toMatchObject({ orders: 1, ordersFilled: 1 });
    const order = await engine.db.orm.em.fork().findOneOrFail(Order, { bot: bot.id }, { populate: ['decision'] });
    const handle = engine.temporal.client.workflow.getHandle(`test-cycle-${bot.id}-traced`);

    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(SEARCH_ATTRIBUTES.clientOrderIds)).toEqual([order.clientOrderId]);
    expect(attributes.get(SEARCH_ATTRIBUTES.ordersPlaced)).toBe(1);
    expect(attributes.get(SEARCH_ATTRIBUTES.strategy)).toEqual(['pin_bar']);

    // What an operator types in the Web UI's search box.
    const found = await eventually(async () => {
      for await (const execution of engine.temporal.client.workflow.list({
        query: `ClientOrderIds = '${order.clientOrderId}' AND OrdersPlaced > 0`,
      }))
        return execution.workflowId;
      return undefined;
    }, `the cycle of ${order.clientOrderId}`);
    expect(found).toBe(handle.workflowId);

    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    const side = order.side.toUpperCase();
    expect(metadata.currentDetails).toContain(
      `${side} ${order.volume} XAUUSDm @ ${order.requestedPrice} — pin_bar, decision ${order.decision!.id} (filled 10009 TRADE_RETCODE_DONE)`,
    );
    expect(metadata.currentDetails).toMatch(
      new RegExp(`^${barsToFetch(LOOKBACK)} XAUUSDm M1 bars up to the \\d\\d:\\d\\d UTC bar\nsignals: pin_bar `),
    );

    const history = await handle.fetchHistory();
    const summaries = (history.events ?? []).flatMap((event) => {
      const summary = event.userMetadata?.summary?.data;
      return event.activityTaskScheduledEventAttributes && summary ? [JSON.parse(Buffer.from(summary).toString())] : [];
    });
    const signal = await engine.db.orm.em.fork().findOneOrFail(Signal, { bot: bot.id });
    expect(summaries).toEqual([
      `strategies on the ${signal.barTime.toISOString().slice(11, 16)} UTC bar`,
      `risk for signals ${signal.id}`,
      `send ${order.clientOrderId}`,
    ]);
  });
});

/** Each sample of a Prometheus text exposition, keyed `name{labels}`. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

/** A pin bar bot of its own paper account, `name`, and one cycle of it, with the worker's /metrics scraped either side. */
async function meteredCycle(name: string, settings: { autoTrade: boolean; riskSettings: object }) {
  const server = await serveMetrics(engine.deps.metrics.registry, '127.0.0.1', 0);
  try {
    const before = samples(await (await fetch(server.url)).text());
    const bot = await engine.createBot({
      name,
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      lookback: LOOKBACK,
      brokerAccount: `paper-${name}`,
      ...settings,
    });
    const cycle = await engine.runCycle(bot, name);
    const response = await fetch(server.url);
    const after = samples(await response.text());
    const moved = (sample: string) => (after.get(sample) ?? 0) - (before.get(sample) ?? 0);
    return { bot, cycle, before, after, moved, contentType: response.headers.get('content-type') };
  } finally {
    await server.close();
  }
}

describe('a cycle that traded, on the worker /metrics', () => {
  it("moves the seed's counters, times the cycle and the bar-to-order latency, and gauges the position", async () => {
    const { bot, cycle, after, moved, contentType } = await meteredCycle('metered', {
      autoTrade: true,
      riskSettings: { decisionMinScore: 0, killSwitchMaxUnrealizedPct: 100 },
    });
    expect(cycle).toMatchObject({ orders: 1, ordersFilled: 1 });
    expect(contentType).toMatch(/^text\/plain; version=0.0.4/);
    expect(moved('signals_ingested_total{source="scalper_engine",strategy="pin_bar"}')).toBe(1);
    expect(moved('decision_created_total{action="open"}')).toBe(1);
    expect(moved('orders_created_total{status="filled",purpose="open"}')).toBe(1);
    expect(moved('cycle_duration_seconds_count{outcome="completed"}')).toBe(1);
    expect(moved('bar_close_to_order_seconds_count')).toBe(1);
    // The clock sits 30 s into the minute after the signal's bar: the order went out 30 s after its close.
    expect(moved('bar_close_to_order_seconds_sum')).toBeCloseTo(30, 0);
    expect(after.get(`open_positions{bot="${bot.id}"}`)).toBe(1);
    expect(after.get(`unrealized_pnl{bot="${bot.id}"}`)).toBeLessThan(0);
    expect(moved('task_failures_total{task="cycle"}')).toBe(0);
  });

  it('counts a refused signal under the check that refused it', async () => {
    const { cycle, before, after, moved } = await meteredCycle('metered-refused', {
      autoTrade: false,
      riskSettings: { decisionMinScore: 0 },
    });
    expect(cycle).toMatchObject({ signals: 1, orders: 0 });
    expect(moved('decision_created_total{action="ignore"}')).toBe(1);
    expect(moved('signals_refused_total{check="auto_trade"}')).toBe(1);
    // Every check is exposed from 0, so that rate() sees a first refusal.
    expect(before.get('signals_refused_total{check="trading_hours"}')).toBe(0);
    expect([...after.keys()].filter((key) => key.startsWith('signals_refused_total') && moved(key) > 0)).toEqual([
      'signals_refused_total{check="auto_trade"}',
    ]);
  });
});
