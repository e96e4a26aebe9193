// The test's side of crash-worker.ts: spawns it as a child process and follows its stdout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Lines the child writes on stdout. */
export const READY_LINE = 'crash-worker: ready';
export const CRASH_LINE_PREFIX = 'crash-worker: at ';
export const RESUMED_LINE_PREFIX = 'crash-worker: resumed after ';

const WORKER_PATH = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CrashWorkerProcess {
  /** Resolves when the child has written `line` (now or earlier). */
  waitForLine(line: string): Promise<void>;
  exited: Promise<ChildExit>;
  /** Everything the child wrote, for failure messages. */
  output(): string;
  /** SIGKILLs the child if it still runs; safe to call twice. */
  stop(): Promise<ChildExit>;
}

export function spawnCrashWorker(vars: Record<string, string>): CrashWorkerProcess {
  const child = spawn(process.execPath, [WORKER_PATH], {
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => output.includes(w.line))) waiter.resolve();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // 'close', not 'exit': a process that writes a line and kills itself may exit before its output is read.
  const exited = new Promise<ChildExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    waitForLine(line) {
      if (output.includes(line)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ line, resolve });
        void exited.then((exit) => {
          if (!output.includes(line))
            reject(new Error(`crash worker exited (${exit.signal ?? exit.code}) before "${line}":\n${output}`));
        });
      });
    },
    exited,
    output: () => output,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
