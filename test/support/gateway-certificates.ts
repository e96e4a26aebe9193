// Certificates for a gateway served over HTTPS, written by the gateway's own `make-cert` command
// (what an operator runs), and, for refusals, ones that have expired.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gatewayPython } from './gateway-process.ts';

const GATEWAY_DIR = fileURLToPath(new URL('../../gateway/', import.meta.url));
const run = promisify(execFile);

export interface GatewayCertificate {
  certFile: string;
  keyFile: string;
  /** The certificate's PEM: what the engine's account trusts. */
  caCert: string;
}

/** `scalper-gateway make-cert --host …` into a fresh directory. */
export async function makeGatewayCertificate(hosts: string[]): Promise<GatewayCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'gateway-cert-'));
  const args = ['-m', 'scalper_gateway', 'make-cert', '--dir', dir, ...hosts.flatMap((host) => ['--host', host])];
  await run(await gatewayPython(), args, { cwd: GATEWAY_DIR });
  const certFile = join(dir, 'gateway-cert.pem');
  return { certFile, keyFile: join(dir, 'gateway-key.pem'), caCert: await readFile(certFile, 'utf8') };
}

/** A certificate for `host` that expired a day ago, from the gateway's own generator. */
export async function expiredGatewayCertificate(host: string): Promise<string> {
  const script = [
    'import sys',
    'from datetime import datetime, timedelta, timezone',
    'from scalper_gateway.tls import self_signed',
    'cert, _ = self_signed([sys.argv[1]], now=datetime.now(timezone.utc) - timedelta(days=3), days=2)',
    'sys.stdout.write(cert.decode())',
  ].join('\n');
  const { stdout } = await run(await gatewayPython(), ['-c', script, host], { cwd: GATEWAY_DIR });
  return stdout;
}
