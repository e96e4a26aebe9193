// promtool checks the Prometheus configuration docker-compose.yml mounts, lints its alert rules and
// runs their tests (infra/prometheus/alerts.test.yml): each alert fires, with its words, when the
// series say it should, and stays quiet otherwise. promtool is built once from the Go module proxy
// (`npm run provision` and .ci/run do it ahead of time).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../../infra/config.ts';
import { ensurePromtool } from '../../../infra/promtool.ts';

const run = promisify(execFile);
const DIR = join('infra', 'prometheus');
let promtool: string;

beforeAll(async () => {
  const found = await ensurePromtool(loadConfig().cacheDir, (line) => console.log(line));
  if (!found)
    throw new Error('no promtool on PATH or in the cache, and no Go toolchain to build it: `npm run provision`');
  promtool = found;
}, 30 * 60_000);

async function promtoolIn(dir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(promtool, args, { cwd: dir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

describe('Prometheus configuration and alerts (promtool)', () => {
  it('accepts the configuration with its rule file, and the rules pass its lint', async () => {
    const config = await promtoolIn(DIR, 'check', 'config', 'prometheus.yml');
    expect(config).toMatchObject({ code: 0, output: expect.stringMatching(/SUCCESS: 1 rule files found/) });
    const rules = await promtoolIn(DIR, 'check', 'rules', '--lint=all', '--lint-fatal', 'alerts.yml');
    expect(rules).toMatchObject({ code: 0, output: expect.stringMatching(/SUCCESS: \d+ rules found/) });
  });

  it('fires each alert when its tests say, with its labels and words', async () => {
    const tests = await promtoolIn(DIR, 'test', 'rules', 'alerts.test.yml');
    expect(tests.output).toMatch(/SUCCESS/);
    expect(tests.code).toBe(0);
  });

  // Each rule's threshold, `for` and filters are pinned: changed by one step, its tests fail.
  it.each([
    ['ScalperKillSwitchTripped', 'max by (bot) (kill_switch_tripped) == 1', 'max by (bot) (kill_switch_tripped) == 2'],
    [
      'ScalperNoWorker',
      'absent(up{job="worker"} == 1)\n        for: 1m',
      'absent(up{job="worker"} == 1)\n        for: 2m',
    ],
    ['ScalperWorkerDown', 'up{job="worker"} == 0\n        for: 2m', 'up{job="worker"} == 0\n        for: 1m'],
    ['ScalperApiDown', 'up{job="api"} == 0\n        for: 2m', 'up{job="api"} == 0\n        for: 3m'],
    ['ScalperCyclesFailing', '> 0.25\n        for: 5m', '> 0.25\n        for: 4m'],
    ['ScalperCyclesFailing', '> 0.25\n', '> 0.35\n'],
    ['ScalperOrderOutcomeUnknown', 'status="unknown"}[15m]', 'status="unknown"}[25m]'],
    ['ScalperOrdersRejected', '{purpose="open", status="rejected"}[30m])) >= 3', '{status="rejected"}[30m])) >= 3'],
    ['ScalperOrdersRejected', '[30m])) >= 3', '[30m])) >= 4'],
    [
      'ScalperClosesRefused',
      '{purpose="close", status="rejected"}[15m])) > 0',
      '{purpose="close", status="rejected"}[10m])) > 0',
    ],
    ['ScalperClosesRefused', '{purpose="close", status="rejected"}[15m]', '{status="rejected"}[15m]'],
    ['ScalperStepsFailing', '[10m])) > 5\n', '[10m])) > 6\n'],
    ['ScalperStepsFailing', 'task!~"cycle|closePositions"', 'task!~"cycle"'],
    ['ScalperWorkflowTasksFailing', '> 0\n        for: 15m', '> 0\n        for: 14m'],
    ['ScalperWorkflowTasksFailing', 'execution_failed[5m]', 'execution_failed[15m]'],
    ['ScalperApiErrors', 'status=~"5.."}[10m])) > 5', 'status=~"5.."}[10m])) > 6'],
    [
      'ScalperAlertsUndelivered',
      'failed_total{job="alertmanager"}[1h])) > 0',
      'failed_total{job="alertmanager"}[30m])) > 0',
    ],
    [
      'ScalperAlertsUndelivered',
      'alertmanager_notifications_failed_total',
      'alertmanager_notification_requests_failed_total',
    ],
    [
      'ScalperAlertmanagerDown',
      'absent(up{job="alertmanager"} == 1)\n        for: 2m',
      'absent(up{job="alertmanager"} == 1)\n        for: 3m',
    ],
  ])('fails the tests of %s when %j becomes %j', async (alert, from, to) => {
    const dir = await mkdtemp(join(tmpdir(), 'scalper-alerts-'));
    try {
      await cp(DIR, dir, { recursive: true });
      const rules = await readFile(join(dir, 'alerts.yml'), 'utf8');
      expect(rules).toContain(from);
      await writeFile(join(dir, 'alerts.yml'), rules.replace(from, to));
      const tests = await promtoolIn(dir, 'test', 'rules', 'alerts.test.yml');
      expect(tests.code).not.toBe(0);
      expect(tests.output).toContain(`alertname: ${alert},`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
