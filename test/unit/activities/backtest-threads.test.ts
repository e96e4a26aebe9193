// The worker's compute threads as a sweep leases them: handed over between points to a backtest
// that waits, and all of them free again once every holder has ended, even when the sweep ended
// while it waited to get one back.
import { availableParallelism } from 'node:os';
import { type ComputeLease, withComputeThreads } from '../../../activities/backtest-threads.ts';

const COMPUTE_THREADS = Math.max(1, availableParallelism() - 1);
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Holds the threads it is given until `end()` is called. */
function holder(wanted: number) {
  let end = () => {};
  let lease: ComputeLease | null = null;
  let threads = 0;
  const done = withComputeThreads(wanted, new AbortController().signal, (given, leased) => {
    threads = given;
    lease = leased;
    return new Promise<void>((resolve) => (end = resolve));
  });
  return {
    done,
    end: () => end(),
    get lease() {
      return lease;
    },
    get threads() {
      return threads;
    },
  };
}

/** How many threads a holder wanting them all gets at once (none: it is left waiting). */
async function threadsFree(): Promise<number> {
  const probe = holder(64);
  await turn();
  const { threads } = probe;
  if (threads === 0) return 0;
  probe.end();
  await probe.done;
  return threads;
}

it('hands a thread to the backtest waiting, and is contended only while someone else waits', async () => {
  const sweep = holder(64);
  await turn();
  expect(sweep.threads).toBe(COMPUTE_THREADS);
  expect(sweep.lease!.contended()).toBe(false);

  const backtest = holder(1);
  await turn();
  expect(backtest.threads).toBe(0);
  expect(sweep.lease!.contended()).toBe(true);

  const back = sweep.lease!.handBack();
  await turn();
  expect(backtest.threads).toBe(1);
  // Only its own request waits now.
  expect(sweep.lease!.contended()).toBe(false);

  backtest.end();
  await backtest.done;
  await back;
  sweep.end();
  await sweep.done;
  expect(await threadsFree()).toBe(COMPUTE_THREADS);
});

it('withdraws a request to get a thread back when its holder ends first, leaving every thread free', async () => {
  const sweep = holder(64);
  await turn();
  const backtest = holder(1);
  await turn();
  const back = sweep.lease!.handBack();
  await turn();
  expect(backtest.threads).toBe(1);

  sweep.end();
  await sweep.done;
  await expect(back).rejects.toThrow('the computation holding this lease ended');
  backtest.end();
  await backtest.done;

  // The thread the backtest gives back is free, not taken by the ended sweep's request.
  expect(await threadsFree()).toBe(COMPUTE_THREADS);
});
