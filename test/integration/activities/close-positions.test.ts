// closePositions (the flatten workflow's step: an operator's close-all, the global halt's flatten)
// run outside any workflow in MockActivityEnvironment, on real PostgreSQL and the paper broker:
// one close order per position under its own key, the answer per position, the audit row, and a
// broker's refusal as data. Unknown outcomes and their retries: kill-switch/close-retries.test.ts.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { ClosedPositions, FlattenRequest } from '../../../activities/types.ts';
import { AuditLog, Order, type IBot } from '../../../db/entities/index.ts';
import { closeOrderIdFor } from '../../../trading/orders/index.ts';
import { closeBookOf, openAtBroker } from '../../support/close-book.ts';
import type { TestEngine } from '../../support/engine.ts';
import { ScriptedSends, startScriptedEngine } from '../../support/scripted-sends.ts';

const FLATTEN = { workflowId: 'flatten-under-test', runId: '0b7c6a55-5d3e-4a1e-9a8e-0000000000c3' };

const sends = new ScriptedSends();
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends);
});

afterAll(() => engine?.stop());

/** A bot on a paper account of its own with a buy and a sell open under its magic. */
async function botWithPositions(name: string): Promise<{ bot: IBot; tickets: string[] }> {
  const bot = await engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    brokerAccount: `paper-${name}`,
  });
  const broker = engine.brokerFor(bot.brokerAccount);
  const tickets = [
    await openAtBroker(broker, 'XAUUSDm', bot.magic, 'buy', `${name}-1`),
    await openAtBroker(broker, 'XAUUSDm', bot.magic, 'sell', `${name}-2`),
  ];
  return { bot, tickets };
}

function closePositions(request: FlattenRequest): Promise<ClosedPositions> {
  const environment = new MockActivityEnvironment({
    workflowExecution: FLATTEN,
    workflowType: 'flattenBot',
    activityType: 'closePositions',
  });
  return environment.run(createActivities(engine.deps).closePositions, request);
}

async function closeOrders(bot: IBot) {
  const orders = await engine.db.orm.em
    .fork()
    .find(Order, { bot: bot.id, purpose: 'close' }, { orderBy: { id: 'asc' } });
  return orders.map((o) => ({
    key: o.clientOrderId,
    ticket: o.positionTicket,
    reason: o.closeReason,
    status: o.status,
  }));
}

describe('closePositions in an activity environment', () => {
  it('closes each position with a close order of its own, answers the tickets and audits it in the calling workflow', async () => {
    const { bot, tickets } = await botWithPositions('flatten-all');

    const result = await closePositions({ botId: bot.id, reason: 'spread blow-out', closeReason: 'manual' });

    expect(result).toMatchObject({ closed: tickets, failed: [] });
    expect(result.orders.map((o) => [o.clientOrderId, o.purpose, o.status, o.side])).toEqual([
      [closeOrderIdFor(bot.id, tickets[0]!, 1), 'close', 'filled', 'sell'],
      [closeOrderIdFor(bot.id, tickets[1]!, 1), 'close', 'filled', 'buy'],
    ]);
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
    expect(await closeOrders(bot)).toEqual(
      tickets.map((ticket) => ({
        key: closeOrderIdFor(bot.id, ticket, 1),
        ticket,
        reason: 'manual',
        status: 'filled',
      })),
    );
    const audit = await engine.db.orm.em.fork().findOneOrFail(AuditLog, { bot: bot.id, event: 'positions_flattened' });
    expect(audit).toMatchObject({ ...FLATTEN, reason: 'spread blow-out', data: { closed: tickets, failed: [] } });
  });

  it('closes as the kill-switch when the request names no reason (the global halt), and with nothing open closes nothing', async () => {
    const { bot, tickets } = await botWithPositions('flatten-halt');

    await expect(closePositions({ botId: bot.id, reason: 'global halt: flash crash' })).resolves.toMatchObject({
      closed: tickets,
    });
    expect((await closeOrders(bot)).map((o) => o.reason)).toEqual(['kill_switch', 'kill_switch']);

    await expect(closePositions({ botId: bot.id, reason: 'again' })).resolves.toEqual({
      closed: [],
      failed: [],
      orders: [],
    });
    expect(await closeOrders(bot)).toHaveLength(2);
  });

  it("returns a broker's refusal as data (ticket, retcode, name), leaves the position open, and the next close-all closes it under the next key", async () => {
    const { bot, tickets } = await botWithPositions('flatten-refused');
    const [refusedTicket, closedTicket] = tickets as [string, string];
    const first = closeOrderIdFor(bot.id, refusedTicket, 1);
    sends.script(first, { reject: 10006 });

    const result = await closePositions({ botId: bot.id, reason: 'end of session', closeReason: 'manual' });

    expect(result).toMatchObject({
      closed: [closedTicket],
      failed: [{ ticket: refusedTicket, retcode: 10006, retcodeName: 'TRADE_RETCODE_REJECT', status: 'rejected' }],
    });
    const broker = engine.brokerFor(bot.brokerAccount);
    expect(await broker.positions({ magic: bot.magic })).toEqual([expect.objectContaining({ ticket: refusedTicket })]);
    const audit = await engine.db.orm.em.fork().findOneOrFail(AuditLog, { bot: bot.id, event: 'positions_flattened' });
    expect(audit.data).toEqual({ closed: [closedTicket], failed: result.failed });

    const again = await closePositions({ botId: bot.id, reason: 'end of session', closeReason: 'manual' });

    const second = closeOrderIdFor(bot.id, refusedTicket, 2);
    expect(again).toMatchObject({ closed: [refusedTicket], failed: [] });
    expect(again.orders).toEqual([expect.objectContaining({ clientOrderId: second, status: 'filled' })]);
    const book = await closeBookOf(engine.db.orm, broker, bot, refusedTicket);
    expect(book.orders.map((o) => [o.clientOrderId, o.status, o.retcode])).toEqual([
      [first, 'rejected', 10006],
      [second, 'filled', 10009],
    ]);
    expect(book.brokerCloses.map((o) => o.comment)).toEqual([second]);
    expect([sends.sends(first), sends.sends(second)]).toEqual([1, 1]);
  });

  it('counts a position closed by hand before its close arrived (10036) as neither closed nor failed', async () => {
    const { bot, tickets } = await botWithPositions('flatten-gone');
    const [goneTicket, closedTicket] = tickets as [string, string];
    const key = closeOrderIdFor(bot.id, goneTicket, 1);
    sends.script(key, 'closed_by_hand_first');

    const result = await closePositions({ botId: bot.id, reason: 'end of session', closeReason: 'manual' });

    expect(result).toMatchObject({ closed: [closedTicket], failed: [] });
    expect(result.orders[0]).toMatchObject({
      clientOrderId: key,
      status: 'rejected',
      retcode: 10036,
      retcodeName: 'TRADE_RETCODE_POSITION_CLOSED',
    });
    const book = await closeBookOf(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, goneTicket);
    expect(book.brokerCloses.map((o) => o.comment)).toEqual(['closed by hand']);
  });
});
