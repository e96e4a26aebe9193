// The Grafana dashboard compose provisions (infra/grafana/dashboards) queries only metrics the
// engine exports, under the names and units they have: the worker's from infra/metrics.ts, the
// API's from its /metrics route, and the Temporal SDK's from the sdk-core sources the SDK ships.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { engineSeries, metricNames, unexportedMetrics } from '../../support/exported-metrics.ts';

interface Target {
  expr: string;
  refId: string;
  datasource?: { type: string; uid: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
}

const DASHBOARDS = join('infra', 'grafana', 'dashboards');
const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, 'scalper-engine.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
};
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));

const datasourcesDir = join('infra', 'grafana', 'provisioning', 'datasources');
const [datasource] = readdirSync(datasourcesDir).flatMap(
  (file) => (parse(readFileSync(join(datasourcesDir, file), 'utf8')) as { datasources: { uid: string }[] }).datasources,
);

describe('Grafana dashboard', () => {
  it('has a uid, unique panel ids, and panels inside the 24-column grid', () => {
    expect(dashboard.uid).toBe('scalper-engine');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { gridPos } of dashboard.panels) expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
    expect(queries.length).toBeGreaterThan(0);
  });

  it('queries the provisioned Prometheus datasource in every panel', () => {
    expect(datasource?.uid).toEqual(expect.any(String));
    for (const { panel, target } of queries) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: datasource?.uid });
      expect(target.datasource).toEqual({ type: 'prometheus', uid: datasource?.uid });
    }
  });

  it('reads metric names out of PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_seconds_bucket{job="api", x=~"y|z"}[$__rate_interval]))) or vector(0)',
      ),
    ).toEqual(['a_seconds_bucket']);
    expect(metricNames('sum(rate(b_total[5m] offset 1h)) by (bot) / on(bot) group_left c * 60')).toEqual([
      'b_total',
      'c',
    ]);
  });

  it('queries only metrics the worker, the API and the Temporal SDK export', async () => {
    const unknown: string[] = [];
    for (const { panel, target } of queries) {
      const names = metricNames(target.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of await unexportedMetrics(names)) unknown.push(`${panel.title}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it("charts every one of the engine's own metrics and the API's requests", async () => {
    const queried = new Set(queries.flatMap(({ target }) => metricNames(target.expr)));
    const charted = (series: string) => [series, `${series}_bucket`, `${series}_count`].some((n) => queried.has(n));
    const own = new Set((await engineSeries()).own.map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    expect([...own, 'http_request_duration_seconds'].filter((name) => !charted(name))).toEqual([]);
    expect([...queried].some((name) => name.startsWith('temporal_'))).toBe(true);
  });

  it('takes quantiles of histogram buckets by le', () => {
    for (const { target } of queries) {
      if (!target.expr.includes('histogram_quantile')) continue;
      expect(target.expr).toMatch(/histogram_quantile\(0?\.\d+, sum by \(le\b[^)]*\) \(rate\(\w+_bucket\[/);
    }
  });

  it('shows durations in the unit each exporter records them in', () => {
    // The worker starts the SDK's exporter with its defaults: the `temporal_` prefix, counters
    // without `_total`, durations in milliseconds with no unit in the name.
    const worker = readFileSync('worker/main.ts', 'utf8');
    for (const option of ['metricPrefix', 'countersTotalSuffix', 'unitSuffix', 'useSecondsForDurations']) {
      expect(worker).not.toContain(option);
    }
    for (const { panel, target } of queries) {
      const names = metricNames(target.expr);
      if (names.some((name) => /^temporal_\w+_latency_bucket$/.test(name))) {
        expect(`${panel.title}: ${panel.fieldConfig?.defaults?.unit}`).toBe(`${panel.title}: ms`);
      }
      if (target.expr.includes('histogram_quantile') && names.some((name) => name.endsWith('_seconds_bucket'))) {
        expect(`${panel.title}: ${panel.fieldConfig?.defaults?.unit}`).toBe(`${panel.title}: s`);
      }
    }
  });
});
