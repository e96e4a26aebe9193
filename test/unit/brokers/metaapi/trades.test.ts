// The MetaApi adapter's trades: how MetaApi's answers (replies and TradeErrors, MT5 retcodes and
// MetaApi's own codes) become the port's outcome classes; the engine's id as clientId within
// MetaApi's 26 characters; the fill's deal and price looked up after a success (the reply has
// neither); closes that carry the position's magic.
// Long on purpose: every trade call's answers (replies, refusals, timeouts) as tables in one place.
import { BrokerTimeoutError } from '../../../../brokers/errors.ts';
import { tradeAnswer } from '../../../../brokers/metaapi/codes.ts';
import type { OutcomeClass } from '../../../../brokers/retcodes.ts';
import { clientOrderIdFor, closeOrderIdFor } from '../../../../trading/orders/client-order-id.ts';
import type { TradeFault } from './fake-connection.ts';
import { MAGIC, order, setup, START } from './harness.ts';

interface Expected {
  retcode: number;
  retcodeName: string;
  outcome: OutcomeClass;
}

const refuse = (numericCode: number, stringCode: string): TradeFault => ({ kind: 'refuse', numericCode, stringCode });
const reply = (numericCode: number, stringCode: string): TradeFault => ({ kind: 'reply', numericCode, stringCode });

describe('metaapi adapter: trade answers → retcode and outcome class', () => {
  // What the SDK resolves with (its success list: ERR_NO_ERROR, PLACED, DONE, DONE_PARTIAL, NO_CHANGES).
  const REPLIES: Array<[TradeFault, Expected]> = [
    [reply(10009, 'TRADE_RETCODE_DONE'), { retcode: 10009, retcodeName: 'TRADE_RETCODE_DONE', outcome: 'success' }],
    [reply(10008, 'TRADE_RETCODE_PLACED'), { retcode: 10008, retcodeName: 'TRADE_RETCODE_PLACED', outcome: 'success' }],
    [
      reply(10010, 'TRADE_RETCODE_DONE_PARTIAL'),
      { retcode: 10010, retcodeName: 'TRADE_RETCODE_DONE_PARTIAL', outcome: 'success' },
    ],
    [reply(0, 'ERR_NO_ERROR'), { retcode: 0, retcodeName: 'METAAPI_NO_ERROR', outcome: 'success' }],
    [
      reply(10025, 'TRADE_RETCODE_NO_CHANGES'),
      { retcode: 10025, retcodeName: 'TRADE_RETCODE_NO_CHANGES', outcome: 'rejected' },
    ],
  ];

  it.each(REPLIES)('a reply of %j is %j', async (fault, expected) => {
    const { broker, fake } = setup();
    fake.tradeFaults.push(fault);
    const result = await broker.placeMarketOrder(order());
    expect(result).toMatchObject(expected);
    expect(result.order).toBe('70000001');
  });

  // What the SDK throws as TradeError: nothing executed (but -11, below).
  const REFUSALS: Array<[TradeFault, Expected]> = [
    [
      refuse(10004, 'TRADE_RETCODE_REQUOTE'),
      { retcode: 10004, retcodeName: 'TRADE_RETCODE_REQUOTE', outcome: 'retry_fresh_price' },
    ],
    [
      refuse(10006, 'TRADE_RETCODE_REJECT'),
      { retcode: 10006, retcodeName: 'TRADE_RETCODE_REJECT', outcome: 'rejected' },
    ],
    [
      refuse(10016, 'TRADE_RETCODE_INVALID_STOPS'),
      { retcode: 10016, retcodeName: 'TRADE_RETCODE_INVALID_STOPS', outcome: 'rejected' },
    ],
    [
      refuse(10019, 'TRADE_RETCODE_NO_MONEY'),
      { retcode: 10019, retcodeName: 'TRADE_RETCODE_NO_MONEY', outcome: 'rejected' },
    ],
    [
      refuse(10020, 'TRADE_RETCODE_PRICE_CHANGED'),
      { retcode: 10020, retcodeName: 'TRADE_RETCODE_PRICE_CHANGED', outcome: 'retry_fresh_price' },
    ],
    [
      refuse(10021, 'TRADE_RETCODE_PRICE_OFF'),
      { retcode: 10021, retcodeName: 'TRADE_RETCODE_PRICE_OFF', outcome: 'retry_fresh_price' },
    ],
    [
      refuse(10030, 'TRADE_RETCODE_INVALID_FILL'),
      { retcode: 10030, retcodeName: 'TRADE_RETCODE_INVALID_FILL', outcome: 'rejected' },
    ],
    [
      refuse(10012, 'TRADE_RETCODE_TIMEOUT'),
      { retcode: 10012, retcodeName: 'TRADE_RETCODE_TIMEOUT', outcome: 'unknown' },
    ],
    [
      refuse(10031, 'TRADE_RETCODE_CONNECTION'),
      { retcode: 10031, retcodeName: 'TRADE_RETCODE_CONNECTION', outcome: 'unknown' },
    ],
    // MetaApi's own codes.
    [refuse(-1, 'TRADE_RETCODE_UNKNOWN'), { retcode: -1, retcodeName: 'METAAPI_UNKNOWN_RETCODE', outcome: 'unknown' }],
    [
      refuse(-4, 'ERR_ORDER_TYPE_NOT_SUPPORTED'),
      { retcode: -4, retcodeName: 'METAAPI_ORDER_TYPE_NOT_SUPPORTED', outcome: 'rejected' },
    ],
    [
      refuse(-5, 'ERR_NOT_SYNCHRONIZED'),
      { retcode: -5, retcodeName: 'METAAPI_NOT_SYNCHRONIZED', outcome: 'retry_fresh_price' },
    ],
    [refuse(-6, 'ERR_NO_QUOTES'), { retcode: -6, retcodeName: 'METAAPI_NO_QUOTES', outcome: 'retry_fresh_price' }],
    [refuse(-7, 'ERR_TRADE_TIMED_OUT'), { retcode: -7, retcodeName: 'METAAPI_TRADE_TIMED_OUT', outcome: 'unknown' }],
    [
      refuse(-8, 'ERR_INVESTOR_PASSWORD'),
      { retcode: -8, retcodeName: 'METAAPI_INVESTOR_PASSWORD', outcome: 'rejected' },
    ],
    [
      refuse(-9, 'ERR_PIP_SIZE_NOT_DEFINED'),
      { retcode: -9, retcodeName: 'METAAPI_PIP_SIZE_NOT_DEFINED', outcome: 'rejected' },
    ],
    // -10: the terminal never passed the request to the trade server (MetaApi's docs), so a resend
    // with a fresh price is safe; it is never a success.
    [
      refuse(-10, 'TRADE_RETCODE_DISCONNECTED_BEFORE_TRADE'),
      { retcode: -10, retcodeName: 'METAAPI_NOT_DELIVERED', outcome: 'retry_fresh_price' },
    ],
    [
      refuse(4754, 'ERR_TRADE_ORDER_NOT_FOUND'),
      { retcode: 4754, retcodeName: 'ERR_TRADE_ORDER_NOT_FOUND', outcome: 'rejected' },
    ],
    // Codes neither table knows: unknown (looked up before any resend), named by MetaApi's string code.
    [
      refuse(10099, 'TRADE_RETCODE_SOMETHING_NEW'),
      { retcode: 10099, retcodeName: 'TRADE_RETCODE_SOMETHING_NEW', outcome: 'unknown' },
    ],
    [refuse(-99, 'ERR_SOMETHING_NEW'), { retcode: -99, retcodeName: 'ERR_SOMETHING_NEW', outcome: 'unknown' }],
    // An empty string code names nothing: the numeric code does.
    [refuse(42, ''), { retcode: 42, retcodeName: 'METAAPI_CODE_42', outcome: 'unknown' }],
    [refuse(10099, ''), { retcode: 10099, retcodeName: 'TRADE_RETCODE_UNKNOWN_10099', outcome: 'unknown' }],
  ];

  it.each(REFUSALS)('a TradeError %j is %j, with nothing executed', async (fault, expected) => {
    const { broker, fake } = setup();
    fake.tradeFaults.push(fault);
    const result = await broker.placeMarketOrder(order());
    expect(result).toEqual({ ...expected, order: null, deal: null, volume: 0, price: null, comment: 'se1-2s' });
    expect(fake.positions).toEqual([]);
  });

  it('names an unlisted code after MetaApi when there is no string code', () => {
    expect(tradeAnswer(-99)).toEqual({ retcode: -99, retcodeName: 'METAAPI_CODE_-99', outcome: 'unknown' });
    expect(tradeAnswer(10099)).toEqual({
      retcode: 10099,
      retcodeName: 'TRADE_RETCODE_UNKNOWN_10099',
      outcome: 'unknown',
    });
  });

  it('-11 (delivered, then disconnected) is unknown: the order did execute, and the lookup finds it', async () => {
    const { broker, fake } = setup();
    fake.tradeFaults.push({
      kind: 'refuse_after_execution',
      numericCode: -11,
      stringCode: 'TRADE_RETCODE_DISCONNECTED_DURING_TRADE',
    });
    const result = await broker.placeMarketOrder(order());
    expect(result).toMatchObject({
      retcode: -11,
      retcodeName: 'METAAPI_DISCONNECTED_DURING_TRADE',
      outcome: 'unknown',
    });
    expect(result.order).toBeNull();
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000)).toMatchObject({
      ticket: '70000001',
      state: 'filled',
    });
  });

  it.each([
    ['before', { kind: 'timeout' } as const, null],
    ['after', { kind: 'timeout_after_execution' } as const, '70000001'],
  ])(
    'an SDK TimeoutError %s execution throws BrokerTimeoutError (outcome unknown); the lookup tells which',
    async (_, fault, found) => {
      const { broker, fake } = setup();
      fake.tradeFaults.push(fault);
      const sent = broker.placeMarketOrder(order());
      await expect(sent).rejects.toBeInstanceOf(BrokerTimeoutError);
      await expect(sent).rejects.toThrow(/metaapi demo-1: buy 0.1 XAUUSDm: MetaApi timed out/);
      const lookup = await broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000);
      expect(lookup?.ticket ?? null).toBe(found);
    },
  );

  it('a trade with no answer within tradeMs throws BrokerTimeoutError', async () => {
    const { broker, fake } = setup({ timeouts: { tradeMs: 20 } });
    fake.tradeFaults.push({ kind: 'hang' });
    await expect(broker.placeMarketOrder(order())).rejects.toThrow(
      new BrokerTimeoutError('metaapi demo-1: buy 0.1 XAUUSDm: no answer within 20 ms'),
    );
  });

  it('a TradeError without a numeric code is no answer: it is thrown, never read as a result', async () => {
    const { broker, fake } = setup();
    const broken = Object.assign(new Error('odd'), { name: 'TradeError', numericCode: undefined });
    fake.createMarketBuyOrder = () => Promise.reject(broken);
    await expect(broker.placeMarketOrder(order())).rejects.toBe(broken);
  });

  it('any other SDK error (not connected, validation…) is thrown, not turned into a rejection', async () => {
    const { broker, fake } = setup();
    fake.tradeFaults.push({ kind: 'not_connected' });
    await expect(broker.placeMarketOrder(order())).rejects.toMatchObject({ name: 'NotConnectedError' });
  });
});

describe('metaapi adapter: market orders', () => {
  it.each([
    ['buy', 'createMarketBuyOrder', 2000.2],
    ['sell', 'createMarketSellOrder', 2000],
  ] as const)(
    'a %s is sent with the engine id as clientId, magic and deviation; its fill is looked up',
    async (side, method, fill) => {
      const { broker, fake } = setup();
      const result = await broker.placeMarketOrder(order({ side, sl: side === 'buy' ? 1990 : 2010, tp: null }));
      expect(fake.callsOf(method)).toEqual([
        ['XAUUSDm', 0.1, side === 'buy' ? 1990 : 2010, undefined, { magic: MAGIC, slippage: 10, clientId: 'se1-2s' }],
      ]);
      expect(result).toEqual({
        retcode: 10009,
        retcodeName: 'TRADE_RETCODE_DONE',
        outcome: 'success',
        order: '70000001',
        deal: '70000002',
        volume: 0.1,
        price: fill,
        comment: 'se1-2s',
      });
      // What the broker then reports carries the engine's id back.
      expect(await broker.positions()).toEqual([
        expect.objectContaining({ ticket: '70000001', side, comment: 'se1-2s', magic: MAGIC, tp: null }),
      ]);
    },
  );

  it('sends neither SL nor TP when both are null', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    const [[, , sl, tp]] = fake.callsOf('createMarketBuyOrder') as [[string, number, unknown, unknown]];
    expect([sl, tp]).toEqual([undefined, undefined]);
  });

  it('finds the deal when it reaches history within the tries', async () => {
    const { broker, fake } = setup();
    fake.dealLag = 2;
    const result = await broker.placeMarketOrder(order());
    expect(result).toMatchObject({ outcome: 'success', deal: '70000002', price: 2000.2 });
    expect(fake.callsOf('getDealsByTimeRange')).toHaveLength(3);
  });

  it('searches the deal from a little before the trade to a little after', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    const [[start, end]] = fake.callsOf('getDealsByTimeRange') as [[Date, Date]];
    expect(start.getTime()).toBeLessThan(START);
    expect(end.getTime()).toBeGreaterThan(START);
  });

  it.each([
    ['the deal is later than every try', (fake: ReturnType<typeof setup>['fake']) => (fake.dealLag = 10)],
    [
      'the history is still synchronizing',
      (fake: ReturnType<typeof setup>['fake']) => (fake.synchronizing.deals = Number.POSITIVE_INFINITY),
    ],
    [
      'every deal read fails',
      (fake: ReturnType<typeof setup>['fake']) =>
        fake.failNext('getDealsByTimeRange', new Error('a'), new Error('b'), new Error('c')),
    ],
  ])('a success stays a success when %s: deal and price null, volume as asked', async (_, arrange) => {
    const { broker, fake } = setup();
    arrange(fake);
    const result = await broker.placeMarketOrder(order({ volume: 0.3 }));
    expect(result).toEqual({
      retcode: 10009,
      retcodeName: 'TRADE_RETCODE_DONE',
      outcome: 'success',
      order: '70000001',
      deal: null,
      volume: 0.3,
      price: null,
      comment: 'se1-2s',
    });
    expect(fake.callsOf('getDealsByTimeRange')).toHaveLength(3);
  });

  it('looks no deal up after an answer that is not a success', async () => {
    const { broker, fake } = setup();
    fake.tradeFaults.push(refuse(10004, 'TRADE_RETCODE_REQUOTE'));
    await broker.placeMarketOrder(order());
    expect(fake.callsOf('getDealsByTimeRange')).toEqual([]);
  });
});

describe('metaapi adapter: comment + clientId ≤ 26 characters', () => {
  it('sends an id of 26 characters whole, as clientId alone (no comment beside it)', async () => {
    const { broker, fake } = setup();
    const id = 'x'.repeat(26);
    const result = await broker.placeMarketOrder(order({ comment: id }));
    expect(result.outcome).toBe('success');
    const [[, , , , options]] = fake.callsOf('createMarketBuyOrder') as [[string, number, unknown, unknown, object]];
    expect(options).toEqual({ magic: MAGIC, slippage: 10, clientId: id });
    expect(await broker.findOrderByComment(MAGIC, id, START - 1_000)).toMatchObject({ comment: id });
  });

  it('refuses a longer id unsent (10013 INVALID, rejected): cut, it could never be found again', async () => {
    const { broker, fake } = setup();
    const id = 'x'.repeat(27);
    expect(await broker.placeMarketOrder(order({ comment: id }))).toEqual({
      retcode: 10013,
      retcodeName: 'TRADE_RETCODE_INVALID',
      outcome: 'rejected',
      order: null,
      deal: null,
      volume: 0,
      price: null,
      comment: id,
    });
    expect(fake.calls).toEqual([]);
  });

  it('sends no clientId for an empty id', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order({ comment: '' }));
    const [[, , , , options]] = fake.callsOf('createMarketBuyOrder') as [[string, number, unknown, unknown, object]];
    expect(options).toEqual({ magic: MAGIC, slippage: 10 });
  });

  it('the engine’s own ids fit, even the longest open id and a 64-bit-ticket close id', async () => {
    const { broker, fake } = setup();
    const open = clientOrderIdFor(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    expect(open.length).toBeLessThanOrEqual(26);
    expect((await broker.placeMarketOrder(order({ comment: open }))).outcome).toBe('success');
    const close = closeOrderIdFor(36 ** 3 - 1, String(2n ** 64n - 1n), 36 ** 2 - 1);
    expect(close.length).toBeLessThanOrEqual(26);
    expect((await broker.closePosition('70000001', undefined, close)).outcome).toBe('success');
    expect(fake.positions).toEqual([]);
  });
});

describe('metaapi adapter: modify', () => {
  it('sends SL and TP, a null one as absent, and looks no deal up', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.calls.length = 0;
    const result = await broker.modifyPosition('70000001', 1995, null);
    expect(fake.callsOf('modifyPosition')).toEqual([['70000001', 1995, undefined]]);
    expect(result).toMatchObject({
      retcode: 10009,
      outcome: 'success',
      deal: null,
      price: null,
      volume: 0,
      comment: '',
    });
    expect(fake.callsOf('getDealsByTimeRange')).toEqual([]);
    expect((await broker.positions())[0]).toMatchObject({ sl: 1995, tp: null });
  });

  it.each([
    // MetaApi's ERR_TRADE_POSITION_NOT_FOUND reads as the port's POSITION_CLOSED on every broker.
    [refuse(4753, 'ERR_TRADE_POSITION_NOT_FOUND'), 10036, 'TRADE_RETCODE_POSITION_CLOSED', 'rejected'],
    [refuse(10016, 'TRADE_RETCODE_INVALID_STOPS'), 10016, 'TRADE_RETCODE_INVALID_STOPS', 'rejected'],
    [refuse(10029, 'TRADE_RETCODE_FROZEN'), 10029, 'TRADE_RETCODE_FROZEN', 'rejected'],
    [reply(10025, 'TRADE_RETCODE_NO_CHANGES'), 10025, 'TRADE_RETCODE_NO_CHANGES', 'rejected'],
  ])('an answer %j is %s %s (%s)', async (fault, retcode, retcodeName, outcome) => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.tradeFaults.push(fault);
    expect(await broker.modifyPosition('70000001', 1995, 2010)).toMatchObject({ retcode, retcodeName, outcome });
  });

  it('a position already gone answers 10036', async () => {
    const { broker } = setup();
    expect(await broker.modifyPosition('123', 1995, 2010)).toMatchObject({ retcode: 10036, outcome: 'rejected' });
  });
});

describe('metaapi adapter: close', () => {
  it('closes a whole position with its own magic and the close id, and looks the closing deal up', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order({ volume: 0.2 }));
    fake.calls.length = 0;
    const result = await broker.closePosition('70000001', undefined, 'sx1-abc-1');
    expect(fake.callsOf('closePosition')).toEqual([['70000001', { magic: MAGIC, clientId: 'sx1-abc-1' }]]);
    expect(result).toEqual({
      retcode: 10009,
      retcodeName: 'TRADE_RETCODE_DONE',
      outcome: 'success',
      order: '70000003',
      deal: '70000004',
      volume: 0.2,
      price: 2000,
      comment: 'sx1-abc-1',
    });
    expect(await broker.positions()).toEqual([]);
    // The closing deal carries the bot's magic, so that its reconcile (deals by magic) sees it.
    const deals = await broker.deals({ from: START - 1_000, to: START + 1_000 }, { magic: MAGIC });
    expect(deals.map((d) => [d.entry, d.positionId, d.comment])).toEqual([
      ['in', '70000001', 'se1-2s'],
      ['out', '70000001', 'sx1-abc-1'],
    ]);
  });

  it('closes part of a position', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order({ side: 'sell', volume: 0.1 }));
    const result = await broker.closePosition('70000001', 0.04);
    expect(fake.callsOf('closePositionPartially')).toEqual([['70000001', 0.04, { magic: MAGIC }]]);
    expect(result).toMatchObject({ outcome: 'success', volume: 0.04, price: 2000.2, comment: '' });
    expect(await broker.positions()).toEqual([expect.objectContaining({ ticket: '70000001', volume: 0.06 })]);
  });

  it('a position that is not open answers 10036 POSITION_CLOSED without a request', async () => {
    const { broker, fake } = setup();
    expect(await broker.closePosition('70000001', undefined, 'sx1-abc-1')).toEqual({
      retcode: 10036,
      retcodeName: 'TRADE_RETCODE_POSITION_CLOSED',
      outcome: 'rejected',
      order: null,
      deal: null,
      volume: 0,
      price: null,
      comment: 'sx1-abc-1',
    });
    expect(fake.callsOf('closePosition')).toEqual([]);
  });

  it('a position its SL closed between the read and the close answers 10036 too', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.tradeFaults.push(refuse(4753, 'ERR_TRADE_POSITION_NOT_FOUND'));
    expect(await broker.closePosition('70000001')).toMatchObject({ retcode: 10036, outcome: 'rejected' });
  });

  it('refuses a close id longer than 26 characters unsent', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.calls.length = 0;
    expect(await broker.closePosition('70000001', undefined, 'y'.repeat(27))).toMatchObject({
      retcode: 10013,
      outcome: 'rejected',
    });
    expect(fake.calls).toEqual([]);
  });

  it.each([
    [refuse(10018, 'TRADE_RETCODE_MARKET_CLOSED'), 'rejected'],
    [refuse(10004, 'TRADE_RETCODE_REQUOTE'), 'retry_fresh_price'],
    [refuse(-11, 'TRADE_RETCODE_DISCONNECTED_DURING_TRADE'), 'unknown'],
  ] as const)('a close answered %j is %s', async (fault, outcome) => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.tradeFaults.push(fault);
    expect((await broker.closePosition('70000001')).outcome).toBe(outcome);
  });
});

describe('metaapi adapter: a trade it stopped waiting for', () => {
  it('is still in flight in the SDK: its lookup fails (ask again) until the SDK settles, then finds what executed', async () => {
    const { broker, fake } = setup({ timeouts: { tradeMs: 20 } });
    let release = () => {};
    fake.tradeFaults.push({ kind: 'late', release: new Promise<void>((resolve) => (release = resolve)) });

    await expect(broker.placeMarketOrder(order())).rejects.toBeInstanceOf(BrokerTimeoutError);
    // Nothing at MetaApi yet: "not found" now would invite a resend that the late trade doubles.
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000)).rejects.toMatchObject({
      name: 'MetaApiOrderPendingError',
      message: "metaapi demo-1: a trade carrying se1-2s still waits on MetaApi's answer: not final yet; ask again",
    });
    // Another order's lookup is not held up.
    await expect(broker.findOrderByComment(MAGIC, 'se9-2s', START - 1_000)).resolves.toBeNull();

    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000)).resolves.toMatchObject({
      ticket: '70000001',
      state: 'filled',
    });
  });

  it('holds its lookup for lateSendMs at most: an SDK call that never settles does not hold the order for good', async () => {
    const { broker, fake } = setup({ timeouts: { tradeMs: 20 } });
    fake.tradeFaults.push({ kind: 'hang' });
    await expect(broker.placeMarketOrder(order())).rejects.toBeInstanceOf(BrokerTimeoutError);
    fake.clock += 119_999;
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000)).rejects.toMatchObject({
      name: 'MetaApiOrderPendingError',
    });
    fake.clock += 1;
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', START - 1_000)).resolves.toBeNull();
  });

  it('is not held when it is a close: sent again, it finds its position gone', async () => {
    const { broker, fake } = setup({ timeouts: { tradeMs: 20 } });
    const opened = await broker.placeMarketOrder(order());
    const positionId = (await broker.positions())[0]!.ticket;
    fake.tradeFaults.push({ kind: 'hang' });
    await expect(broker.closePosition(positionId, undefined, 'se1-2s-c1')).rejects.toBeInstanceOf(BrokerTimeoutError);
    expect(opened.outcome).toBe('success');
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s-c1', START - 1_000)).resolves.toBeNull();
  });

  it('may still execute for lateSendMs after the engine gave up on it: 120 s unless the account says otherwise', async () => {
    await expect(setup().broker.lateSendMs()).resolves.toBe(120_000);
    await expect(setup({ lateSendMs: 300_000 }).broker.lateSendMs()).resolves.toBe(300_000);
  });
});
