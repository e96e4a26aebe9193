// The metric names the engine exports — the worker's (infra/metrics.ts), the API's (its /metrics
// route) and the Temporal SDK's (the sdk-core sources the SDK ships) — and the names a PromQL
// expression reads: what the Grafana dashboard and the Prometheus alerts are checked against.
import { globSync, readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerMetrics } from '../../api/routes/metrics.ts';
import { createEngineMetrics } from '../../infra/metrics.ts';

const PROMQL_KEYWORDS = new Set('and or unless bool offset by without on ignoring group_left group_right'.split(' '));

/** The metric names a PromQL expression selects (not its functions, labels, strings or variables). */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  return [...bare.matchAll(/(?<![\w.])[a-zA-Z_][\w:]*/g)]
    .filter((match) => !/^\s*\(/.test(bare.slice(match.index + match[0].length)))
    .map(([name]) => name)
    .filter((name) => !PROMQL_KEYWORDS.has(name));
}

/** The series names a registry exposes: a histogram's are its _bucket, _sum and _count. */
function seriesNames(exposition: string): string[] {
  return [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
    type === 'histogram' || type === 'summary' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!],
  );
}

/** The worker's series: all, and its own (without Node's process metrics). */
export async function engineSeries(): Promise<{ all: string[]; own: string[] }> {
  const all = seriesNames(await createEngineMetrics().registry.metrics());
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  const processSeries = new Set(seriesNames(await defaults.metrics()));
  return { all, own: all.filter((name) => !processSeries.has(name)) };
}

/** The API process's series. */
export async function apiSeries(): Promise<string[]> {
  const app = Fastify();
  registerMetrics(app);
  try {
    return seriesNames((await app.inject({ method: 'GET', url: '/metrics' })).body);
  } finally {
    await app.close();
  }
}

/** Every metric name sdk-core declares (its telemetry modules), without the `temporal_` prefix. */
export function temporalSdkMetricNames(): Set<string> {
  const sources = globSync('node_modules/@temporalio/core-bridge/sdk-core/crates/*/src/telemetry/metrics.rs');
  if (sources.length === 0) throw new Error('no sdk-core telemetry sources under node_modules/@temporalio/core-bridge');
  return new Set(
    sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/"([a-z_]+)"/g)].map(([, n]) => n!)),
  );
}

/**
 * The names in `names` that nothing exports (`up` is Prometheus's own, for every target).
 * Alertmanager's own (`alertmanager_…`) are left to test/integration/infra/alertmanager.test.ts,
 * which reads a real Alertmanager's.
 */
export async function unexportedMetrics(names: readonly string[]): Promise<string[]> {
  const known = new Set([...(await engineSeries()).all, ...(await apiSeries()), 'up']);
  const sdk = temporalSdkMetricNames();
  return names.filter((name) => {
    if (name.startsWith('alertmanager_')) return false;
    if (name.startsWith('temporal_'))
      return !sdk.has(name.replace(/^temporal_/, '').replace(/_(bucket|sum|count)$/, ''));
    return !known.has(name);
  });
}
