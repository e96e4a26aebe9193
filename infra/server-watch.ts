// Watches a server the launcher started (PostgreSQL, the Temporal dev server): when it stops
// answering, says so plainly and starts it again, by the same restart policy as the child
// processes; gives up (and reports why) when it will not stay up.
import type { Logger } from 'pino';
import { afterExit, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.ts';

export interface WatchedServer {
  name: string;
  /** Where it should answer, for the log. */
  address: string;
  isUp(): Promise<boolean>;
  /** Starts it again on the same address and data. */
  restart(): Promise<void>;
}

export interface ServerWatchOptions {
  logger: Logger;
  intervalMs?: number;
  policy?: RestartPolicy;
  onGiveUp(reason: string): void;
}

/** Checks every `intervalMs`; two failed checks in a row (not one blip) mean the server is down. */
export function watchServer(server: WatchedServer, options: ServerWatchOptions): { stop(): void } {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const intervalMs = options.intervalMs ?? 5_000;
  const { logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let missed = 0;
  let fastFailures = 0;
  let upSince = Date.now();

  const schedule = (delayMs: number) => {
    if (!stopped) timer = setTimeout(() => void check(), delayMs).unref();
  };

  async function check(): Promise<void> {
    if (stopped) return;
    if (await server.isUp()) {
      missed = 0;
      return schedule(intervalMs);
    }
    missed += 1;
    if (missed < 2 || stopped) return schedule(intervalMs);
    const decision = afterExit(policy, fastFailures, Date.now() - upSince);
    fastFailures = decision.fastFailures;
    if (decision.action === 'give-up') {
      const reason = `${server.name} at ${server.address} stopped ${fastFailures} times in a row within ${policy.healthyAfterMs / 1_000} s of starting; not restarting it`;
      logger.error(reason);
      options.onGiveUp(reason);
      return;
    }
    logger.error(
      { address: server.address },
      `${server.name} stopped answering at ${server.address}; starting it again in ${decision.delayMs / 1_000} s`,
    );
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    if (stopped) return;
    try {
      await server.restart();
      logger.warn({ address: server.address }, `${server.name} started again`);
    } catch (error) {
      logger.error({ err: error, address: server.address }, `${server.name} did not start again`);
    }
    upSince = Date.now();
    missed = 0;
    schedule(intervalMs);
  }

  schedule(intervalMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
