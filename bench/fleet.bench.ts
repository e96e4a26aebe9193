// Benchmark: N paper bots on the whole stack of this machine (PostgreSQL, Temporal dev server, the
// production worker and API), cycling through their real schedules for a while; prints one table
// row of what happened — cycles expected / started / completed / failed / missed, schedule start
// lag, cycle duration, bar-close-to-order latency, orders, memory and CPU of each process — and
// writes the same as JSON. `npm run bench:fleet -- --bots 200 --minutes 15 [--interval 45]
// [--accounts 10] [--bar-aligned] [--json file]`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { brokerSymbolCatalog } from '../brokers/symbol-catalog.ts';
import { BrokerAccounts } from '../db/broker-accounts.ts';
import { STRATEGY_NAMES } from '../trading/strategies/index.ts';
import { inBatches } from './batches.ts';
import { censusOfCycles, censusOfOrders, postgresConnections } from './fleet/measure.ts';
import { loadAverage, watchProcess } from './fleet/process-stats.ts';
import { watchServerMetrics } from './fleet/server-metrics.ts';
import { startStack } from './fleet/stack.ts';
import { stepTimings } from './fleet/step-timing.ts';

const { values: args } = parseArgs({
  options: {
    bots: { type: 'string', default: '50' },
    minutes: { type: 'string', default: '5' },
    interval: { type: 'string', default: '45' },
    accounts: { type: 'string' },
    'bar-aligned': { type: 'boolean', default: false },
    json: { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    // Override the dev server's defaults (infra/temporal-server.ts) to compare; `none` for none.
    'sqlite-pragma': { type: 'string', multiple: true },
    'dynamic-config': { type: 'string', multiple: true },
  },
});
const BOTS = Number(args.bots);
const MINUTES = Number(args.minutes);
const INTERVAL_S = Number(args.interval);
const ACCOUNTS = Number(args.accounts ?? Math.max(1, Math.ceil(BOTS / 20)));
for (const [name, value] of Object.entries({ bots: BOTS, minutes: MINUTES, interval: INTERVAL_S, accounts: ACCOUNTS }))
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, not ${value}`);
const SYMBOLS = ['XAUUSDm', 'EURUSDm'];
const log = (line: string) => process.stderr.write(`[fleet] ${line}\n`);
const sleepUntil = (time: number) => new Promise((done) => setTimeout(done, Math.max(0, time - Date.now())));

const stack = await startStack(log, {
  inMemory: args['in-memory'],
  ...(args['sqlite-pragma'] ? { sqlitePragmas: args['sqlite-pragma'].filter((p) => p !== 'none') } : {}),
  ...(args['dynamic-config'] ? { dynamicConfig: args['dynamic-config'].filter((c) => c !== 'none') } : {}),
});
// Ctrl-C or a kill still tears the stack down; PostgreSQL and the dev server would outlive us.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: stopping the stack`);
    void stack.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
try {
  const { orm, temporal } = stack;
  const accounts = new BrokerAccounts(orm.em.fork());
  for (let a = 0; a < ACCOUNTS; a++)
    await accounts.add({ name: `paper-fleet-${a}`, kind: 'paper', environment: 'demo', connection: {} });
  const schedules = new BotSchedules(temporal.client, stack.taskQueue);
  const bots = new BotService(orm.em, schedules, brokerSymbolCatalog());
  log(`creating ${BOTS} bots on ${ACCOUNTS} paper accounts …`);
  const ids: number[] = [];
  await inBatches([...Array(BOTS).keys()], 10, async (i) => {
    const bot = await bots.create({
      name: `fleet-${i}`,
      symbol: SYMBOLS[i % SYMBOLS.length]!,
      brokerAccount: `paper-fleet-${i % ACCOUNTS}`,
      scheduleIntervalSeconds: INTERVAL_S,
      ...(args['bar-aligned'] ? { barCloseDelaySeconds: 2 } : {}),
      autoTrade: true,
      enabledStrategies: [...STRATEGY_NAMES],
      // Low enough that some bots really trade during the run.
      riskSettings: { decisionMinScore: 0.2 },
    });
    ids.push(bot.id);
  });
  // The window starts one interval after the next tick (schedules and worker warmed up).
  // Bar-aligned bots fire once a minute, whatever --interval says.
  const intervalMs = args['bar-aligned'] ? 60_000 : INTERVAL_S * 1000;
  const from = (Math.ceil(Date.now() / intervalMs) + 1) * intervalMs;
  // Whole intervals: every bot, whatever its phase, has the same number of ticks in the window.
  const to = from + Math.ceil((MINUTES * 60_000) / intervalMs) * intervalMs;
  log(`measuring ${new Date(from).toISOString()} → ${new Date(to).toISOString()}`);
  await sleepUntil(from);
  const usage = {
    worker: watchProcess(stack.pids.worker, false),
    api: watchProcess(stack.pids.api, false),
    temporal: stack.pids.temporal === null ? null : watchProcess(stack.pids.temporal, true),
    postgres: watchProcess(stack.pids.postgres, true),
  };
  const serverMetrics = await watchServerMetrics(stack.temporalMetricsUrl);
  let connections = 0;
  let load = 0;
  const sampler = setInterval(() => {
    load = Math.max(load, loadAverage());
    void postgresConnections(orm).then((count) => (connections = Math.max(connections, count)));
  }, 5_000);
  await sleepUntil(to);
  clearInterval(sampler);
  // A server too busy to answer its metrics must not cost the run's other figures.
  const server = await serverMetrics().catch((error: unknown) => {
    log(`reading the dev server's metrics: ${String(error)}`);
    return { persistence: [], persistenceCallsPerSecond: NaN, timerReaderStuckAlarms: NaN };
  });
  const resources = Object.fromEntries(Object.entries(usage).map(([name, watch]) => [name, watch?.stop() ?? null]));
  // No cycle after the window: counting then has the server to itself (at 1,000 bots a saturated
  // dev server answered neither listings nor describes). The window's last cycles still finish.
  await inBatches(ids, 20, (id) => schedules.pause(id, 'fleet benchmark: window over'));
  await sleepUntil(to + 20_000);
  const cycles = await censusOfCycles(orm, temporal, stack.taskQueue, from, to);
  const orders = await censusOfOrders(orm, from, to);
  const steps = await stepTimings(temporal, stack.taskQueue, from, to).catch((error: unknown) => {
    log(`reading histories: ${String(error)}`);
    return {};
  });
  // What the schedules themselves say they skipped (over their whole life, warm-up included).
  // A saturated dev server may not answer a describe (a query its schedule workflow answers) in time.
  const skipped = { missedCatchupWindow: 0, skippedOverlap: 0, notDescribed: 0 };
  await inBatches(ids, 20, async (id) => {
    // A server too busy to answer 20 describes will not answer the rest either.
    if (skipped.notDescribed >= 20) return void (skipped.notDescribed += 1);
    try {
      const { info } = await temporal.client.schedule.getHandle(schedules.idOf(id)).describe();
      skipped.missedCatchupWindow += info.numActionsMissedCatchupWindow;
      skipped.skippedOverlap += info.numActionsSkippedOverlap;
    } catch (error) {
      skipped.notDescribed += 1;
      if (skipped.notDescribed === 1) log(`describing schedules: ${String(error)}`);
    }
  });
  const expected = BOTS * ((to - from) / intervalMs);
  const result = {
    bots: BOTS,
    accounts: ACCOUNTS,
    intervalSeconds: INTERVAL_S,
    barAligned: args['bar-aligned'],
    minutes: MINUTES,
    cycles: { expected, ...cycles, missed: expected - cycles.started, ...skipped },
    orders,
    steps,
    resources,
    server,
    postgresConnectionsMax: connections,
    load1Max: load,
  };
  const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '–');
  const mb = (name: string) => ms(resources[name]?.maxRssMb ?? NaN);
  const cpu = (name: string) => ms(resources[name]?.cpuPercent ?? NaN);
  console.log(
    [
      '| bots | cycles expected / started / completed / failed / timed out / missed | start lag p50 / p95 / p99 / max ms | cycle p50 / p95 / p99 ms | fire → done p50 / p99 ms | bar close → ack p50 / p99 ms (orders) | RSS MB worker / Temporal / PG / API | CPU % worker / Temporal / PG | PG conns | load 1m |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| ${BOTS} | ${expected} / ${cycles.started} / ${cycles.completed} / ${cycles.failed} / ${cycles.timedOut} / ${result.cycles.missed} | ${ms(cycles.startLagMs.p50)} / ${ms(cycles.startLagMs.p95)} / ${ms(cycles.startLagMs.p99)} / ${ms(cycles.startLagMs.max)} | ${ms(cycles.durationMs.p50)} / ${ms(cycles.durationMs.p95)} / ${ms(cycles.durationMs.p99)} | ${ms(cycles.fireToDoneMs.p50)} / ${ms(cycles.fireToDoneMs.p99)} | ${ms(orders.barCloseToAckMs.p50)} / ${ms(orders.barCloseToAckMs.p99)} (${orders.sent}) | ${mb('worker')} / ${mb('temporal')} / ${mb('postgres')} / ${mb('api')} | ${cpu('worker')} / ${cpu('temporal')} / ${cpu('postgres')} | ${connections} | ${load.toFixed(1)} |`,
    ].join('\n'),
  );
  console.log(
    [
      `schedules' own count: ${skipped.missedCatchupWindow} missed their catch-up window, ${skipped.skippedOverlap} skipped for overlap${skipped.notDescribed > 0 ? ` (${skipped.notDescribed} schedules did not answer)` : ''}`,
      `RSS MB at the start, every 10 minutes and the end: ${Object.entries(resources)
        .map(
          ([name, usage]) =>
            `${name} ${usage ? `${usage.rssMbOverTime.join(' → ')}${usage.alive ? '' : ' (DIED)'}` : '–'}`,
        )
        .join('; ')}`,
      '',
      `The dev server's database: ${Math.round(server.persistenceCallsPerSecond)} calls/s; timer reader taken for stuck ${server.timerReaderStuckAlarms} times`,
      '| operation | calls/s | mean ms | busy s/s |',
      '|---|---|---|---|',
      ...server.persistence
        .slice(0, 6)
        .map(
          (op) => `| ${op.operation} | ${op.perSecond.toFixed(1)} | ${op.meanMs.toFixed(2)} | ${op.busy.toFixed(3)} |`,
        ),
      '',
      `Where a cycle's time goes (${Object.values(steps)[0]?.waitMs.count ?? 0} samples per step at most): p50 / p99 ms`,
      '| step | waited in queue | ran |',
      '|---|---|---|',
      ...Object.entries(steps).map(
        ([step, { waitMs, runMs }]) =>
          `| ${step} | ${ms(waitMs.p50)} / ${ms(waitMs.p99)} | ${ms(runMs.p50)} / ${ms(runMs.p99)} |`,
      ),
    ].join('\n'),
  );
  const file = resolve(process.env['INIT_CWD'] ?? process.cwd(), args.json ?? `fleet-${BOTS}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`JSON: ${file}`);
  await inBatches(ids, 10, (id) => schedules.remove(id));
} finally {
  await stack.stop();
}
