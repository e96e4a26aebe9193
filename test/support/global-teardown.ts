import { SERVERS_KEY, type TestServers } from './servers.ts';

export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>)[SERVERS_KEY] as TestServers | undefined;
  for (const stop of (servers?.stops ?? []).reverse()) await stop();
}
