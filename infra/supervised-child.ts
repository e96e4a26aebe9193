// A Node child process the launcher keeps running: restarted after it dies, with a log line each
// time, by the restart policy; given up on (and reported) when it keeps dying right after starting.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { afterExit, DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.ts';

export interface SupervisedChildOptions {
  name: string;
  /** Absolute path of the script `node` runs. */
  script: string;
  /** Options for `node` itself, before the script. */
  nodeFlags?: readonly string[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  policy?: RestartPolicy;
  /** Called once, when the child has failed too often to restart again. */
  onGiveUp(reason: string): void;
}

export interface SupervisedChild {
  readonly name: string;
  /** The running process, if any (between a death and its restart there is none). */
  current(): ChildProcess | null;
  /** Stops the child for good: SIGTERM, SIGKILL after `killAfterMs`; no restart. */
  stop(killAfterMs?: number): Promise<void>;
}

export function superviseChild(options: SupervisedChildOptions): SupervisedChild {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY;
  const { logger, name } = options;
  let child: ChildProcess | null = null;
  let stopped = false;
  let fastFailures = 0;
  let restartTimer: NodeJS.Timeout | null = null;

  function start(): void {
    const startedAt = Date.now();
    // The IPC channel closes when the launcher dies, however it dies: the child then stops too.
    const running = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script], {
      env: options.env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    child = running;
    logger.info({ pid: running.pid }, `${name} started`);
    running.once('exit', (code, signal) => {
      child = null;
      if (stopped) return;
      const ranMs = Date.now() - startedAt;
      const decision = afterExit(policy, fastFailures, ranMs);
      fastFailures = decision.fastFailures;
      const exit = { pid: running.pid, code, signal, ranSeconds: Math.round(ranMs / 1_000) };
      if (decision.action === 'give-up') {
        const reason = `${name} exited ${fastFailures} times in a row within ${policy.healthyAfterMs / 1_000} s of starting (last: ${signal ?? `exit code ${code}`}); not restarting it — its own log above says why`;
        logger.error(exit, reason);
        options.onGiveUp(reason);
        return;
      }
      logger.error(
        exit,
        `${name} exited (${signal ?? `exit code ${code}`}); restarting in ${decision.delayMs / 1_000} s (fast failure ${fastFailures} of ${policy.maxFastFailures})`,
      );
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!stopped) start();
      }, decision.delayMs);
    });
  }

  start();
  return {
    name,
    current: () => child,
    stop(killAfterMs = 15_000) {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
        setTimeout(() => running.kill('SIGKILL'), killAfterMs).unref();
      });
    },
  };
}
