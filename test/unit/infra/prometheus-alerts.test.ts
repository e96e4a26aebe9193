// The alerts Prometheus loads (infra/prometheus/alerts.yml): each reads only metrics the engine
// exports, from jobs Prometheus scrapes, says how bad it is and what to do, and has promtool tests
// (alerts.test.yml) both where it fires and where it stays quiet. The promtool run itself is
// test/integration/infra/prometheus-rules.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { metricNames, unexportedMetrics } from '../../support/exported-metrics.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleTest {
  alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>;
}

const DIR = join('infra', 'prometheus');
const read = <T>(file: string) => parse(readFileSync(join(DIR, file), 'utf8')) as T;
const rules = read<{ groups: Array<{ rules: Rule[] }> }>('alerts.yml').groups.flatMap((group) => group.rules);
const tests = read<{ rule_files: string[]; tests: RuleTest[] }>('alerts.test.yml');
const scrapeJobs = read<{ scrape_configs: Array<{ job_name: string }> }>('prometheus.yml').scrape_configs.map(
  (job) => job.job_name,
);

describe('Prometheus alerts', () => {
  it('are named, unique, and each says how bad it is and what to do', () => {
    expect(rules.length).toBeGreaterThan(5);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Scalper[A-Z]\w+$/);
      expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(critical|warning)$/)]);
      expect(rule.annotations?.summary?.trim()).toBeTruthy();
      expect(rule.annotations?.description?.trim()).toBeTruthy();
    }
  });

  it('read only metrics the worker, the API and the Temporal SDK export', async () => {
    const unknown: string[] = [];
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect([rule.alert, names.length > 0]).toEqual([rule.alert, true]);
      for (const name of await unexportedMetrics(names)) unknown.push(`${rule.alert}: ${name}`);
    }
    expect(unknown).toEqual([]);
  });

  it('select only jobs Prometheus scrapes', () => {
    const jobs = rules.flatMap((rule) => [...rule.expr.matchAll(/\bjob="([^"]+)"/g)].map(([, job]) => job!));
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter((job) => !scrapeJobs.includes(job))).toEqual([]);
  });

  it('each have promtool tests where they fire and where they stay quiet', () => {
    expect(tests.rule_files).toEqual(['alerts.yml']);
    const cases = tests.tests.flatMap((test) => test.alert_rule_test ?? []);
    const fires = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    const names = rules.map((rule) => rule.alert);
    expect(names.filter((name) => !fires.has(name))).toEqual([]);
    expect(names.filter((name) => !quiet.has(name))).toEqual([]);
    expect(cases.map((c) => c.alertname).filter((name) => !names.includes(name))).toEqual([]);
  });
});
