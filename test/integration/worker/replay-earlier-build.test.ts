// A worker upgraded while workflows are in flight replays histories an earlier build wrote. Each
// file in histories/ is a real history from such a build (named for the change that followed it):
// a quiet cycle, a backtest cancelled while it computed. The current workflow code must replay it
// without a determinism error.
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../../worker/create-worker.ts';

const DIRECTORY = new URL('./histories/', import.meta.url);
const FILES = readdirSync(DIRECTORY).filter((name) => name.endsWith('.json'));

it('has histories to replay', () => {
  expect(FILES).toEqual(
    expect.arrayContaining(['quiet-cycle-before-risk-patch.json', 'cancelled-backtest-before-wait-patch.json']),
  );
});

it.each(FILES)('replays %s', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(new URL(file, DIRECTORY), 'utf8')),
  );
  await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, file)).resolves.toBeUndefined();
});
