// The MetaApi adapter's reads, mapped onto the port: times as UTC ms, tickets as strings, MT5 enum
// names as the port's sides, entries, reasons and states, "no SL/TP" as null.
// Long on purpose: one table per read of the port, side by side, so a mapping is checked everywhere.
import type { MetaApiDeal, MetaApiOrder, MetaApiPosition } from '../../../../brokers/metaapi/sdk-types.ts';
import { MAGIC, MINUTE_MS, setup, START } from './harness.ts';

const T = (offsetMs: number) => new Date(START + offsetMs);
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

function position(overrides: Partial<MetaApiPosition> = {}): MetaApiPosition {
  return {
    id: 1001,
    type: 'POSITION_TYPE_BUY',
    symbol: 'XAUUSDm',
    magic: MAGIC,
    time: T(-5_000),
    openPrice: 2000.2,
    currentPrice: 2001,
    volume: 0.1,
    swap: -0.3,
    profit: 7.5,
    clientId: 'se1-1',
    ...overrides,
  };
}

function deal(overrides: Partial<MetaApiDeal> = {}): MetaApiDeal {
  return {
    id: 2001,
    type: 'DEAL_TYPE_BUY',
    entryType: 'DEAL_ENTRY_IN',
    symbol: 'XAUUSDm',
    magic: MAGIC,
    time: T(-4_000),
    volume: 0.1,
    price: 2000.2,
    commission: -0.07,
    swap: 0,
    profit: 0,
    positionId: 1001,
    orderId: 1001,
    reason: 'DEAL_REASON_EXPERT',
    clientId: 'se1-1',
    ...overrides,
  };
}

function historyOrder(overrides: Partial<MetaApiOrder> = {}): MetaApiOrder {
  return {
    id: 1001,
    type: 'ORDER_TYPE_BUY',
    state: 'ORDER_STATE_FILLED',
    magic: MAGIC,
    time: T(-5_000),
    doneTime: T(-4_900),
    symbol: 'XAUUSDm',
    openPrice: 2000.2,
    volume: 0.1,
    positionId: 1001,
    clientId: 'se1-1',
    ...overrides,
  };
}

describe('metaapi adapter: account, symbols, quote', () => {
  it('maps the account information (login as a string, hedging, demo)', async () => {
    const { broker } = setup();
    expect(await broker.account()).toEqual({
      login: '51234567',
      currency: 'USD',
      leverage: 100,
      mode: 'hedging',
      balance: 10_000,
      equity: 10_000,
      margin: 0,
      freeMargin: 10_000,
      tradeMode: 'demo',
    });
  });

  it.each([
    ['ACCOUNT_MARGIN_MODE_RETAIL_HEDGING', 'hedging'],
    ['ACCOUNT_MARGIN_MODE_RETAIL_NETTING', 'netting'],
    ['ACCOUNT_MARGIN_MODE_EXCHANGE', 'netting'],
  ])('margin mode %s is %s', async (marginMode, mode) => {
    const { broker, fake } = setup();
    fake.accountInformation.marginMode = marginMode;
    expect((await broker.account()).mode).toBe(mode);
  });

  it.each([
    ['ACCOUNT_TRADE_MODE_DEMO', 'demo'],
    ['ACCOUNT_TRADE_MODE_CONTEST', 'contest'],
    ['ACCOUNT_TRADE_MODE_REAL', 'real'],
    // Anything MetaApi does not name is taken for real money, never for demo.
    ['SOMETHING_NEW', 'real'],
  ])('account type %s is %s', async (type, tradeMode) => {
    const { broker, fake } = setup();
    fake.accountInformation.type = type;
    expect((await broker.account()).tradeMode).toBe(tradeMode);
  });

  it('refuses an MT4 account', async () => {
    const { broker, fake } = setup();
    fake.accountInformation.platform = 'mt4';
    await expect(broker.account()).rejects.toThrow(/mt4: only MetaTrader 5/);
  });

  it('lists the symbols as the broker names them', async () => {
    const { broker } = setup();
    expect(await broker.symbols()).toEqual(['XAUUSDm', 'EURUSD']);
  });

  it('quotes with the time in UTC ms, keeping the price subscription', async () => {
    const { broker, fake } = setup();
    expect(await broker.quote('XAUUSDm')).toEqual({
      symbol: 'XAUUSDm',
      bid: 2000,
      ask: 2000.2,
      time: Date.UTC(2026, 2, 10, 10, 0, 30, 250),
    });
    expect(fake.callsOf('getSymbolPrice')).toEqual([['XAUUSDm', true]]);
  });
});

describe('metaapi adapter: positions', () => {
  it('maps a position: ticket as a string, time in ms, the engine id from clientId, open-part profit', async () => {
    const { broker, fake } = setup();
    fake.positions = [position({ stopLoss: 1990, takeProfit: 2010, unrealizedProfit: 8 })];
    expect(await broker.positions()).toEqual([
      {
        ticket: '1001',
        symbol: 'XAUUSDm',
        side: 'buy',
        volume: 0.1,
        priceOpen: 2000.2,
        priceCurrent: 2001,
        sl: 1990,
        tp: 2010,
        profit: 8,
        swap: -0.3,
        magic: MAGIC,
        comment: 'se1-1',
        timeOpen: START - 5_000,
      },
    ]);
  });

  it.each([
    ['absent', undefined, null],
    ['0 (MT5 for none)', 0, null],
    ['set', 1990.5, 1990.5],
  ])('an SL/TP that is %s reads %s', async (_, levelValue, expected) => {
    const { broker, fake } = setup();
    const p = position();
    if (levelValue !== undefined) Object.assign(p, { stopLoss: levelValue, takeProfit: levelValue });
    fake.positions = [p];
    const [mapped] = await broker.positions();
    expect(mapped).toMatchObject({ sl: expected, tp: expected });
  });

  it.each([
    ['POSITION_TYPE_BUY', 'buy'],
    ['POSITION_TYPE_SELL', 'sell'],
  ])('%s is a %s', async (type, side) => {
    const { broker, fake } = setup();
    fake.positions = [position({ type })];
    expect((await broker.positions())[0]?.side).toBe(side);
  });

  it.each([
    [{ clientId: 'se1-1', comment: 'x', brokerComment: 'y' }, 'se1-1'],
    [{ comment: 'se1-1' }, 'se1-1'],
    [{ brokerComment: '[sl 1990]' }, '[sl 1990]'],
    [{}, ''],
  ])('the comment of %j is %j', async (fields, comment) => {
    const { broker, fake } = setup();
    const p = position();
    delete p.clientId;
    fake.positions = [{ ...p, ...fields }];
    expect((await broker.positions())[0]?.comment).toBe(comment);
  });

  it('falls back to `profit` when MetaApi gives no unrealizedProfit', async () => {
    const { broker, fake } = setup();
    fake.positions = [position()];
    expect((await broker.positions())[0]?.profit).toBe(7.5);
  });

  it('filters by symbol and magic', async () => {
    const { broker, fake } = setup();
    fake.positions = [
      position({ id: 1 }),
      position({ id: 2, magic: 7 }),
      position({ id: 3, symbol: 'EURUSD' }),
      position({ id: '4', symbol: 'EURUSD', magic: 7 }),
    ];
    const tickets = async (filter?: { symbol?: string; magic?: number }) =>
      (await broker.positions(filter)).map((p) => p.ticket);
    expect(await tickets()).toEqual(['1', '2', '3', '4']);
    expect(await tickets({ magic: 7 })).toEqual(['2', '4']);
    expect(await tickets({ symbol: 'EURUSD' })).toEqual(['3', '4']);
    expect(await tickets({ symbol: 'EURUSD', magic: MAGIC })).toEqual(['3']);
  });
});

describe('metaapi adapter: charges', () => {
  /** A deal of no trade: no symbol, no position. */
  function money(id: number, type: string, profit: number, at: number): MetaApiDeal {
    const moved = deal({ id, type, profit, commission: 0, swap: 0, time: T(at) });
    delete moved.symbol;
    delete moved.positionId;
    return moved;
  }

  it("lists the account's charges, oldest first: not its trades, deposits, credit, bonuses or an agent's commissions", async () => {
    const { broker, fake } = setup();
    fake.deals = [
      money(5, 'DEAL_TAX', -0.25, -1_000),
      deal({ id: 1 }),
      money(2, 'DEAL_TYPE_COMMISSION_DAILY', -4.5, -3_000),
      money(3, 'DEAL_TYPE_BALANCE', 500, -2_500),
      money(4, 'DEAL_TYPE_COMMISSION_AGENT_DAILY', -1, -2_000),
      money(6, 'DEAL_TYPE_BONUS', 50, -1_500),
      { ...money(7, 'DEAL_TYPE_INTEREST', -0.5, -500), commission: -0.1, swap: -0.05 },
    ];
    expect(await broker.charges(ALL_TIME)).toEqual([
      { ticket: '2', type: 'DEAL_TYPE_COMMISSION_DAILY', amount: -4.5, time: START - 3_000 },
      { ticket: '5', type: 'DEAL_TAX', amount: -0.25, time: START - 1_000 },
      // Whichever of its fields the broker booked it in.
      { ticket: '7', type: 'DEAL_TYPE_INTEREST', amount: expect.closeTo(-0.65, 9), time: START - 500 },
    ]);
  });
});

describe('metaapi adapter: deals', () => {
  it('maps a deal: tickets as strings, time in ms, side, entry, reason', async () => {
    const { broker, fake } = setup();
    fake.deals = [deal()];
    expect(await broker.deals(ALL_TIME)).toEqual([
      {
        ticket: '2001',
        order: '1001',
        positionId: '1001',
        symbol: 'XAUUSDm',
        side: 'buy',
        entry: 'in',
        reason: 'expert',
        volume: 0.1,
        price: 2000.2,
        commission: -0.07,
        swap: 0,
        profit: 0,
        magic: MAGIC,
        comment: 'se1-1',
        time: START - 4_000,
      },
    ]);
  });

  it.each([
    ['DEAL_ENTRY_IN', 'in'],
    ['DEAL_ENTRY_OUT', 'out'],
    ['DEAL_ENTRY_INOUT', 'inout'],
    ['DEAL_ENTRY_OUT_BY', 'out'],
  ])('entry %s is %s', async (entryType, entry) => {
    const { broker, fake } = setup();
    fake.deals = [deal({ entryType })];
    expect((await broker.deals(ALL_TIME))[0]?.entry).toBe(entry);
  });

  it.each([
    ['DEAL_REASON_EXPERT', 'expert'],
    ['DEAL_REASON_SL', 'sl'],
    ['DEAL_REASON_TP', 'tp'],
    ['DEAL_REASON_SO', 'so'],
    ['DEAL_REASON_CLIENT', 'client'],
    ['DEAL_REASON_MOBILE', 'client'],
    ['DEAL_REASON_WEB', 'client'],
    ['DEAL_REASON_ROLLOVER', 'expert'],
    ['DEAL_REASON_VMARGIN', 'expert'],
    ['DEAL_REASON_SPLIT', 'expert'],
    ['DEAL_REASON_CORPORATE_ACTION', 'expert'],
    [undefined, 'client'],
  ])('reason %s is %s', async (reason, expected) => {
    const { broker, fake } = setup();
    const d = deal();
    delete d.reason;
    fake.deals = [reason === undefined ? d : { ...d, reason }];
    expect((await broker.deals(ALL_TIME))[0]?.reason).toBe(expected);
  });

  it.each([
    ['DEAL_TYPE_BUY', 'buy'],
    ['DEAL_TYPE_SELL', 'sell'],
  ])('%s is a %s', async (type, side) => {
    const { broker, fake } = setup();
    fake.deals = [deal({ type })];
    expect((await broker.deals(ALL_TIME))[0]?.side).toBe(side);
  });

  it('leaves out balance, credit and other money movements', async () => {
    const { broker, fake } = setup();
    // A balance deal has no symbol.
    const balance = deal({ id: 1, type: 'DEAL_TYPE_BALANCE', profit: 10_000 });
    delete balance.symbol;
    fake.deals = [
      balance,
      deal({ id: 2 }),
      deal({ id: 3, type: 'DEAL_TYPE_CREDIT' }),
      deal({ id: 4, type: 'DEAL_TYPE_COMMISSION' }),
    ];
    expect((await broker.deals(ALL_TIME)).map((d) => d.ticket)).toEqual(['2']);
  });

  it('filters by magic and position, oldest first', async () => {
    const { broker, fake } = setup();
    fake.deals = [
      deal({ id: 3, time: T(-1_000), positionId: 1002, orderId: 1003 }),
      deal({ id: 1, time: T(-3_000) }),
      deal({ id: 2, time: T(-2_000), magic: 7, positionId: 1002 }),
    ];
    const tickets = async (filter?: { magic?: number; positionId?: string }) =>
      (await broker.deals(ALL_TIME, filter)).map((d) => d.ticket);
    expect(await tickets()).toEqual(['1', '2', '3']);
    expect(await tickets({ magic: MAGIC })).toEqual(['1', '3']);
    expect(await tickets({ positionId: '1002' })).toEqual(['2', '3']);
    expect(await tickets({ magic: MAGIC, positionId: '1002' })).toEqual(['3']);
  });

  it('reads the range inclusive at both ends (MetaApi ends exclusive)', async () => {
    const { broker, fake } = setup();
    fake.deals = [
      deal({ id: 1, time: T(-2_001) }),
      deal({ id: 2, time: T(-2_000) }),
      deal({ id: 3, time: T(0) }),
      deal({ id: 4, time: T(1) }),
    ];
    const deals = await broker.deals({ from: START - 2_000, to: START });
    expect(deals.map((d) => d.ticket)).toEqual(['2', '3']);
    const [[start, end]] = fake.callsOf('getDealsByTimeRange') as [[Date, Date]];
    expect([start.getTime(), end.getTime()]).toEqual([START - 2_000, START + 1]);
  });

  it('reads "all of time" (the contract suite\'s 0 … MAX_SAFE_INTEGER) as dates MetaApi can take', async () => {
    const { broker, fake } = setup();
    fake.deals = [deal()];
    expect(await broker.deals(ALL_TIME)).toHaveLength(1);
    const [[start, end]] = fake.callsOf('getDealsByTimeRange') as [[Date, Date]];
    expect([start.toISOString(), end.toISOString()]).toEqual(['1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']);
  });

  it('reads every page of a long history (MetaApi answers at most 1000 at a time)', async () => {
    const { broker, fake } = setup();
    fake.deals = Array.from({ length: 2_345 }, (_, i) => deal({ id: 10_000 + i, time: T(-10_000_000 + i * 1_000) }));
    const deals = await broker.deals(ALL_TIME);
    expect(deals).toHaveLength(2_345);
    expect(new Set(deals.map((d) => d.ticket)).size).toBe(2_345);
    expect(fake.callsOf('getDealsByTimeRange').map((args) => [args[2], args[3]])).toEqual([
      [0, 1000],
      [1000, 1000],
      [2000, 1000],
    ]);
  });

  it('reads a history exactly one page long with one more (empty) page', async () => {
    const { broker, fake } = setup();
    fake.deals = Array.from({ length: 1000 }, (_, i) => deal({ id: 10_000 + i, time: T(-2_000_000 + i * 1_000) }));
    expect(await broker.deals(ALL_TIME)).toHaveLength(1000);
    expect(fake.callsOf('getDealsByTimeRange')).toHaveLength(2);
  });
});

describe('metaapi adapter: history orders', () => {
  it('maps a final market order: tickets as strings, times in ms', async () => {
    const { broker, fake } = setup();
    fake.historyOrders = [historyOrder()];
    expect(await broker.historyOrders(ALL_TIME)).toEqual([
      {
        ticket: '1001',
        symbol: 'XAUUSDm',
        side: 'buy',
        volume: 0.1,
        priceOpen: 2000.2,
        state: 'filled',
        positionId: '1001',
        magic: MAGIC,
        comment: 'se1-1',
        timeSetup: START - 5_000,
        timeDone: START - 4_900,
      },
    ]);
  });

  it.each([
    ['ORDER_STATE_FILLED', 'filled'],
    ['ORDER_STATE_PARTIAL', 'partially_filled'],
    ['ORDER_STATE_REJECTED', 'rejected'],
    ['ORDER_STATE_CANCELED', 'cancelled'],
    ['ORDER_STATE_EXPIRED', 'cancelled'],
  ])('state %s is %s', async (state, expected) => {
    const { broker, fake } = setup();
    fake.historyOrders = [historyOrder({ state })];
    expect((await broker.historyOrders(ALL_TIME))[0]?.state).toBe(expected);
  });

  it('leaves out orders in flight and orders of other kinds', async () => {
    const { broker, fake } = setup();
    fake.historyOrders = [
      historyOrder({ id: 1, state: 'ORDER_STATE_STARTED' }),
      historyOrder({ id: 2, state: 'ORDER_STATE_PLACED' }),
      historyOrder({ id: 3, state: 'ORDER_STATE_REQUEST_ADD' }),
      historyOrder({ id: 4, type: 'ORDER_TYPE_BUY_LIMIT', state: 'ORDER_STATE_CANCELED' }),
      historyOrder({ id: 5, type: 'ORDER_TYPE_CLOSE_BY' }),
      historyOrder({ id: 6, type: 'ORDER_TYPE_SELL' }),
    ];
    expect(await broker.historyOrders(ALL_TIME)).toEqual([expect.objectContaining({ ticket: '6', side: 'sell' })]);
  });

  it('takes the setup time as the done time when MetaApi gives none', async () => {
    const { broker, fake } = setup();
    const o = historyOrder();
    delete o.doneTime;
    fake.historyOrders = [o];
    expect((await broker.historyOrders(ALL_TIME))[0]?.timeDone).toBe(START - 5_000);
  });

  it('filters by magic, oldest first', async () => {
    const { broker, fake } = setup();
    fake.historyOrders = [
      historyOrder({ id: 2, time: T(-1_000) }),
      historyOrder({ id: 1, time: T(-2_000) }),
      historyOrder({ id: 3, time: T(-1_500), magic: 7 }),
    ];
    expect((await broker.historyOrders(ALL_TIME)).map((o) => o.ticket)).toEqual(['1', '3', '2']);
    expect((await broker.historyOrders(ALL_TIME, { magic: MAGIC })).map((o) => o.ticket)).toEqual(['1', '2']);
  });
});

describe('metaapi adapter: closed bars', () => {
  const FORMING = Math.floor(START / MINUTE_MS) * MINUTE_MS;

  it('gives the last closed M1 bars oldest first, never the one still forming', async () => {
    const { broker, fake } = setup();
    fake.addCandles('XAUUSDm', FORMING, 10);
    const bars = await broker.closedBars('XAUUSDm', 3);
    expect(bars.map((b) => b.openTime)).toEqual([
      FORMING - 3 * MINUTE_MS,
      FORMING - 2 * MINUTE_MS,
      FORMING - MINUTE_MS,
    ]);
    expect(bars[2]).toEqual({
      openTime: FORMING - MINUTE_MS,
      open: expect.any(Number),
      high: expect.any(Number),
      low: expect.any(Number),
      close: expect.any(Number),
      tickVolume: 18,
      spread: 20,
    });
    const [[symbol, timeframe, startTime]] = fake.callsOf('getHistoricalCandles') as [[string, string, Date]];
    expect([symbol, timeframe, startTime.getTime()]).toEqual(['XAUUSDm', '1m', FORMING - 1]);
  });

  it('drops a forming bar even when MetaApi sends it', async () => {
    const { broker, fake } = setup();
    fake.addCandles('XAUUSDm', FORMING, 5);
    // A candle source that ignores startTime and answers the latest candles, the forming one included.
    const original = fake.getHistoricalCandles.bind(fake);
    fake.getHistoricalCandles = (symbol, timeframe, _startTime, limit) => original(symbol, timeframe, undefined, limit);
    const bars = await broker.closedBars('XAUUSDm', 2);
    expect(bars.map((b) => b.openTime)).toEqual([FORMING - 2 * MINUTE_MS, FORMING - MINUTE_MS]);
  });

  it('reads backwards page by page past MetaApi’s 1000 candles, without duplicates', async () => {
    const { broker, fake } = setup();
    fake.addCandles('XAUUSDm', FORMING - MINUTE_MS, 2_500);
    const bars = await broker.closedBars('XAUUSDm', 1_500);
    expect(bars).toHaveLength(1_500);
    expect(bars.at(-1)?.openTime).toBe(FORMING - MINUTE_MS);
    expect(bars[0]?.openTime).toBe(FORMING - 1_500 * MINUTE_MS);
    expect(bars.every((b, i) => i === 0 || b.openTime - bars[i - 1]!.openTime === MINUTE_MS)).toBe(true);
    expect(fake.callsOf('getHistoricalCandles')).toHaveLength(2);
  });

  it('gives what there is when the history is shorter than asked', async () => {
    const { broker, fake } = setup();
    fake.addCandles('XAUUSDm', FORMING - MINUTE_MS, 4);
    expect(await broker.closedBars('XAUUSDm', 50)).toHaveLength(4);
    expect(await broker.closedBars('EURUSD', 50)).toEqual([]);
  });
});

describe('metaapi adapter: instrument', () => {
  const FORMING = Math.floor(START / MINUTE_MS) * MINUTE_MS;

  it('maps the spec, the loss tick value and the margin; pip and widest spread by default', async () => {
    const { broker, fake } = setup();
    // An hour of bars with a median spread of 25 points (a news spike at 90 does not move it).
    fake.addCandles('XAUUSDm', FORMING - MINUTE_MS, 60, (i) => (i === 59 ? 90 : i % 2 === 0 ? 20 : 30));
    expect(await broker.instrument('XAUUSDm')).toEqual({
      symbol: 'XAUUSDm',
      digits: 2,
      point: 0.01,
      tickSize: 0.01,
      tickValue: 1.0001,
      contractSize: 100,
      volumeMin: 0.01,
      volumeMax: 200,
      volumeStep: 0.01,
      stopsLevel: 30,
      freezeLevel: 5,
      fillingModes: ['FOK', 'IOC'],
      maxSpreadPoints: 75,
      pipSize: 0.1,
      marginRate: 2000.2 / (100 * 2000.2),
      correlationGroup: 'XAUUSDm',
      commissionPerLot: 0,
    });
    expect(fake.callsOf('calculateMargin')).toEqual([
      [{ symbol: 'XAUUSDm', type: 'ORDER_TYPE_BUY', volume: 1, openPrice: 2000.2 }],
    ]);
  });

  it('takes the configured facts of a symbol, and reads no bars when the widest spread is configured', async () => {
    const { broker, fake } = setup({
      instruments: {
        XAUUSDm: { pipSize: 0.01, maxSpreadPoints: 40, correlationGroup: 'gold', commissionPerLot: 3.5 },
      },
    });
    expect(await broker.instrument('XAUUSDm')).toMatchObject({
      pipSize: 0.01,
      maxSpreadPoints: 40,
      correlationGroup: 'gold',
      commissionPerLot: 3.5,
    });
    expect(fake.callsOf('getHistoricalCandles')).toEqual([]);
    // Overrides are per symbol: another symbol keeps the defaults.
    expect(await broker.instrument('EURUSD')).toMatchObject({
      pipSize: 0.0001,
      correlationGroup: 'EURUSD',
      commissionPerLot: 0,
    });
  });

  it('with no bars (a closed or new market) takes 3 × the spread quoted now; no margin reads 0', async () => {
    const { broker } = setup();
    // EURUSD: 12 points quoted, no candles, no margin answer.
    expect(await broker.instrument('EURUSD')).toMatchObject({
      maxSpreadPoints: 36,
      marginRate: 0,
      fillingModes: ['IOC'],
    });
  });

  it.each([
    [['SYMBOL_FILLING_FOK'], ['FOK']],
    [
      ['SYMBOL_FILLING_IOC', 'SYMBOL_FILLING_FOK'],
      ['IOC', 'FOK'],
    ],
    [['SYMBOL_FILLING_RETURN'], ['RETURN']],
    [[], ['RETURN']],
    [['SYMBOL_FILLING_BOC'], ['RETURN']],
  ])('filling modes %j are %j', async (fillingModes, expected) => {
    const { broker, fake } = setup({ instruments: { EURUSD: { maxSpreadPoints: 30 } } });
    fake.symbols.get('EURUSD')!.spec.fillingModes = fillingModes;
    expect((await broker.instrument('EURUSD')).fillingModes).toEqual(expected);
  });
});
