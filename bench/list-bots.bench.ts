// Benchmark: GET /bots with 1,000 bots on the real stack — PostgreSQL rows and real Temporal
// Schedules — the list that took 15 s for 203 bots when it described every schedule. Uses
// DATABASE_URL and TEMPORAL_ADDRESS when set (it makes a database of its own there and drops it,
// and its bot ids start far above any real bot's, so no real schedule is touched); otherwise it
// starts a throw-away embedded PostgreSQL and Temporal dev server, as the tests do.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../api/app.ts';
import { BacktestLauncher } from '../bots/backtest-launcher.ts';
import { GlobalKillSwitch } from '../bots/kill-switch.ts';
import { PositionCloser } from '../bots/position-closer.ts';
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { brokerSymbolCatalog } from '../brokers/symbol-catalog.ts';
import { ApiTokens } from '../db/api-tokens.ts';
import { openOrm } from '../db/orm.ts';
import { loadConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { freePort } from '../infra/ports.ts';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { connectTemporal } from '../infra/startup.ts';
import { startTemporalDevServer } from '../infra/temporal-server.ts';
import { inBatches } from './batches.ts';

const BOTS = Number(process.env['BENCH_BOTS'] ?? 1000);
/** Bots whose schedule is paused behind the operator's back (a terminal). */
const TERMINAL_PAUSED = Number(process.env['BENCH_TERMINAL_PAUSED'] ?? 20);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const CONCURRENCY = 10;

const config = loadConfig();
/** Undone last first. */
const stops: Array<() => Promise<unknown>> = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${label}: median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (${samples.length} runs)`;
}

try {
  let serverUrl = config.DATABASE_URL;
  if (!serverUrl) {
    const postgres = await startEmbeddedPostgres({
      dataDir: await mkdtemp(join(tmpdir(), 'scalper-bench-pg-')),
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    stops.push(() => postgres.stop());
    serverUrl = postgres.url;
  }
  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalDevServer({
      cliPath: config.TEMPORAL_CLI_PATH,
      cacheDir: config.cacheDir,
      namespace: config.TEMPORAL_NAMESPACE,
      log,
    });
    stops.push(() => temporal.stop());
    temporalAddress = temporal.address;
  }

  const name = `scalper_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  stops.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const orm = await openOrm(url.toString());
  stops.push(() => orm.close(true));
  await orm.em.getConnection().execute(`alter sequence bot_id_seq restart with 1900000000`);

  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  stops.push(() => temporal.close());
  // A queue nobody polls: the schedules are real, their cycles never run.
  const queue = `bench-unpolled-${randomUUID()}`;
  const schedules = new BotSchedules(temporal.client, queue);
  const symbols = brokerSymbolCatalog();
  const bots = new BotService(orm.em, schedules, symbols);

  log(`creating ${BOTS} bots and their schedules …`);
  const created = performance.now();
  const ids: number[] = [];
  // Hourly cycles: the server is not busy starting cycles nobody runs while the list is timed.
  const indexes = Array.from({ length: BOTS }, (_, i) => i);
  await inBatches(indexes, CONCURRENCY, async (i) =>
    ids.push((await bots.create({ name: `bench-${i}`, symbol: 'XAUUSDm', scheduleIntervalSeconds: 3600 })).id),
  );
  stops.push(() => inBatches(ids, CONCURRENCY, (id) => schedules.remove(id)));
  const paused = ids.slice(0, TERMINAL_PAUSED);
  await inBatches(paused, CONCURRENCY, (id) =>
    temporal.client.schedule.getHandle(schedules.idOf(id)).pause('from the terminal'),
  );
  log(`created in ${((performance.now() - created) / 1000).toFixed(1)} s; waiting for Temporal's listing to have them`);
  for (;;) {
    const listed = await schedules.listed();
    const ready = ids.every((id) => listed.has(id)) && paused.every((id) => listed.get(id)?.paused);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // The server is still busy starting 1,000 schedule workflows: let it settle before timing.
  await new Promise((resolve) => setTimeout(resolve, 10_000));

  const tokens = new ApiTokens(orm.em);
  const app = await buildApp({
    orm,
    schedules,
    symbols,
    killSwitch: new GlobalKillSwitch(orm, schedules, temporal.client, queue),
    positions: new PositionCloser(temporal.client, queue),
    backtests: new BacktestLauncher(temporal.client, queue),
    temporal: { checkHealth: () => temporal.client.workflowService.getSystemInfo({}) },
    tokens,
    logger: createLogger('silent', 'bench'),
  });
  stops.push(() => app.close());
  const headers = { authorization: `Bearer ${(await tokens.create('bench', 'read')).token}` };

  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const list = async () => {
    const response = await app.inject({ method: 'GET', url: '/bots', headers });
    if (response.statusCode !== 200) throw new Error(`GET /bots answered ${response.statusCode}`);
    const items = response.json().items as Array<{ tradingState: { state: string } }>;
    const pausedItems = items.filter((item) => item.tradingState.state === 'paused').length;
    if (items.length !== BOTS || pausedItems !== TERMINAL_PAUSED)
      throw new Error(`GET /bots listed ${items.length} bots, ${pausedItems} paused`);
  };
  const measure = async () => {
    for (let i = 0; i < 3; i++) await list();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await timed(list));
    return samples;
  };
  const setUpdatedAt = (ago: string, botIds: number[]) =>
    orm.em
      .getConnection()
      .execute(`update bot set updated_at = now() - interval '${ago}' where id in (${botIds.join(',')})`);
  // Established bots: none changed lately, so the listing is trusted for all of them.
  await setUpdatedAt('1 hour', ids);
  await orm.em.getConnection().execute(`update kill_switch set updated_at = now() - interval '1 hour'`);
  const established = await measure();
  const listings: number[] = [];
  for (let i = 0; i < RUNS; i++) listings.push(await timed(() => schedules.listed()));
  // The terminal-paused bots changed a moment ago: their disagreement with the listing is described.
  await setUpdatedAt('0 seconds', paused);
  const recent = await measure();
  console.log(`bots: ${BOTS}, ${TERMINAL_PAUSED} of them paused from the terminal`);
  console.log(summary('GET /bots', established));
  console.log(summary("  Temporal's schedule listing alone", listings));
  console.log(summary(`GET /bots, the ${TERMINAL_PAUSED} paused ones changed a moment ago (each described)`, recent));
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`cleanup: ${String(error)}`));
}
