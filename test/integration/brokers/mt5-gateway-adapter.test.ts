// What the mt5-gateway adapter adds to the broker contract, against the real gateway process on
// its simulated terminal: mappings and time conversion, unknown outcomes and their lookups,
// filling-mode retries, rewritten comments, and the transport's failures (timeouts, 401, 503).
// Long on purpose: one gateway process started once serves every case (starting it costs seconds).
import { BrokerTimeoutError } from '../../../brokers/errors.ts';
import { GatewayAuthError, GatewayHttpError } from '../../../brokers/mt5-gateway/index.ts';
import { fillingModes } from '../../../brokers/mt5-gateway/instrument.ts';
import { deal, historyOrder } from '../../../brokers/mt5-gateway/mapping.ts';
import { paperInstruments } from '../../../brokers/paper/instruments.ts';
import type { BrokerPort, MarketOrderRequest } from '../../../brokers/port.ts';
import { freePort } from '../../../infra/ports.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import {
  CONTRACT_BALANCE,
  CONTRACT_SPREAD_POINTS,
  CONTRACT_START,
  CONTRACT_SYMBOL,
  type ContractBar,
  type ContractSetup,
  contractSetup,
} from '../../unit/brokers/contract/broker-contract.ts';
import {
  GATEWAY_TRADE_TIMEOUT_MS,
  gatewayBroker,
  type ScenarioExtras,
  scenarioBody,
  SERVER_UTC_OFFSET_HOURS,
  simulator,
} from './mt5-gateway-harness.ts';

const MINUTE_MS = 60_000;
const MAGIC = 7171;
const COMMISSION = 3.5;
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };
/** Minute i: O=2000+i H=+0.5 L=-0.5 C=+0.25, so each bar is told apart from its neighbours. */
const BARS: ContractBar[] = Array.from({ length: 8 }, (_, i) => ({
  open: 2000 + i,
  high: 2000.5 + i,
  low: 1999.5 + i,
  close: 2000.25 + i,
}));

let gateway: GatewayProcess;
let sim: ReturnType<typeof simulator>;

beforeAll(async () => {
  gateway = await startGateway({
    token: 'adapter-token',
    tradeTimeoutMs: GATEWAY_TRADE_TIMEOUT_MS,
    serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS,
  });
  sim = simulator(gateway);
}, 300_000);

afterAll(() => gateway?.stop());

async function scenario(setup: Partial<ContractSetup> = {}, extras: ScenarioExtras = {}): Promise<BrokerPort> {
  await sim.scenario(scenarioBody(contractSetup({ bars: BARS, commissionPerLot: COMMISSION, ...setup }), extras));
  return gatewayBroker(gateway, COMMISSION);
}

function order(comment: string, overrides: Partial<MarketOrderRequest> = {}): MarketOrderRequest {
  return {
    symbol: CONTRACT_SYMBOL,
    side: 'buy',
    volume: 0.1,
    price: 2000.2,
    sl: null,
    tp: null,
    deviationPoints: 10,
    magic: MAGIC,
    comment,
    ...overrides,
  };
}

describe('mt5-gateway adapter: reads', () => {
  it('maps the account: netting mode, demo, free margin', async () => {
    const broker = await scenario({ mode: 'netting' });
    const account = await broker.account();
    expect(account).toMatchObject({
      login: 'contract-1',
      currency: 'USD',
      leverage: 100,
      mode: 'netting',
      tradeMode: 'demo',
      balance: CONTRACT_BALANCE,
    });
    expect(account.freeMargin).toBeCloseTo(account.equity - account.margin, 8);
    expect(await broker.symbols()).toContain(CONTRACT_SYMBOL);
  });

  it('maps the symbol spec, with per-symbol overrides or the documented defaults', async () => {
    const broker = await scenario();
    const paper = paperInstruments(100).find((spec) => spec.symbol === CONTRACT_SYMBOL)!;
    expect(await broker.instrument(CONTRACT_SYMBOL)).toEqual({
      ...paper,
      marginRate: expect.closeTo(paper.marginRate, 10),
      commissionPerLot: COMMISSION,
    });
    const unconfigured = gatewayBroker(gateway, COMMISSION, { instruments: {} });
    expect(await unconfigured.instrument(CONTRACT_SYMBOL)).toMatchObject({
      pipSize: expect.closeTo(10 * paper.point, 12),
      correlationGroup: CONTRACT_SYMBOL,
      commissionPerLot: 0,
      // No closed bar yet: 3 × the symbol's current spread.
      maxSpreadPoints: 3 * CONTRACT_SPREAD_POINTS,
    });
    await sim.advance(5 * MINUTE_MS);
    // Five closed bars: 3 × their median spread.
    expect((await unconfigured.instrument(CONTRACT_SYMBOL)).maxSpreadPoints).toBe(3 * CONTRACT_SPREAD_POINTS);
    await expect(broker.instrument('NOSUCHm')).rejects.toThrow(GatewayHttpError);
  });

  it.each([
    [
      ['FOK', 'IOC'],
      ['FOK', 'IOC'],
    ],
    [['IOC'], ['IOC']],
    [[], ['RETURN']],
  ] as const)('filling_mode bits %j are the filling modes %j', async (bits, modes) => {
    const broker = await scenario({}, { fillingModes: [...bits] });
    expect((await broker.instrument(CONTRACT_SYMBOL)).fillingModes).toEqual(modes);
  });

  it('quotes and closed bars are in UTC across the server offset; the forming bar never shows', async () => {
    const broker = await scenario();
    const quote = await broker.quote(CONTRACT_SYMBOL);
    expect(quote).toMatchObject({ symbol: CONTRACT_SYMBOL });
    expect(quote.ask - quote.bid).toBeCloseTo(CONTRACT_SPREAD_POINTS * 0.01, 8);
    expect(quote.time).toBeGreaterThanOrEqual(CONTRACT_START);
    expect(quote.time).toBeLessThanOrEqual(CONTRACT_START + MINUTE_MS / 2);
    expect(await broker.closedBars(CONTRACT_SYMBOL, 5)).toEqual([]);

    await sim.advance(3 * MINUTE_MS);
    expect(await broker.closedBars(CONTRACT_SYMBOL, 10)).toEqual(
      BARS.slice(0, 3).map((bar, minute) => ({
        ...bar,
        openTime: CONTRACT_START + minute * MINUTE_MS,
        tickVolume: expect.any(Number),
        spread: CONTRACT_SPREAD_POINTS,
      })),
    );
    const lastTwo = await broker.closedBars(CONTRACT_SYMBOL, 2);
    expect(lastTwo.map((bar) => bar.openTime)).toEqual([CONTRACT_START + MINUTE_MS, CONTRACT_START + 2 * MINUTE_MS]);
  });

  it('positions, deals and history orders carry UTC times, string tickets and null stops', async () => {
    const broker = await scenario();
    const placed = await broker.placeMarketOrder(order('map-1', { sl: 1990, tp: 2010 }));
    const bare = await broker.placeMarketOrder(order('map-2', { side: 'sell', price: 2000 }));
    const opened = CONTRACT_START + MINUTE_MS / 2;
    expect(await broker.positions({ symbol: CONTRACT_SYMBOL, magic: MAGIC })).toEqual([
      expect.objectContaining({ ticket: placed.order, side: 'buy', sl: 1990, tp: 2010, timeOpen: opened }),
      expect.objectContaining({ ticket: bare.order, side: 'sell', sl: null, tp: null, timeOpen: opened }),
    ]);
    expect(await broker.positions({ magic: MAGIC + 1 })).toEqual([]);
    const deals = await broker.deals({ from: opened, to: opened }, { magic: MAGIC });
    expect(deals.map((d) => [typeof d.ticket, d.time, d.reason, d.entry])).toEqual([
      ['string', opened, expect.any(String), 'in'],
      ['string', opened, expect.any(String), 'in'],
    ]);
    expect(await broker.deals({ from: opened + 1, to: opened + MINUTE_MS })).toEqual([]);
    const history = await broker.historyOrders(ALL_TIME, { magic: MAGIC });
    expect(history.map((o) => [o.ticket, o.state, o.timeSetup, o.comment])).toEqual([
      [placed.order, 'filled', opened, 'map-1'],
      [bare.order, 'filled', opened, 'map-2'],
    ]);
  });
});

describe('mt5-gateway adapter: unknown outcomes and lookups', () => {
  it('a lost reply is unknown (10012); the lookup finds the executed order, so nothing is resent', async () => {
    const broker = await scenario({ faults: ['lost_reply'] });
    const result = await broker.placeMarketOrder(order('lost-1'));
    expect(result).toMatchObject({ retcode: 10012, retcodeName: 'TRADE_RETCODE_TIMEOUT', outcome: 'unknown' });
    const found = await broker.findOrderByComment(MAGIC, 'lost-1', CONTRACT_START);
    expect(found).toMatchObject({ state: 'filled', comment: 'lost-1', side: 'buy', magic: MAGIC });
    expect((await broker.positions()).map((p) => p.ticket)).toEqual([found?.positionId]);
    expect((await sim.state()).orders).toHaveLength(1);
  });

  it.each([
    ['timeout', 10012, 'TRADE_RETCODE_TIMEOUT'],
    ['disconnect', 10031, 'TRADE_RETCODE_CONNECTION'],
  ] as const)('a %s before execution is unknown (%i); the lookup finds nothing', async (fault, retcode, name) => {
    const broker = await scenario({}, { faults: [fault] });
    const result = await broker.placeMarketOrder(order('gone-1'));
    expect(result).toMatchObject({ retcode, retcodeName: name, outcome: 'unknown', order: null });
    expect(await broker.findOrderByComment(MAGIC, 'gone-1', CONTRACT_START)).toBeNull();
    expect((await sim.state()).orders).toHaveLength(0);
  });

  it('a gateway slower than tradeMs: BrokerTimeoutError, and the lookup then finds the order', async () => {
    await scenario({}, { faults: ['hang'] });
    const impatient = gatewayBroker(gateway, COMMISSION, { timeouts: { readMs: 5_000, tradeMs: 150 } });
    await expect(impatient.placeMarketOrder(order('slow-1'))).rejects.toThrow(BrokerTimeoutError);
    const found = await impatient.findOrderByComment(MAGIC, 'slow-1', CONTRACT_START);
    expect(found).toMatchObject({ state: 'filled', comment: 'slow-1' });
    expect((await sim.state()).orders).toHaveLength(1);
  });

  it('a comment the broker rewrote is found through the fallback when the hint is given', async () => {
    const broker = await scenario({}, { rewriteComments: true });
    const placed = await broker.placeMarketOrder(order('rewritten-1', { volume: 0.2 }));
    expect(placed.outcome).toBe('success');
    expect(await broker.findOrderByComment(MAGIC, 'rewritten-1', CONTRACT_START)).toBeNull();
    const hint = { symbol: CONTRACT_SYMBOL, side: 'buy', volume: 0.2 } as const;
    const found = await broker.findOrderByComment(MAGIC, 'rewritten-1', CONTRACT_START, hint);
    expect(found).toMatchObject({ ticket: placed.order, state: 'filled', side: 'buy' });
    expect(await broker.findOrderByComment(MAGIC, 'rewritten-1', CONTRACT_START, { ...hint, volume: 0.3 })).toBeNull();
  });
});

describe('mt5-gateway adapter: filling modes', () => {
  it('10030 never reaches the engine when another filling mode is allowed', async () => {
    const broker = await scenario({}, { fillingModes: ['FOK', 'IOC'], invalidFillModes: ['FOK'] });
    expect(await broker.placeMarketOrder(order('fill-1'))).toMatchObject({ retcode: 10009, outcome: 'success' });
  });

  it('10030 is a hard reject once no allowed mode is left', async () => {
    const broker = await scenario({}, { fillingModes: ['FOK'], invalidFillModes: ['FOK'] });
    expect(await broker.placeMarketOrder(order('fill-2'))).toMatchObject({
      retcode: 10030,
      retcodeName: 'TRADE_RETCODE_INVALID_FILL',
      outcome: 'rejected',
    });
  });
});

describe('mt5-gateway adapter: transport and configuration failures', () => {
  it('a wrong token is a 401 configuration error naming the account, on reads and trades alike', async () => {
    await scenario();
    const misconfigured = gatewayBroker(gateway, COMMISSION, { token: 'not-the-token' });
    await expect(misconfigured.account()).rejects.toThrow(GatewayAuthError);
    await expect(misconfigured.account()).rejects.toThrow(/contract-1.*401/);
    const trade = misconfigured.placeMarketOrder(order('auth-1'));
    await expect(trade).rejects.toThrow(GatewayAuthError);
    await expect(trade).rejects.not.toThrow(BrokerTimeoutError);
    expect((await sim.state()).orders).toHaveLength(0);
  });

  it("a read while the terminal is disconnected fails with the gateway's 503 and its error", async () => {
    const broker = await scenario();
    await sim.connection(false);
    try {
      const failure = await broker.account().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(GatewayHttpError);
      const { status, body, message } = failure as GatewayHttpError;
      expect(status).toBe(503);
      expect(body.error.length).toBeGreaterThan(0);
      expect(message).toContain(body.error);
      expect(await broker.placeMarketOrder(order('offline-1'))).toMatchObject({ retcode: 10031, outcome: 'unknown' });
    } finally {
      await sim.connection(true);
    }
    expect(await broker.findOrderByComment(MAGIC, 'offline-1', CONTRACT_START)).toBeNull();
  });

  it('no gateway listening: a trade is an unknown outcome (BrokerTimeoutError), a read a plain failure', async () => {
    const nowhere = gatewayBroker(gateway, COMMISSION, { baseUrl: `http://127.0.0.1:${await freePort()}` });
    await expect(nowhere.placeMarketOrder(order('nowhere-1'))).rejects.toThrow(BrokerTimeoutError);
    const read = await nowhere.positions().then(
      () => null,
      (error: unknown) => error,
    );
    expect(read).toBeInstanceOf(Error);
    expect(read).not.toBeInstanceOf(BrokerTimeoutError);
    expect((read as Error).message).toMatch(/contract-1.*GET \/positions/);
  });
});

describe('mt5-gateway adapter: reply mapping the simulator does not produce', () => {
  const base = {
    ticket: '9007199254740993',
    order: '9007199254740993',
    position_id: '9007199254740993',
    symbol: CONTRACT_SYMBOL,
    type: 'sell' as const,
    volume: 0.1,
    price: 2000,
    commission: -0.35,
    swap: 0,
    fee: -0.1,
    profit: 1,
    magic: MAGIC,
    comment: '',
    time_msc: CONTRACT_START,
  };

  it('deals: out_by is an exit, mobile and web are the client, broker operations are not; fee joins commission', () => {
    expect(deal({ ...base, entry: 'out_by', reason: 'mobile' })).toMatchObject({
      ticket: '9007199254740993',
      entry: 'out',
      reason: 'client',
      commission: expect.closeTo(-0.45, 10),
    });
    expect(deal({ ...base, entry: 'in', reason: 'web' }).reason).toBe('client');
    expect(deal({ ...base, entry: 'out', reason: 'so' }).reason).toBe('so');
    expect(deal({ ...base, entry: 'out', reason: 'rollover' }).reason).toBe('expert');
  });

  it('history orders: partial, canceled, expired and rejected are final; started and placed are not history yet', () => {
    const reply = {
      ticket: '1',
      symbol: CONTRACT_SYMBOL,
      type: 'buy',
      volume_initial: 0.1,
      price_open: 2000,
      position_id: '1',
      magic: MAGIC,
      comment: 'c',
      time_setup_msc: CONTRACT_START,
      time_done_msc: CONTRACT_START,
    };
    const states = (['partial', 'canceled', 'expired', 'rejected', 'started', 'placed'] as const).map(
      (state) => historyOrder({ ...reply, state })?.state ?? null,
    );
    expect(states).toEqual(['partially_filled', 'cancelled', 'cancelled', 'rejected', null, null]);
  });

  it('filling_mode bits beyond FOK and IOC add no mode', () => {
    expect(fillingModes(1 | 4)).toEqual(['FOK']);
    expect(fillingModes(4)).toEqual(['RETURN']);
  });
});
