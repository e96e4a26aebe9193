// The real Python gateway (gateway/) as a child process, on its simulated MT5 terminal: started
// once per test file, reached over HTTP (or HTTPS with its own certificate) like in production,
// killed when the file is done.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from '../../infra/ports.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL('../../gateway/', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** A fetch that trusts the gateway's certificate when it serves HTTPS. */
export type GatewayFetch = (url: string, init?: Parameters<typeof undiciFetch>[1]) => ReturnType<typeof undiciFetch>;

export interface GatewayProcess {
  baseUrl: string;
  token: string;
  fetch: GatewayFetch;
  /** Everything the gateway wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

export interface GatewayStartOptions {
  token: string;
  /** SCALPER_GATEWAY_TRADE_TIMEOUT_MS: how long a trade may hang before the gateway answers unknown. */
  tradeTimeoutMs: number;
  /** SCALPER_GATEWAY_SERVER_UTC_OFFSET, in hours. */
  serverUtcOffsetHours: number;
  /** Serve HTTPS with this certificate and key (SCALPER_GATEWAY_TLS_CERT/KEY), the certificate trusted by `fetch`. */
  tls?: { certFile: string; keyFile: string; caCert: string };
}

/** SCALPER_GATEWAY_PYTHON, else what scripts/gateway-python prints (it builds the venv on first use). */
export async function gatewayPython(): Promise<string> {
  const configured = process.env.SCALPER_GATEWAY_PYTHON;
  if (configured) return configured;
  const { stdout } = await promisify(execFile)(`${REPO}scripts/gateway-python`, [], { timeout: 300_000 });
  return stdout.trim();
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitForHealth(
  baseUrl: string,
  fetch: GatewayFetch,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited = false;
  void exitOf(child).then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway was not healthy within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

export async function startGateway(options: GatewayStartOptions): Promise<GatewayProcess> {
  const python = await gatewayPython();
  const port = await freePort();
  const child = spawn(python, ['-m', 'scalper_gateway', 'serve', '--port', String(port)], {
    cwd: GATEWAY_DIR,
    env: {
      ...process.env,
      SCALPER_GATEWAY_TERMINAL: 'simulated',
      SCALPER_GATEWAY_TOKEN: options.token,
      SCALPER_GATEWAY_TRADE_TIMEOUT_MS: String(options.tradeTimeoutMs),
      SCALPER_GATEWAY_SERVER_UTC_OFFSET: String(options.serverUtcOffsetHours),
      ...(options.tls
        ? { SCALPER_GATEWAY_TLS_CERT: options.tls.certFile, SCALPER_GATEWAY_TLS_KEY: options.tls.keyFile }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const dispatcher = new Agent(options.tls ? { connect: { ca: options.tls.caCert } } : {});
  const fetch: GatewayFetch = (url, init) => undiciFetch(url, { ...init, dispatcher });

  async function stop(): Promise<void> {
    const exited = exitOf(child);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  }

  try {
    await waitForHealth(baseUrl, fetch, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, token: options.token, fetch, output: () => output, stop };
}
