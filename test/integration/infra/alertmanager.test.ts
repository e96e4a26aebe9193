// The Alertmanager configuration docker-compose.yml mounts (infra/alertmanager), run in a real
// Alertmanager: amtool accepts it, and alerts posted as Prometheus posts them (their words rendered
// from infra/prometheus/alerts.yml) reach the operator through its Telegram receiver. Telegram's
// Bot API is a local server here. The copy the test runs changes only that address, the files'
// folder, and the critical route's wait before a resolved message (1 minute, 2 s here).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { type AlertmanagerTools, ensureAlertmanagerTools } from '../../../infra/alertmanager.ts';
import { loadConfig } from '../../../infra/config.ts';
import { freePort } from '../../../infra/ports.ts';
import { metricNames } from '../../support/exported-metrics.ts';

const run = promisify(execFile);
const DIR = join('infra', 'alertmanager');
const BOT_TOKEN = '123456:test-token';
const CHAT_ID = '-1002003004';

interface TelegramMessage {
  path: string;
  body: { chat_id: string; parse_mode: string; text: string };
}

interface AlertRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations: Record<string, string>;
}

async function alertRules(): Promise<AlertRule[]> {
  const rules = parse(await readFile(join('infra', 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: { rules: AlertRule[] }[];
  };
  return rules.groups.flatMap((group) => group.rules);
}

/** An alert of infra/prometheus/alerts.yml as Prometheus sends it, its `{{ $labels.x }}` filled in. */
async function firing(name: string, labels: Record<string, string>) {
  const rule = (await alertRules()).find((candidate) => candidate.alert === name);
  if (rule === undefined) throw new Error(`no alert ${name} in alerts.yml`);
  const allLabels: Record<string, string> = { alertname: name, ...rule.labels, ...labels };
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations).map(([key, text]) => {
      const rendered = text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => allLabels[label] ?? '');
      if (rendered.includes('{{')) throw new Error(`${name}'s ${key} needs more than its labels: ${rendered}`);
      return [key, rendered];
    }),
  );
  return { labels: allLabels, annotations, startsAt: new Date().toISOString() };
}

let tools: AlertmanagerTools;
let dir: string;
let telegram: Server;
const messages: TelegramMessage[] = [];
let alertmanager: ChildProcess;
let alertmanagerUrl: string;
let alertmanagerLog = '';
let configFile: string;

/** Telegram's sendMessage, as the Bot API answers it. */
function startTelegram(): Promise<string> {
  telegram = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      messages.push({ path: request.url ?? '', body: JSON.parse(body) as TelegramMessage['body'] });
      response.setHeader('content-type', 'application/json');
      const message = { message_id: messages.length, chat: { id: Number(CHAT_ID) }, date: 0, text: '' };
      response.end(JSON.stringify({ ok: true, result: message }));
    });
  });
  return new Promise((resolve) =>
    telegram.listen(0, '127.0.0.1', () => {
      const address = telegram.address();
      resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
    }),
  );
}

/** The shipped configuration, its files in `dir` and its Telegram at `telegramUrl`. */
async function testCopy(telegramUrl: string): Promise<string> {
  const text = (await readFile(join(DIR, 'alertmanager.yml'), 'utf8')).replaceAll('/etc/alertmanager/', `${dir}/`);
  const config = parse(text) as {
    route: { routes: { matchers: string[]; group_interval: string }[] };
    receivers: { telegram_configs: Record<string, string>[] }[];
  };
  const critical = config.route.routes.find((route) => route.matchers.includes('severity="critical"'));
  critical!.group_interval = '2s';
  for (const receiver of config.receivers) {
    for (const telegramConfig of receiver.telegram_configs) telegramConfig.api_url = telegramUrl;
  }
  const path = join(dir, 'alertmanager.yml');
  await writeFile(path, stringify(config));
  return path;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within ${timeoutMs} ms; Alertmanager's log:\n${alertmanagerLog}`);
}

async function postAlerts(alerts: object[]): Promise<void> {
  const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  const found = await ensureAlertmanagerTools(loadConfig().cacheDir, (line) => console.log(line));
  if (!found) throw new Error('no alertmanager or amtool, and no Go toolchain to build them: `npm run provision`');
  tools = found;
  dir = await mkdtemp(join(tmpdir(), 'scalper-alertmanager-'));
  await cp(join(DIR, 'templates'), join(dir, 'templates'), { recursive: true });
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets', 'telegram-bot-token'), `${BOT_TOKEN}\n`);
  await writeFile(join(dir, 'secrets', 'telegram-chat-id'), `${CHAT_ID}\n`);
  configFile = await testCopy(await startTelegram());
  const port = await freePort();
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(
    tools.alertmanager,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // One instance, no gossip port.
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (chunk: Buffer) => (alertmanagerLog += chunk.toString());
  alertmanager.stdout?.on('data', collect);
  alertmanager.stderr?.on('data', collect);
  await waitFor(
    'Alertmanager was not ready',
    async () => {
      if (alertmanager.exitCode !== null) throw new Error(`Alertmanager exited:\n${alertmanagerLog}`);
      const ready = await fetch(`${alertmanagerUrl}/-/ready`).catch(() => null);
      return ready?.ok ? true : undefined;
    },
    30_000,
  );
}, 30 * 60_000);

afterAll(async () => {
  alertmanager?.kill('SIGKILL');
  telegram?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Alertmanager (infra/alertmanager)', () => {
  it('accepts the configuration compose mounts, and its template where the configuration finds it', async () => {
    const { stdout } = await run(tools.amtool, ['check-config', join(DIR, 'alertmanager.yml')]);
    expect(stdout).toMatch(/SUCCESS[\s\S]*1 inhibit rules[\s\S]*1 receivers[\s\S]*1 templates/);
    // The shipped file's template folder is the container's: the copy's holds the real template.
    const copy = await run(tools.amtool, ['check-config', configFile]);
    expect(copy.stdout).toMatch(/1 templates\n\s*SUCCESS/);
  });

  it("tells the operator's Telegram chat within seconds that a bot's kill-switch tripped, then that it is lifted", async () => {
    const alert = await firing('ScalperKillSwitchTripped', { bot: '7' });
    const { summary, description } = alert.annotations;
    expect(summary).toBe('Bot 7: the automatic kill-switch tripped');
    await postAlerts([alert]);
    const fired = await waitFor(
      'no Telegram message',
      () => messages.find((m) => m.body.text.includes(summary!)),
      20_000,
    );
    expect(fired.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(fired.body).toMatchObject({ chat_id: CHAT_ID, parse_mode: 'HTML' });
    expect(fired.body.text).toBe(`🔴 <b>CRITICAL</b> ${summary}\n${description}\n`);
    expect(description).toContain('scalper resume 7 --lift-kill-switch');

    await postAlerts([{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await waitFor(
      'no resolved message',
      () => messages.find((m) => m.body.text.startsWith('✅')),
      20_000,
    );
    expect(resolved.body.text).toBe(`✅ <b>RESOLVED</b> ${summary}\n`);
  }, 60_000);

  it('escapes what an alert says, for Telegram reads the message as HTML', async () => {
    const alert = await firing('ScalperKillSwitchTripped', { bot: '<b>&8' });
    await postAlerts([alert]);
    const message = await waitFor(
      'no Telegram message',
      () => messages.find((m) => m.body.text.includes('Bot &lt;b&gt;&amp;8:')),
      20_000,
    );
    expect(message.body.text).not.toContain('<b>&8');
  }, 60_000);

  it('says "no worker" once: the alert for each worker replica down is silenced meanwhile', async () => {
    await postAlerts([
      await firing('ScalperNoWorker', {}),
      await firing('ScalperWorkerDown', { instance: 'worker:9464' }),
      await firing('ScalperApiDown', { instance: 'api:3000' }),
    ]);
    const states = await waitFor(
      'ScalperWorkerDown was not held back',
      async () => {
        const response = await fetch(`${alertmanagerUrl}/api/v2/alerts?filter=alertname=~"Scalper(No|Worker|Api).*"`);
        const alerts = (await response.json()) as { labels: { alertname: string }; status: { state: string } }[];
        const states = Object.fromEntries(alerts.map((a) => [a.labels.alertname, a.status.state]));
        // Inhibition follows its source alert a moment later: asked until it shows.
        return states.ScalperWorkerDown === 'suppressed' ? states : undefined;
      },
      10_000,
    );
    expect(states).toEqual({ ScalperNoWorker: 'active', ScalperWorkerDown: 'suppressed', ScalperApiDown: 'active' });
  });

  it("exports the metrics the alert on Alertmanager's own failures reads", async () => {
    const exposition = await (await fetch(`${alertmanagerUrl}/metrics`)).text();
    const exported = new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name!));
    const read = (await alertRules())
      .flatMap((rule) => metricNames(rule.expr))
      .filter((n) => n.startsWith('alertmanager_'));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !exported.has(name))).toEqual([]);
    // From 0 for the Telegram receiver, so that increase() sees the first failure.
    expect(exposition).toMatch(
      /^alertmanager_notifications_failed_total\{integration="telegram",reason="[a-zA-Z]+"\} 0$/m,
    );
  });
});
