// The Alertmanager configuration docker-compose.yml mounts (infra/alertmanager), run in a real
// Alertmanager: amtool accepts it; alerts posted as Prometheus posts them (their words rendered
// from infra/prometheus/alerts.yml) reach the operator through its Telegram receiver, escaped,
// then resolve; no worker holds back the replica alert; a Telegram that never answers times out;
// the undelivered alert reads metrics it exports. Telegram's Bot API is a local server here; the
// copy the test runs changes only its address, the files' folder and, but for the stalled case,
// the critical route's wait before a resolved message (1 minute, 2 s here). One file of ~300
// lines: its cases share the Alertmanager and the Telegram it starts.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { ALERTMANAGER_VERSION, type AlertmanagerTools, ensureAlertmanagerTools } from '../../../infra/alertmanager.ts';
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
/** Takes a message and never answers, as a stalled Telegram (or a proxy before it) would. */
let silentTelegram: NetServer;
const alertmanagers: AlertmanagerRun[] = [];
let main: AlertmanagerRun;
let alertmanagerUrl: string;
let configFile: string;

interface AlertmanagerRun {
  url: string;
  configFile: string;
  process: ChildProcess;
  log: () => string;
}

function listening(server: Server | NetServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '');
    }),
  );
}

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
  return listening(telegram);
}

/**
 * The shipped configuration, its files in `dir` and its Telegram at `telegramUrl`; with
 * `quickResolve`, a critical group's next message (its resolution) 2 s after the last, not 1 min.
 */
async function testCopy(name: string, telegramUrl: string, quickResolve: boolean): Promise<string> {
  const text = (await readFile(join(DIR, 'alertmanager.yml'), 'utf8')).replaceAll('/etc/alertmanager/', `${dir}/`);
  const config = parse(text) as {
    route: { routes: { matchers: string[]; group_interval: string }[] };
    receivers: { telegram_configs: Record<string, string>[] }[];
  };
  const critical = config.route.routes.find((route) => route.matchers.includes('severity="critical"'));
  if (quickResolve) critical!.group_interval = '2s';
  for (const receiver of config.receivers) {
    for (const telegramConfig of receiver.telegram_configs) telegramConfig.api_url = telegramUrl;
  }
  const path = join(dir, `${name}.yml`);
  await writeFile(path, stringify(config));
  return path;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  run: AlertmanagerRun = main,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within ${timeoutMs} ms; Alertmanager's log:\n${run.log()}`);
}

async function startAlertmanager(name: string, telegramUrl: string, quickResolve = true): Promise<AlertmanagerRun> {
  const file = await testCopy(name, telegramUrl, quickResolve);
  const port = await freePort();
  let log = '';
  const child = spawn(
    tools.alertmanager,
    [
      `--config.file=${file}`,
      `--storage.path=${join(dir, `data-${name}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // One instance, no gossip port.
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const collect = (chunk: Buffer) => (log += chunk.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const run: AlertmanagerRun = { url: `http://127.0.0.1:${port}`, configFile: file, process: child, log: () => log };
  alertmanagers.push(run);
  await waitFor(
    'Alertmanager was not ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited:\n${log}`);
      const ready = await fetch(`${run.url}/-/ready`).catch(() => null);
      return ready?.ok ? true : undefined;
    },
    30_000,
    run,
  );
  return run;
}

async function postAlerts(alerts: object[], url = alertmanagerUrl): Promise<void> {
  const response = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  const found = await ensureAlertmanagerTools(loadConfig().cacheDir, (line) => console.log(line));
  if (!found)
    throw new Error(
      `no alertmanager-${ALERTMANAGER_VERSION} in the cache, and no Go toolchain to build it: \`npm run provision\``,
    );
  tools = found;
  dir = await mkdtemp(join(tmpdir(), 'scalper-alertmanager-'));
  await cp(join(DIR, 'templates'), join(dir, 'templates'), { recursive: true });
  await mkdir(join(dir, 'secrets'));
  await writeFile(join(dir, 'secrets', 'telegram-bot-token'), `${BOT_TOKEN}\n`);
  await writeFile(join(dir, 'secrets', 'telegram-chat-id'), `${CHAT_ID}\n`);
  main = await startAlertmanager('main', await startTelegram());
  alertmanagerUrl = main.url;
  configFile = main.configFile;
  // Reads what it is sent (so that a closed connection ends and lets go of its socket) and answers nothing.
  silentTelegram = createNetServer((socket) => socket.resume());
}, 30 * 60_000);

afterAll(async () => {
  for (const run of alertmanagers) run.process.kill('SIGKILL');
  telegram?.closeAllConnections();
  telegram?.close();
  silentTelegram?.close();
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

  it('gives up on a Telegram that takes the message and never answers, after its 10 s timeout, and retries', async () => {
    // The shipped timing: a send's own timeout, not the group's next flush, ends the attempt.
    const stalled = await startAlertmanager('stalled', await listening(silentTelegram), false);
    const failedRequests = async () => {
      const exposition = await (await fetch(`${stalled.url}/metrics`)).text();
      const match = /^alertmanager_notification_requests_failed_total\{integration="telegram"\} (\d+)$/m.exec(
        exposition,
      );
      return Number(match?.[1] ?? 0);
    };
    await postAlerts([await firing('ScalperKillSwitchTripped', { bot: '9' })], stalled.url);
    const started = Date.now();
    await waitFor('no failed request', async () => ((await failedRequests()) > 0 ? true : undefined), 40_000, stalled);
    // The critical route's 5 s wait, then the send's 10 s timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    await waitFor(
      'no retry logged',
      () => (/Notify attempt failed, will retry/.test(stalled.log()) ? true : undefined),
      5_000,
      stalled,
    );
    expect(stalled.log()).toMatch(/Client.Timeout exceeded|context deadline exceeded|timeout/i);
    // The request's address carries the token: redacted.
    expect(stalled.log()).not.toContain(BOT_TOKEN);
  }, 60_000);
});
