// A year's backtest stored as the worker stores it, in a process with the worker's heap limits
// (its Node flags) holding as much heap as the worker holds of its own: the report (2.5 million
// characters) and the trades go in whole and come back equal, and the write fits in the heap.
// MikroORM's own writes escape every character of a string into the SQL text: over 100 MB for
// this one, which crashed the worker under `npm start`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WORKER_NODE_FLAGS } from '../../../infra/worker-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

/** The worker's heap before a backtest's result arrives: 73–95 MB under `npm start` (its metrics). */
const WORKER_HEAP_MB = 90;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

it("stores a year's report and trades within the worker's heap, equal when read back", async () => {
  const script = new URL('../../support/store-year-backtest.ts', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...WORKER_NODE_FLAGS, script, db.url, String(WORKER_HEAP_MB)],
    {
      maxBuffer: 1 << 20,
    },
  );
  const stored = JSON.parse(stdout) as Record<string, unknown>;
  expect(stored).toEqual({
    status: 'completed',
    reportEqual: true,
    reportChars: expect.any(Number),
    trades: 6467,
    tradesEqual: true,
    netPnl: true,
    heldMb: WORKER_HEAP_MB,
  });
  expect(stored.reportChars).toBeGreaterThan(2_000_000);
}, 120_000);
