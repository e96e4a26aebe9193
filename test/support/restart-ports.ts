// Ports for processes a test kills and expects started again on the same port. A port from
// freePort() lies in the kernel's ephemeral range, which it hands out to outgoing connections too:
// while its owner is down, any process's new connection (the other test files' database and
// Temporal clients) may take it, and the owner started again cannot listen on it. A free port
// below that range is never taken so.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

const FALLBACK_EPHEMERAL_LOW = 32_768;
const LOWEST = 10_000;

async function ephemeralLow(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const low = Number(range.trim().split(/\s+/)[0]);
  return Number.isInteger(low) && low > LOWEST ? low : FALLBACK_EPHEMERAL_LOW;
}

function listensOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct loopback ports, free a moment ago, below the ephemeral range. */
export async function restartablePorts(count: number): Promise<number[]> {
  const high = await ephemeralLow();
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count; tries++) {
    if (tries > 1_000) throw new Error(`no ${count} free ports between ${LOWEST} and ${high}`);
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (!ports.has(port) && (await listensOn(port))) ports.add(port);
  }
  return [...ports];
}
