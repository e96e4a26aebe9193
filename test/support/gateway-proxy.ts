// An HTTP hop in front of the real gateway that a test can break: taken down, its port refuses
// connections as a host that is down does; told to fail paths, it answers them 503 with the
// gateway's own error body, as a gateway whose terminal call failed does. Everything else is
// forwarded unchanged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayProxy {
  baseUrl: string;
  /** Stops listening and drops open connections: the engine's calls are refused. */
  down(): Promise<void>;
  /** Listens again on the same port (nothing to do when it listens). */
  up(): Promise<void>;
  /** Requests whose path starts with one of these are answered 503; [] forwards everything. */
  failPaths(prefixes: string[]): void;
  /** Paths asked for since the last call, then forgotten. */
  takeRequests(): string[];
  /** TCP connections accepted so far: a client that keeps its connection alive opens one. */
  connections(): number;
  stop(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGatewayProxy(target: string): Promise<GatewayProxy> {
  let failing: string[] = [];
  let requests: string[] = [];
  let connections = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '/';
    requests.push(path);
    const failed = failing.find((prefix) => path.startsWith(prefix));
    if (failed) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `${failed} failed`, last_error: [-1, 'Terminal: Call failed'] }));
      return;
    }
    const body = await bodyOf(request);
    const answer = await fetch(new URL(path, target), {
      method: request.method ?? 'GET',
      headers: Object.fromEntries(
        ['authorization', 'content-type', 'accept'].flatMap((name) => {
          const value = request.headers[name];
          return typeof value === 'string' ? [[name, value]] : [];
        }),
      ),
      ...(body.length > 0 ? { body } : {}),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  server.on('connection', () => connections++);
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    down: close,
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    failPaths(prefixes) {
      failing = [...prefixes];
    },
    takeRequests() {
      const taken = requests;
      requests = [];
      return taken;
    },
    connections: () => connections,
    stop: close,
  };
}
