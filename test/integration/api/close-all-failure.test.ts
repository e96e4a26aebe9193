// POST /bots/:id/close-all when a close never gets an outcome: the broker times out on every close
// (the order may or may not have gone through), so the flatten workflow fails after its attempts and
// the API answers 502 close-failed, pointing at what is still open — never a 200 claiming a close.
import { BrokerTimeoutError } from '../../../brokers/errors.ts';
import { Order } from '../../../db/entities/index.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';

const SEED = 11;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 17, 9), { lookback: LOOKBACK, clear: true });

let engine: TestEngine;
let api: TestApi;
/** Set once the position is open: from then on every close times out. */
let closesTimeOut = false;

beforeAll(async () => {
  engine = await startTestEngine({
    feedSeed: SEED,
    now: () => firing.now,
    schedulesTo: 'nowhere',
    wrapBroker: (broker) => ({
      ...broker,
      async closePosition(ticket, volume, comment) {
        if (closesTimeOut) throw new BrokerTimeoutError(`close of ${ticket} timed out (test)`);
        return broker.closePosition(ticket, volume, comment);
      },
    }),
  });
  api = await startTestApi({ db: engine.db, workerQueue: engine.taskQueue });
});

afterAll(async () => {
  await api?.stop();
  await engine?.stop();
});

it('answers 502 close-failed when a close stays unknown through every attempt, and the position stays open', async () => {
  const bot = await engine.createBot({
    name: 'close-all-unknown',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: 'paper-close-all-unknown',
    riskSettings: { decisionMinScore: 0 },
  });
  await expect(engine.runCycle(bot, 'open')).resolves.toMatchObject({ ordersFilled: 1 });
  const broker = engine.brokerFor(bot.brokerAccount);
  const [position] = await broker.positions({ magic: bot.magic });
  closesTimeOut = true;

  const response = await api.app.inject({
    method: 'POST',
    url: `/bots/${bot.id}/close-all`,
    headers: api.trade,
    payload: { reason: 'broker unreachable' },
  });

  expect(response.statusCode).toBe(502);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toMatchObject({ status: 502, type: expect.stringMatching(/close-failed$/) });
  expect(problem.detail).toContain(`GET /bots/${bot.id} shows what is still open`);
  expect(await broker.positions({ magic: bot.magic })).toEqual([expect.objectContaining({ ticket: position!.ticket })]);
  // The close is on record, still without an outcome: the next reconcile or close resolves it.
  const close = await engine.db.orm.em.fork().findOneOrFail(Order, { bot: bot.id, purpose: 'close' });
  expect(close.status).toBe('unknown');
}, 90_000);
