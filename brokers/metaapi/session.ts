// One MetaApi session per broker: connected on first use, shared by every call after, and dropped
// when connecting failed or the SDK says the connection is gone, so the next call connects afresh.
// Every call is bounded by the adapter's own timeout, whatever the SDK's.
import { BrokerTimeoutError } from '../errors.ts';
import { isSdkNotConnected, isSdkTimeout } from './errors.ts';
import type { MetaApiSession } from './sdk-types.ts';

export interface SessionKeeper {
  /** Runs `call` on the session, connecting first when there is none; the call fails after `timeoutMs`. */
  use<T>(what: string, timeoutMs: number, call: (session: MetaApiSession) => Promise<T>): Promise<T>;
}

/** `promise`, or a BrokerTimeoutError once `timeoutMs` has passed (the SDK call itself runs on). */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerTimeoutError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** An SDK timeout becomes the port's BrokerTimeoutError: the outcome of a trade is then unknown. */
function asPortError(error: unknown, what: string): unknown {
  if (isSdkTimeout(error)) return new BrokerTimeoutError(`${what}: MetaApi timed out (${(error as Error).message})`);
  return error;
}

/** Frees a session: all of it when it says how, else its RPC connection. */
function closeSession(session: MetaApiSession): Promise<void> {
  return session.close ? session.close() : session.rpc.close();
}

export function sessionKeeper(name: string, connect: () => Promise<MetaApiSession>, connectMs: number): SessionKeeper {
  let current: Promise<MetaApiSession> | null = null;

  function session(): Promise<MetaApiSession> {
    if (current === null) {
      const opening = connect();
      const connecting = within(opening, connectMs, `metaapi ${name}: connect`);
      current = connecting;
      // A failed connect is forgotten, so that the next call tries again; one that still opens
      // after its timeout is nobody's, and is closed.
      connecting.catch(() => {
        if (current === connecting) current = null;
        opening.then(closeSession).catch(() => undefined);
      });
    }
    return current;
  }

  function discard(stale: Promise<MetaApiSession>): void {
    if (current !== stale) return;
    current = null;
    // Best effort: the connection is already unusable; closing only frees its resources.
    stale.then(closeSession).catch(() => undefined);
  }

  return {
    async use(what, timeoutMs, call) {
      const label = `metaapi ${name}: ${what}`;
      const active = session();
      const connected = await active;
      try {
        return await within(
          Promise.resolve(connected).then((s) => call(s)),
          timeoutMs,
          label,
        );
      } catch (error) {
        if (isSdkNotConnected(error)) discard(active);
        throw asPortError(error, label);
      }
    },
  };
}
