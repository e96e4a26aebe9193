// docker-compose.yml is for users (no Docker engine here): checked by parsing, against the code.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../infra/config.ts';
import { DEFAULT_BUNDLE_PATH } from '../../../scripts/bundle-workflows.ts';

interface Service {
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  build?: string;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Temporal with its Web UI, the worker and the API', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'postgresql',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
  });

  it.each(['worker', 'api'])('%s runs an entry point that exists, with a configuration the engine accepts', (name) => {
    const service = compose.services[name]!;
    expect(service.build).toBe('.');
    const script = service.command?.[1] ?? '';
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

  it('publishes the API and the Web UI', () => {
    expect(compose.services.api?.ports).toContain('3000:3000');
    expect(compose.services['temporal-ui']?.ports).toContain('8080:8080');
  });

  it("links the API's orders and cycles to the Web UI it publishes", () => {
    const env = Object.fromEntries(
      Object.entries(compose.services.api?.environment ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(loadConfig(env).temporalUiUrl).toBe('http://localhost:8080');
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
