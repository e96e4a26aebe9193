// Finding an order whose reply was lost, and history replies marked `synchronizing`: "don't know
// yet" must fail the read (its activity retries it), never answer "not there" (which invites a
// resend, and with it a duplicate order).
import { MetaApiOrderPendingError, MetaApiSynchronizingError } from '../../../../brokers/metaapi/index.ts';
import { HINT_WINDOW_MS } from '../../../../brokers/metaapi/lookup.ts';
import type { MetaApiDeal, MetaApiOrder } from '../../../../brokers/metaapi/sdk-types.ts';
import { MAGIC, order, setup, START } from './harness.ts';

const SINCE = START - 1_000;
const HINT = { symbol: 'XAUUSDm', side: 'buy' as const, volume: 0.1 };

function historyOrder(overrides: Partial<MetaApiOrder> = {}): MetaApiOrder {
  return {
    id: 900,
    type: 'ORDER_TYPE_BUY',
    state: 'ORDER_STATE_FILLED',
    magic: MAGIC,
    time: new Date(START),
    symbol: 'XAUUSDm',
    openPrice: 2000.2,
    volume: 0.1,
    positionId: 900,
    clientId: 'se1-2s',
    ...overrides,
  };
}

describe('metaapi adapter: findOrderByComment', () => {
  it('finds a sent order among the history orders by magic and clientId', async () => {
    const { broker } = setup();
    await broker.placeMarketOrder(order());
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toEqual({
      ticket: '70000001',
      symbol: 'XAUUSDm',
      side: 'buy',
      volume: 0.1,
      priceOpen: 2000.2,
      state: 'filled',
      positionId: '70000001',
      magic: MAGIC,
      comment: 'se1-2s',
      timeSetup: START,
      timeDone: START,
    });
  });

  it('reads the history from `since` to a little past now, then the open positions', async () => {
    const { broker, fake } = setup();
    await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE);
    const [[start, end]] = fake.callsOf('getHistoryOrdersByTimeRange') as [[Date, Date]];
    expect(start.getTime()).toBe(SINCE);
    expect(end.getTime()).toBeGreaterThan(START);
    expect(fake.callsOf('getPositions')).toHaveLength(1);
  });

  it('an order still active at the broker (accepted, not finished, in no history) fails the lookup, never null', async () => {
    const { broker, fake } = setup();
    fake.orders = [historyOrder({ state: 'ORDER_STATE_PLACED', positionId: undefined })];
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).rejects.toBeInstanceOf(MetaApiOrderPendingError);
    fake.orders = [historyOrder({ state: 'ORDER_STATE_PLACED', magic: MAGIC + 1 })];
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).resolves.toBeNull();
  });

  it('finds an order whose comment (not clientId) holds the id', async () => {
    const { broker, fake } = setup();
    const o = historyOrder({ comment: 'se1-2s' });
    delete o.clientId;
    fake.historyOrders = [o];
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toMatchObject({ ticket: '900' });
  });

  it('finds the position when its order is not in the history (yet)', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.historyOrders = [];
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toEqual({
      ticket: '70000001',
      symbol: 'XAUUSDm',
      side: 'buy',
      volume: 0.1,
      priceOpen: 2000.2,
      state: 'filled',
      positionId: '70000001',
      magic: MAGIC,
      comment: 'se1-2s',
      timeSetup: START,
      timeDone: START,
    });
  });

  it('answers null when the complete history and the positions hold no such order', async () => {
    const { broker } = setup();
    await broker.placeMarketOrder(order({ comment: 'se1-3s' }));
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toBeNull();
  });

  it('ignores an order with that id under another magic', async () => {
    const { broker } = setup();
    await broker.placeMarketOrder(order({ magic: 7 }));
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toBeNull();
    expect(await broker.findOrderByComment(7, 'se1-2s', SINCE)).toMatchObject({ ticket: '70000001' });
  });

  it.each([
    ['ORDER_STATE_REJECTED', 'rejected'],
    ['ORDER_STATE_CANCELED', 'cancelled'],
    ['ORDER_STATE_PARTIAL', 'partially_filled'],
  ])('finds an order in state %s as %s', async (state, expected) => {
    const { broker, fake } = setup();
    fake.historyOrders = [historyOrder({ state })];
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toMatchObject({ ticket: '900', state: expected });
  });

  it('gives the latest of several orders with the id (a rejection, then the resend that filled)', async () => {
    const { broker, fake } = setup();
    fake.historyOrders = [
      historyOrder({ id: 902, time: new Date(START + 2_000) }),
      historyOrder({ id: 901, state: 'ORDER_STATE_REJECTED', time: new Date(START) }),
    ];
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toMatchObject({ ticket: '902', state: 'filled' });
  });

  it.each(['ORDER_STATE_STARTED', 'ORDER_STATE_PLACED', 'ORDER_STATE_REQUEST_ADD'])(
    'an order still %s fails the lookup (MetaApiOrderPendingError), never null',
    async (state) => {
      const { broker, fake } = setup();
      fake.historyOrders = [historyOrder({ state })];
      await expect(broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).rejects.toBeInstanceOf(MetaApiOrderPendingError);
    },
  );

  it.each([
    ['nothing (the dangerous case)', 'nothing'],
    ['the part already loaded', 'everything'],
  ] as const)(
    'a history marked synchronizing, carrying %s, fails the lookup (MetaApiSynchronizingError), never null',
    async (_, returns) => {
      const { broker, fake } = setup();
      await broker.placeMarketOrder(order());
      // The order was sent and its position closed already; the reply does not carry the order (yet).
      fake.positions = [];
      if (returns === 'everything') fake.historyOrders = [];
      fake.synchronizingReturns = returns;
      fake.synchronizing.historyOrders = 1;
      const lookup = broker.findOrderByComment(MAGIC, 'se1-2s', SINCE);
      await expect(lookup).rejects.toBeInstanceOf(MetaApiSynchronizingError);
      await expect(lookup).rejects.toThrow(/lookup of se1-2s: MetaApi is still synchronizing/);
    },
  );

  it('asked again once synchronized, it answers', async () => {
    const { broker, fake } = setup();
    await broker.placeMarketOrder(order());
    fake.synchronizing.historyOrders = 1;
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).rejects.toBeInstanceOf(MetaApiSynchronizingError);
    expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toMatchObject({ ticket: '70000001' });
  });

  it('a page after the first marked synchronizing fails it too', async () => {
    const { broker, fake } = setup();
    fake.historyOrders = Array.from({ length: 1_000 }, (_, i) =>
      historyOrder({ id: 5_000 + i, clientId: `other-${i}`, time: new Date(SINCE + i) }),
    );
    const original = fake.getHistoryOrdersByTimeRange.bind(fake);
    fake.getHistoryOrdersByTimeRange = async (start, end, offset, limit) => {
      const page = await original(start, end, offset, limit);
      return offset === 0 ? page : { historyOrders: [], synchronizing: true };
    };
    await expect(broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).rejects.toBeInstanceOf(MetaApiSynchronizingError);
  });

  describe('a comment the broker rewrote (the clientId lost with it)', () => {
    async function rewritten(overrides: Parameters<typeof order>[0] = {}) {
      const context = setup();
      context.fake.rewriteCommentTo = '[broker 7]';
      await context.broker.placeMarketOrder(order(overrides));
      return context;
    }

    it('is not found by the id alone', async () => {
      const { broker } = await rewritten();
      expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE)).toBeNull();
    });

    it('is found by magic + symbol + side + volume shortly after `since`, with a hint', async () => {
      const { broker } = await rewritten();
      expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE, HINT)).toMatchObject({
        ticket: '70000001',
        state: 'filled',
        comment: '[broker 7]',
      });
    });

    it('is found as the open position when its order is not in the history (yet)', async () => {
      const { broker, fake } = await rewritten();
      fake.historyOrders = [];
      expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE, HINT)).toMatchObject({ ticket: '70000001' });
    });

    it.each([
      ['another side', { ...HINT, side: 'sell' as const }, SINCE],
      ['another volume', { ...HINT, volume: 0.2 }, SINCE],
      ['another symbol', { ...HINT, symbol: 'EURUSD' }, SINCE],
      ['too long after `since`', HINT, START - HINT_WINDOW_MS - 1],
    ])('is not matched with %s', async (_, hint, since) => {
      const { broker } = await rewritten();
      expect(await broker.findOrderByComment(MAGIC, 'se1-2s', since, hint)).toBeNull();
    });

    it('never takes a close (an order that opened no position) for the open looked for', async () => {
      const { broker, fake } = await rewritten();
      await broker.closePosition('70000001', undefined, 'sx1-1fpp1-1');
      fake.positions = [];
      const close = { ...HINT, side: 'sell' as const };
      expect(fake.historyOrders.map((o) => [o.type, String(o.positionId) === String(o.id)])).toEqual([
        ['ORDER_TYPE_BUY', true],
        ['ORDER_TYPE_SELL', false],
      ]);
      expect(await broker.findOrderByComment(MAGIC, 'se1-2t', SINCE, close)).toBeNull();
    });

    it('never matches an order that still carries some other id of the engine', async () => {
      const { broker } = setup();
      await broker.placeMarketOrder(order({ comment: 'se1-9z' }));
      expect(await broker.findOrderByComment(MAGIC, 'se1-2s', SINCE, HINT)).toBeNull();
    });
  });
});

describe('metaapi adapter: history marked synchronizing', () => {
  const RANGE = { from: START - 60_000, to: START + 60_000 };

  function deal(id: number): MetaApiDeal {
    return {
      id,
      type: 'DEAL_TYPE_BUY',
      entryType: 'DEAL_ENTRY_IN',
      symbol: 'XAUUSDm',
      magic: MAGIC,
      time: new Date(START),
      volume: 0.1,
      price: 2000.2,
      profit: 0,
      positionId: id,
      orderId: id,
    };
  }

  it.each([
    ['deals', 'deals', (b: ReturnType<typeof setup>['broker']) => b.deals(RANGE)],
    ['history orders', 'historyOrders', (b: ReturnType<typeof setup>['broker']) => b.historyOrders(RANGE)],
  ] as const)('%s: a synchronizing reply fails the read, never an empty list', async (what, key, read) => {
    const { broker, fake } = setup();
    fake.synchronizing[key] = 1;
    const reading = read(broker);
    await expect(reading).rejects.toBeInstanceOf(MetaApiSynchronizingError);
    await expect(reading).rejects.toThrow(new RegExp(`metaapi demo-1: ${what}: MetaApi is still synchronizing`));
    // Once synchronized, the same read answers (here: truly nothing).
    expect(await read(broker)).toEqual([]);
  });

  it('deals: a synchronizing reply carrying a partial list fails the read too', async () => {
    const { broker, fake } = setup();
    fake.deals = [deal(1), deal(2)];
    fake.synchronizingReturns = 'everything';
    fake.synchronizing.deals = 1;
    await expect(broker.deals(RANGE)).rejects.toBeInstanceOf(MetaApiSynchronizingError);
    expect(await broker.deals(RANGE)).toHaveLength(2);
  });
});
