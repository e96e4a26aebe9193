// Certificates for a gateway served over HTTPS, written by the gateway's own `make-cert` command
// (what an operator runs). Expired ones for refusals are fixtures (test/fixtures/tls).
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
