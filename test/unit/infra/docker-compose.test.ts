// docker-compose.yml is for users (no Docker engine here): checked by parsing, against the code.
// Its Prometheus and Grafana are checked against the endpoints the worker and the API really serve.
// Over 300 lines on purpose: one file reads the compose file once and checks every service of it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { parse } from 'yaml';
import { ALERTMANAGER_VERSION } from '../../../infra/alertmanager.ts';
import { loadConfig } from '../../../infra/config.ts';
import { DEFAULT_BUNDLE_PATH } from '../../../scripts/bundle-workflows.ts';
import { ENGINE_DYNAMIC_CONFIG } from '../../../infra/temporal-server.ts';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  build?: string;
  container_name?: string;
  depends_on?: string[] | Record<string, unknown>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

function envOf(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(compose.services[name]?.environment ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Where a path inside a service's container comes from on the host, through its bind mounts. */
function hostPath(service: string, containerPath: string): string | undefined {
  for (const volume of compose.services[service]?.volumes ?? []) {
    const [source = '', target = ''] = volume.split(':');
    if (!source.startsWith('./')) continue; // a named volume
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return join(source, posix.relative(target, containerPath));
    }
  }
  return undefined;
}

function readYaml<T>(path: string): T {
  return parse(readFileSync(path, 'utf8')) as T;
}

/** The YAML files Grafana reads from one provisioning folder of its container. */
function provisioning<T>(kind: 'datasources' | 'dashboards'): T[] {
  const dir = hostPath('grafana', `/etc/grafana/provisioning/${kind}`);
  if (dir === undefined || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => readYaml<T>(join(dir, file)));
}

/** The Prometheus endpoints each service serves (host it binds, port, path), from its settings. */
function metricsEndpoints(service: string): { host: string; port: number; path: string }[] {
  const config = loadConfig(envOf(service));
  switch (service) {
    case 'worker':
      return [
        { host: config.WORKER_METRICS_HOST, port: config.WORKER_METRICS_PORT, path: '/metrics' },
        // worker/main.ts binds the SDK's exporter to WORKER_METRICS_HOST too (checked below).
        { host: config.WORKER_METRICS_HOST, port: config.TEMPORAL_SDK_METRICS_PORT, path: '/metrics' },
      ];
    case 'api':
      return [{ host: config.API_HOST, port: config.API_PORT, path: '/metrics' }];
    case 'alertmanager':
      return [{ host: '0.0.0.0', port: ALERTMANAGER_PORT, path: '/metrics' }];
    default:
      return [];
  }
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  scheme?: string;
  static_configs?: { targets: string[] }[];
  /** Every address a name resolves to (a scaled service's replicas), at one port. */
  dns_sd_configs?: { names: string[]; type?: string; port: number }[];
}

interface PrometheusConfig {
  global?: { scrape_interval?: string };
  rule_files?: string[];
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: ScrapeConfig[];
}

// The official images read their configurations from here (no `command` overrides them).
const PROMETHEUS_CONFIG = '/etc/prometheus/prometheus.yml';
const ALERTMANAGER_CONFIG = '/etc/alertmanager/alertmanager.yml';
/** Where Alertmanager's image listens: its API, web page and metrics. */
const ALERTMANAGER_PORT = 9093;

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal with its Web UI, the worker, the API, Prometheus, Grafana and Alertmanager', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'api',
      'grafana',
      'postgresql',
      'prometheus',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
  });

  it('lets the worker scale out (`docker compose up --scale worker=3`): no fixed name, no host port', () => {
    expect(compose.services.worker?.container_name).toBeUndefined();
    expect(compose.services.worker?.ports).toBeUndefined();
    // Temporal keeps its state in the postgresql service, so every replica polls one cluster.
    expect(envOf('temporal')).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
  });

  it("runs Temporal with the dev server's dynamic config (eager activity dispatch), from the file it mounts", () => {
    // The auto-setup image reads DYNAMIC_CONFIG_FILE_PATH relative to /etc/temporal.
    const path = posix.join('/etc/temporal', envOf('temporal').DYNAMIC_CONFIG_FILE_PATH ?? '');
    const file = hostPath('temporal', path);
    expect(file).toBe(join('infra', 'temporal', 'dynamicconfig.yaml'));
    const values = parse(readFileSync(file!, 'utf8')) as Record<string, Array<{ value: unknown }>>;
    const asFlags = Object.entries(values).map(([key, [first]]) => `${key}=${String(first?.value)}`);
    expect(asFlags.sort()).toEqual([...ENGINE_DYNAMIC_CONFIG].sort());
  });

  it.each(['worker', 'api'])('%s runs an entry point that exists, with a configuration the engine accepts', (name) => {
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    // node [its flags] script
    const script = service.command?.at(-1) ?? '';
    expect(existsSync(script)).toBe(true);
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const config = loadConfig(env);
    expect(config.DATABASE_URL).toMatch(/@postgresql:5432\//);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('registers the BotId and Symbol search attributes the schedules use', () => {
    const command = JSON.stringify(compose.services['temporal-setup']?.command);
    expect(command).toContain('--name BotId --type Keyword');
    expect(command).toContain('--name Symbol --type Keyword');
  });

  it('publishes the API, whose tokens guard it, on every interface; the Web UI and Temporal on the loopback alone', () => {
    expect(compose.services.api?.ports).toEqual(['3000:3000']);
    expect(compose.services['temporal-ui']?.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.temporal?.ports).toEqual(['127.0.0.1:7233:7233']);
  });

  it('publishes nothing without authentication beyond the host: every port but the API binds the loopback', () => {
    const published = Object.entries(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p]));
    expect(published.length).toBeGreaterThan(1);
    for (const [name, port] of published) {
      if (name !== 'api')
        expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
  });

  it("links the API's orders and cycles to the Web UI it publishes", () => {
    expect(loadConfig(envOf('api')).temporalUiUrl).toBe('http://localhost:8080');
  });

  it('gives the worker the workflow bundle the image builds', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const workdir = /^WORKDIR (\S+)$/m.exec(dockerfile)?.[1] ?? '';
    const bundled = dockerfile.indexOf('RUN node scripts/bundle-workflows.ts');
    // Built after the workflows are copied in, to where the image's WORKFLOW_BUNDLE_PATH points.
    expect(bundled).toBeGreaterThan(dockerfile.indexOf('COPY workflows workflows'));
    expect(/^ENV WORKFLOW_BUNDLE_PATH=(\S+)$/m.exec(dockerfile)?.[1]).toBe(
      join(workdir, relative(process.cwd(), DEFAULT_BUNDLE_PATH)),
    );
    expect(compose.services.worker?.environment).not.toHaveProperty('WORKFLOW_BUNDLE_PATH');
  });
});

describe('docker-compose.yml monitoring', () => {
  const prometheusConfigPath = hostPath('prometheus', PROMETHEUS_CONFIG);
  const prometheus = readYaml<PrometheusConfig>(prometheusConfigPath ?? 'missing');
  const datasources = provisioning<{ datasources: { uid: string; type: string; url: string; jsonData?: object }[] }>(
    'datasources',
  ).flatMap((file) => file.datasources);
  const providers = provisioning<{ providers: { type: string; options: { path: string } }[] }>('dashboards').flatMap(
    (file) => file.providers,
  );

  it.each([
    ['prometheus', /^prom\/prometheus:v\d+\.\d+\.\d+$/],
    ['grafana', /^grafana\/grafana:\d+\.\d+\.\d+$/],
  ])('runs %s from its official image, at a pinned version', (name, image) => {
    expect(compose.services[name]?.image).toMatch(image);
  });

  it('runs the Alertmanager that `npm test` runs its configuration in', () => {
    expect(compose.services.alertmanager?.image).toBe(`prom/alertmanager:${ALERTMANAGER_VERSION}`);
  });

  it('publishes Prometheus on 9090, Grafana on 3001 and Alertmanager on 9093, each host port once', () => {
    expect(compose.services.prometheus?.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(compose.services.alertmanager?.ports).toEqual([`127.0.0.1:${ALERTMANAGER_PORT}:${ALERTMANAGER_PORT}`]);
    // Grafana listens on 3000 in its container; the API has 3000 on the host.
    expect(compose.services.grafana?.ports).toEqual(['127.0.0.1:3001:3000']);
    const hostPorts = Object.values(compose.services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':').at(-2)));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('gives Prometheus its configuration at the path the image reads', () => {
    expect(prometheusConfigPath).toBe(join('infra', 'prometheus', 'prometheus.yml'));
    expect(compose.services.prometheus?.command).toBeUndefined();
  });

  it('loads the alert rules from the file it mounts beside its configuration', () => {
    // A relative rule file is read from the configuration's directory.
    const ruleFiles = (prometheus.rule_files ?? []).map((file) =>
      hostPath('prometheus', posix.join('/etc/prometheus', file)),
    );
    expect(ruleFiles).toEqual([join('infra', 'prometheus', 'alerts.yml')]);
  });

  it("scrapes every metrics endpoint of the worker, the API and Alertmanager, by service name and the port it's set to", () => {
    const scraped = prometheus.scrape_configs.flatMap((job) =>
      [
        ...(job.static_configs ?? []).flatMap((group) => group.targets),
        ...(job.dns_sd_configs ?? []).flatMap((group) => group.names.map((name) => `${name}:${group.port}`)),
      ].map((target) => `${job.scheme ?? 'http'}://${target}${job.metrics_path ?? '/metrics'}`),
    );
    const served = Object.keys(compose.services).flatMap((service) =>
      metricsEndpoints(service).map(({ port, path }) => `http://${service}:${port}${path}`),
    );
    expect(served).toHaveLength(4);
    expect(scraped.sort()).toEqual(served.sort());
    expect(new Set(prometheus.scrape_configs.map((job) => job.job_name)).size).toBe(prometheus.scrape_configs.length);
  });

  it.each(['worker', 'api'])('%s serves its metrics on all interfaces, for the prometheus container', (service) => {
    for (const { host } of metricsEndpoints(service)) expect(host).toBe('0.0.0.0');
  });

  it("binds the Temporal SDK's exporter to WORKER_METRICS_HOST", () => {
    expect(readFileSync('worker/main.ts', 'utf8')).toContain(
      'bindAddress: `${config.WORKER_METRICS_HOST}:${config.TEMPORAL_SDK_METRICS_PORT}`',
    );
  });

  it('provisions the Prometheus datasource at the prometheus service, as often as it scrapes', () => {
    expect(datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', uid: expect.any(String) }),
    ]);
    expect(compose.services.prometheus?.ports?.[0]?.split(':').at(-1)).toBe('9090');
    // $__rate_interval needs Grafana to know the scrape interval.
    expect(datasources[0]?.jsonData).toEqual(
      expect.objectContaining({ timeInterval: prometheus.global?.scrape_interval ?? '1m' }),
    );
  });

  it('provisions the dashboards from a folder mounted into the container', () => {
    expect(providers).toHaveLength(1);
    expect(providers[0]?.type).toBe('file');
    const dir = hostPath('grafana', providers[0]?.options.path ?? '');
    expect(dir).toBe(join('infra', 'grafana', 'dashboards'));
    expect(readdirSync(dir!)).toContain('scalper-engine.json');
    const home = envOf('grafana').GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(existsSync(hostPath('grafana', home) ?? 'missing')).toBe(true);
  });

  it('sends the alerts to the alertmanager service', () => {
    expect(prometheus.alerting?.alertmanagers).toEqual([
      { static_configs: [{ targets: [`alertmanager:${ALERTMANAGER_PORT}`] }] },
    ]);
    expect(compose.services.prometheus?.depends_on).toContain('alertmanager');
  });

  it('gives Alertmanager its configuration, and every file it names, from infra/alertmanager', () => {
    expect(hostPath('alertmanager', ALERTMANAGER_CONFIG)).toBe(join('infra', 'alertmanager', 'alertmanager.yml'));
    expect(compose.services.alertmanager?.command).toBeUndefined();
    const config = readYaml<{
      templates: string[];
      receivers: { telegram_configs?: { bot_token_file: string; chat_id_file: string }[] }[];
    }>(join('infra', 'alertmanager', 'alertmanager.yml'));
    const [templates = ''] = config.templates;
    expect(hostPath('alertmanager', posix.dirname(templates))).toBe(join('infra', 'alertmanager', 'templates'));
    expect(readdirSync(join('infra', 'alertmanager', 'templates')).some((file) => file.endsWith('.tmpl'))).toBe(true);
    const secrets = config.receivers.flatMap((receiver) =>
      (receiver.telegram_configs ?? []).flatMap((telegram) => [telegram.bot_token_file, telegram.chat_id_file]),
    );
    expect(secrets.map((file) => hostPath('alertmanager', file))).toEqual([
      join('infra', 'alertmanager', 'secrets', 'telegram-bot-token'),
      join('infra', 'alertmanager', 'secrets', 'telegram-chat-id'),
    ]);
  });

  it("keeps the Telegram secrets out of git and out of the engine's image", () => {
    const ignored = readFileSync(join('infra', 'alertmanager', 'secrets', '.gitignore'), 'utf8').split('\n');
    expect(ignored.filter(Boolean)).toEqual(['*', '!.gitignore']);
    // The image copies infra/ whole (Dockerfile): the build context must not hold the folder.
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^COPY infra infra$/m);
    expect(readFileSync('.dockerignore', 'utf8').split('\n')).toContain('infra/alertmanager/secrets');
  });

  it('mounts only files of this repository, read-only', () => {
    for (const service of ['prometheus', 'grafana', 'alertmanager']) {
      for (const volume of compose.services[service]?.volumes ?? []) {
        const [source = '', , mode] = volume.split(':');
        if (!source.startsWith('./')) continue;
        expect(existsSync(source)).toBe(true);
        expect(mode).toBe('ro');
      }
    }
  });

  it('lets anyone view the dashboards and the admin sign in with a password from the environment', () => {
    const env = envOf('grafana');
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-admin}');
  });
});
