// Bots that limit one account's day decide in turn (the account's risk lock), and count what the
// account's bots decided but nobody knows filled yet: two bots on one paper account, each trade
// within the account's limit and the two together beyond it, deciding at the same moment, open one
// trade between them. The pending open counts until its order fills (then as the position, once),
// or until it can no longer be sent; a deleted bot's settled order is no pending open.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import { Order, type IBot } from '../../../db/entities/index.ts';
import { writeOpenOrder } from '../../../db/orders/outbox.ts';
import { clientOrderIdFor, NEVER_SENT_GRACE_MS } from '../../../trading/orders/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { decidedBuy } from '../../support/decided-buy.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

// Midday UTC on a Wednesday: the day (00:00 UTC) well started.
const START = Date.UTC(2026, 10, 18, 12, 0, 30);

let engine: TestEngine;
let clock = START;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: 7, now: () => clock, schedulesTo: 'nowhere' });
});

afterAll(() => engine?.stop());

/** Each trade risks 1 % of the balance; the account's day may lose 1.5 %: one trade fits, two do not. */
const onAccount = (name: string, brokerAccount: string) =>
  paperGoldBot(engine, name, {
    brokerAccount,
    riskSettings: { riskPerTradePct: 1, maxAccountDailyLossPct: 1.5, correlationBlock: false },
  });

/** The attempt's own timeout, as a cycle's step has it: the lease's wait is two thirds of it. */
const attempt = () => new MockActivityEnvironment({ startToCloseTimeoutMs: 10_000 });

/** The bot's decision on a buy signal of its last bar, with what it loses at its stop and its account check. */
async function decision(bot: IBot) {
  const decided = await decidedBuy(engine, bot, attempt());
  return {
    ...decided,
    atStop: decided.check('position_size').value as number,
    account: decided.check('account_daily_loss'),
  };
}

/** The step after: the order of the bot's open decision, sent. */
async function placeOpen(bot: IBot, decisionId: number): Promise<void> {
  const { placeOrders } = createActivities(engine.deps);
  const orders = [{ decisionId, clientOrderId: clientOrderIdFor(bot.id, decisionId) }];
  await attempt().run(placeOrders, { botId: bot.id, orders });
}

it("two bots deciding at once on one account open one trade between them: the second counts the first's, not yet sent", async () => {
  clock = START;
  const first = await onAccount('turns-first', 'paper-turns');
  const second = await onAccount('turns-second', 'paper-turns');
  const [a, b] = await Promise.all([decision(first), decision(second)]);
  expect([a.action, b.action].sort()).toEqual(['ignore', 'open']);
  const [opened, refused] = a.action === 'open' ? [a, b] : [b, a];
  const [openedBot, refusedBot] = a.action === 'open' ? [first, second] : [second, first];
  expect(refused.failed).toEqual(['account_daily_loss']);
  // Nothing else on the account today: the two trades' losses at their stops, commissions included.
  expect(refused.account.value).toBeCloseTo(opened.atStop + refused.atStop, 2);
  // Each took the lease, one after waiting for the other.
  const waits = (await engine.deps.metrics.accountRiskLeaseWait.get()).values;
  expect(waits.find((v) => v.metricName === 'account_risk_lease_wait_seconds_count')).toMatchObject({
    labels: { outcome: 'taken' },
    value: 2,
  });

  // The open fills: it counts once, as the account's position, at the next minute's decision.
  await placeOpen(openedBot, opened.id);
  const order = await engine.db.orm.em.fork().findOneOrFail(Order, { decision: opened.id });
  expect(order.status).toBe('filled');
  clock = START + 60_000;
  const broker = engine.brokerFor('paper-turns');
  const [position] = await broker.positions();
  const spec = await broker.instrument('XAUUSDm');
  const positionAtStop =
    (Math.round((position!.priceOpen - position!.sl!) / spec.tickSize) * spec.tickValue + spec.commissionPerLot) *
      position!.volume -
    position!.swap;
  // Its opening commission is a deal now: realised.
  const realized = (await broker.deals({ from: Date.UTC(2026, 10, 18), to: clock })).reduce(
    (sum, deal) => sum + deal.profit + deal.commission + deal.swap,
    0,
  );
  const next = await decision(refusedBot);
  expect(next.failed).toEqual(['account_daily_loss']);
  expect(next.account.value).toBeCloseTo(next.atStop + positionAtStop - realized, 2);
}, 120_000);

it('two bots capped at one position on their account, deciding at once, open one between them', async () => {
  clock = START;
  const capped = (name: string) =>
    paperGoldBot(engine, name, {
      brokerAccount: 'paper-capped',
      riskSettings: { maxAccountPositions: 1, correlationBlock: false },
    });
  const [first, second] = [await capped('capped-first'), await capped('capped-second')];
  const decided = await Promise.all([decision(first), decision(second)]);
  expect(decided.map((d) => d.action).sort()).toEqual(['ignore', 'open']);
  const refused = decided.find((d) => d.action === 'ignore')!;
  expect(refused.failed).toEqual(['max_account_positions']);
  expect(refused.check('max_account_positions')).toMatchObject({ value: 1, limit: 1 });
}, 120_000);

it('an open that never went out counts while it still could, whether or not its bot settles it', async () => {
  clock = START;
  const first = await onAccount('never-sent-first', 'paper-never-sent');
  const second = await onAccount('never-sent-second', 'paper-never-sent');
  const unsent = await decision(first);
  expect(unsent.action).toBe('open');
  // Its cycle ended before placeOrders (a deadline, a lost worker): no order was written.
  clock = START + 60_000;
  expect((await decision(second)).failed).toEqual(['account_daily_loss']);

  // Well past the grace nothing sends it, though its bot (paused, say) never cancelled it. The
  // decision's age is read on this machine's clock, which wrote its row.
  await engine.db.orm.em
    .getConnection()
    .execute(`update decision set created_at = created_at - make_interval(secs => ?) where id = ?`, [
      NEVER_SENT_GRACE_MS / 1000 + 60,
      unsent.id,
    ]);
  clock = START + 120_000;
  const after = await decision(second);
  expect(after.failed).toEqual([]);
  expect(after.account.value).toBeCloseTo(after.atStop, 2);
}, 120_000);

it('an order written but not sent counts while it could still go out, by the engine clock it was written on', async () => {
  clock = START;
  const first = await onAccount('written-first', 'paper-written');
  const second = await onAccount('written-second', 'paper-written');
  const broker = engine.brokerFor('paper-written');
  const written = async (writtenAt: number) => {
    const decided = await decision(first);
    expect(decided.action).toBe('open');
    const request = { decisionId: decided.id, clientOrderId: clientOrderIdFor(first.id, decided.id) };
    await writeOpenOrder(engine.db.orm.em.fork(), first, request, await broker.quote('XAUUSDm'), writtenAt, null);
    return decided;
  };
  // Written this minute, its attempt died before the claim: a late attempt of the step may still send it.
  const fresh = await written(clock);
  clock = START + 60_000;
  const refused = await decision(second);
  expect(refused.failed).toEqual(['account_daily_loss']);
  expect(refused.account.value).toBeCloseTo(fresh.atStop + refused.atStop, 2);

  // Its order cancelled; another written three minutes before the engine's now: nothing sends it any more.
  await engine.db.orm.em
    .getConnection()
    .execute(`update "order" set status = 'cancelled' where decision_id = ?`, [fresh.id]);
  clock = START + 120_000;
  await written(clock - NEVER_SENT_GRACE_MS - 60_000);
  clock = START + 180_000;
  expect((await decision(second)).failed).toEqual([]);
}, 120_000);

it("a deleted bot's trade is not pending: its settled order is read though the bot is gone", async () => {
  clock = START;
  const gone = await onAccount('deleted-first', 'paper-deleted');
  const staying = await onAccount('deleted-second', 'paper-deleted');
  const traded = await decision(gone);
  await placeOpen(gone, traded.id);
  const broker = engine.brokerFor('paper-deleted');
  const [position] = await broker.positions();
  await broker.closePosition(position!.ticket);
  // As deleting it leaves its row: flat, deleted.
  await engine.db.orm.em.getConnection().execute(`update bot set deleted_at = now() where id = ?`, [gone.id]);

  clock = START + 60_000;
  const realized = (await broker.deals({ from: Date.UTC(2026, 10, 18), to: clock })).reduce(
    (sum, deal) => sum + deal.profit + deal.commission + deal.swap,
    0,
  );
  const next = await decision(staying);
  expect(next.account.value).toBeCloseTo(next.atStop - realized, 2);
}, 120_000);
