// Process configuration from the environment, validated once; a bad value names its variable.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('scalper'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  // Where operators open the Web UI (the API links orders and cycles there); unset: the dev server's.
  TEMPORAL_UI_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  POSTGRES_PORT: port.default(54329),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  // The worker's Prometheus endpoints: the engine's metrics, and the Temporal SDK's own.
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  WORKER_METRICS_PORT: port.default(9464),
  TEMPORAL_SDK_METRICS_PORT: port.default(9465),
  DATA_DIR: z.string().min(1).default('.data'),
  SCALPER_CACHE_DIR: z.string().min(1).optional(),
  DEMO_BOT: flag.default(true),
  PAPER_FEED_SEED: z.coerce.number().int().default(42),
  // Unset: the worker bundles the workflows at start (development).
  WORKFLOW_BUNDLE_PATH: z
    .string()
    .min(1)
    .transform((path) => resolve(path))
    .refine((path) => statSync(path, { throwIfNoEntry: false })?.isFile(), 'no such file (`npm run build` writes one)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: readable lines on a terminal, JSON lines when the output is a file or a pipe.
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

export type EngineConfig = z.infer<typeof envSchema> & { dataDir: string; cacheDir: string; temporalUiUrl: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`${variable}=${JSON.stringify(env[variable] ?? '')} is invalid: ${issue?.message}`);
  }
  const home = env.HOME ?? '/tmp';
  const cacheDir =
    parsed.data.SCALPER_CACHE_DIR ?? resolve(env.XDG_CACHE_HOME ?? resolve(home, '.cache'), 'scalper-engine');
  return {
    ...parsed.data,
    dataDir: resolve(parsed.data.DATA_DIR),
    cacheDir,
    temporalUiUrl: parsed.data.TEMPORAL_UI_URL ?? `http://127.0.0.1:${parsed.data.TEMPORAL_UI_PORT}`,
  };
}

/** A URL safe to print: the password is masked. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
