// A sweep pool's worker thread: runs the points it is sent over the bars it was started with and
// answers each with a summary, or with the error that point raised (the thread lives on).
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepPoint } from './run-point.ts';
import type { SweepReply, SweepTask, SweepWorkerData } from './worker-messages.ts';

const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs as a worker thread of the sweep pool');
const { bars } = workerData as SweepWorkerData;

function reply(task: SweepTask): SweepReply {
  try {
    return { index: task.index, summary: runSweepPoint(bars, task.base, task.point), error: null };
  } catch (error) {
    return { index: task.index, summary: null, error: error instanceof Error ? error.message : String(error) };
  }
}

port.on('message', (task: SweepTask) => port.postMessage(reply(task)));
