import { connect, createServer } from 'node:net';

/** A TCP port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something accepts TCP connections at `host:port` right now. */
export function isListening(hostPort: string): Promise<boolean> {
  const separator = hostPort.lastIndexOf(':');
  const socket = connect({ host: hostPort.slice(0, separator), port: Number(hostPort.slice(separator + 1)) });
  return new Promise((resolve) => {
    socket.setTimeout(1_000);
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  }).finally(() => socket.destroy()) as Promise<boolean>;
}
