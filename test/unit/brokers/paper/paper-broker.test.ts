// Paper-broker behaviour beyond the shared contract: options, seeds, faults, sessions, restarts.
import type { Bar } from '../../../../trading/market.ts';
import { BrokerTimeoutError } from '../../../../brokers/errors.ts';
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createReplayFeed } from '../../../../brokers/feeds/replay.ts';
import { createSyntheticFeed } from '../../../../brokers/feeds/synthetic.ts';
import {
  createMemoryStateStore,
  createPaperBroker,
  forexWeek,
  paperInstruments,
  type PaperBrokerOptions,
  type PaperStateStore,
} from '../../../../brokers/paper/index.ts';
import type { MarketOrderRequest } from '../../../../brokers/port.ts';

const START = Date.UTC(2026, 2, 10, 10, 0);
const FLAT = { open: 2000, high: 2000.5, low: 1999.5, close: 2000 };
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

function bars(...script: Array<typeof FLAT>): Bar[] {
  return script.map((bar, minute) => ({ ...bar, openTime: START + minute * MINUTE_MS, tickVolume: 10, spread: 20 }));
}

function setup(options: Partial<PaperBrokerOptions> = {}, marketBars = bars(FLAT, FLAT, FLAT, FLAT)) {
  const clock = { time: START + MINUTE_MS / 2, now: () => clock.time };
  const store = options.store ?? createMemoryStateStore();
  const make = () =>
    createPaperBroker({
      store,
      feed: createReplayFeed([{ symbol: 'XAUUSDm', point: 0.01, bars: marketBars }]),
      clock,
      ...options,
    });
  return { broker: make(), make, clock, store };
}

function buy(overrides: Partial<MarketOrderRequest> = {}): MarketOrderRequest {
  return {
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.1,
    price: 2000.2,
    sl: null,
    tp: null,
    deviationPoints: 50,
    magic: 1,
    comment: 'c',
    ...overrides,
  };
}

describe('paper broker', () => {
  it('pessimistic option: SL first when SL and TP are both inside one bar, whatever its colour', async () => {
    const bear = { open: 2000, high: 2002, low: 1998, close: 1999 };
    const { broker, clock } = setup({ stopsPriority: 'sl_first' }, bars(FLAT, bear, FLAT, FLAT));
    const opened = await broker.placeMarketOrder(buy({ sl: 1999, tp: 2001 }));
    clock.time += 2 * MINUTE_MS;
    const deals = await broker.deals(ALL_TIME, { positionId: opened.order ?? '' });
    expect(deals.at(-1)).toMatchObject({ reason: 'sl', price: 1999 });
  });

  it('checks SL/TP only on the part of the bar after the position opened', async () => {
    // Bull bar: O→L→H→C. Half-way through, the low (1998) is behind us and the Bid is 2000.
    const bull = { open: 2000, high: 2002, low: 1998, close: 2001.5 };
    const { broker, clock } = setup({}, bars(bull, FLAT, FLAT));
    await broker.placeMarketOrder(buy({ sl: 1999, price: 2000.2 }));
    const withTp = await broker.placeMarketOrder(buy({ tp: 2001.8, comment: 'd' }));
    clock.time += MINUTE_MS;
    const positions = await broker.positions();
    expect(positions.map((p) => p.sl)).toEqual([1999]);
    expect((await broker.deals(ALL_TIME, { positionId: withTp.order ?? '' })).at(-1)).toMatchObject({
      reason: 'tp',
      price: 2001.8,
    });
  });

  it('adds adverse slippage in points, and seeded jitter reproduces by seed', async () => {
    const fixed = setup({ slippage: { points: 5 } }).broker;
    expect((await fixed.placeMarketOrder(buy())).price).toBe(2000.25);
    expect((await fixed.placeMarketOrder(buy({ side: 'sell', price: 2000 }))).price).toBe(1999.95);

    const fills = async (seed: number) => {
      const { broker } = setup({ seed, slippage: { jitterPoints: 10 } });
      const prices: Array<number | null> = [];
      for (let i = 0; i < 12; i++) prices.push((await broker.placeMarketOrder(buy({ comment: `c${i}` }))).price);
      return prices;
    };
    expect(await fills(7)).toEqual(await fills(7));
    expect(await fills(7)).not.toEqual(await fills(8));
  });

  it('holds margin at 1 / leverage for a spec without a margin rate (as one cached from a real broker may be)', async () => {
    const gold = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
    const { broker } = setup({ account: { balance: 1_000, leverage: 100 }, instruments: [{ ...gold, marginRate: 0 }] });
    // 5 lots × 100 oz × 2000.20 / 100 = 10,002 of margin on a 1,000 account.
    await expect(broker.placeMarketOrder(buy({ volume: 5 }))).resolves.toMatchObject({ retcode: 10019 });
    await expect(broker.placeMarketOrder(buy({ volume: 0.01 }))).resolves.toMatchObject({ retcode: 10009 });
    expect((await broker.account()).margin).toBeCloseTo((0.01 * 100 * 2000.2) / 100, 2);
  });

  it('values positions at the last known price in a minute without a bar, as MT5 keeps showing it', async () => {
    const falling = { open: 2000, high: 2000, low: 1990, close: 1990 };
    const quiet = { open: 1990, high: 1990, low: 1990, close: 1990 };
    const [first, , third] = bars(falling, quiet, quiet);
    // No bar in the second minute: no tick in the export for it.
    const { broker, clock } = setup({ commissionPerLot: 0 }, [first!, third!]);
    clock.time = START;
    await broker.placeMarketOrder(buy({ volume: 1 }));
    clock.time = START + MINUTE_MS + 30_000;
    const account = await broker.account();
    const [position] = await broker.positions();
    // Bought at 2000.20, the last close 1990.00: 1,020 points × 1 lot.
    expect(account.equity).toBeCloseTo(account.balance - 1_020, 2);
    expect(position).toMatchObject({ profit: -1_020, priceCurrent: 1990 });
  });

  it('counts slippage against the deviation: beyond it, 10004', async () => {
    const { broker } = setup({ slippage: { points: 30 } });
    expect((await broker.placeMarketOrder(buy({ deviationPoints: 20 }))).retcode).toBe(10004);
    expect((await broker.placeMarketOrder(buy({ deviationPoints: 30 }))).retcode).toBe(10009);
  });

  it('injects faults at the configured rates, reproducibly by seed', async () => {
    const outcomes = async (seed: number) => {
      const { broker } = setup({ seed, faults: { rejectRate: 0.3, timeoutRate: 0.2, lostReplyRate: 0.1 } });
      const retcodes: number[] = [];
      for (let i = 0; i < 60; i++)
        retcodes.push((await broker.placeMarketOrder(buy({ volume: 0.01, comment: `c${i}` }))).retcode);
      return { retcodes, positions: (await broker.positions()).length };
    };
    const first = await outcomes(3);
    expect(await outcomes(3)).toEqual(first);
    expect((await outcomes(4)).retcodes).not.toEqual(first.retcodes);
    const count = (code: number) => first.retcodes.filter((r) => r === code).length;
    expect(count(10006)).toBeGreaterThan(8);
    expect(count(10012)).toBeGreaterThan(8);
    // Every DONE and every lost reply left a position; timeouts before execution did not.
    expect(first.positions).toBeGreaterThan(count(10009));
  });

  it('can report a timeout as a thrown BrokerTimeoutError', async () => {
    const { broker } = setup({ faults: { script: ['lost_reply'], timeoutAs: 'throw' } });
    await expect(broker.placeMarketOrder(buy())).rejects.toBeInstanceOf(BrokerTimeoutError);
    expect(await broker.positions()).toHaveLength(1);
  });

  it('answers 10018 outside the trading session (forex week: closed on Saturday)', async () => {
    const saturday = Date.UTC(2026, 2, 14, 10, 0);
    const feed = createSyntheticFeed({ seed: 1 });
    const closed = createPaperBroker({
      store: createMemoryStateStore(),
      feed,
      session: forexWeek,
      clock: { now: () => saturday + 30_000 },
    });
    const quote = await closed.quote('XAUUSDm');
    expect((await closed.placeMarketOrder(buy({ price: quote.ask }))).retcode).toBe(10018);
    const open = createPaperBroker({
      store: createMemoryStateStore(),
      feed,
      session: forexWeek,
      clock: { now: () => START + 30_000 },
    });
    const tuesday = await open.quote('XAUUSDm');
    expect((await open.placeMarketOrder(buy({ price: tuesday.ask }))).retcode).toBe(10009);
  });

  it('answers 10013 for an unknown symbol and refuses its spec', async () => {
    const { broker } = setup();
    expect((await broker.placeMarketOrder(buy({ symbol: 'BTCUSD' }))).retcode).toBe(10013);
    await expect(broker.instrument('BTCUSD')).rejects.toThrow('unknown symbol BTCUSD');
  });

  it('a new broker over the same store carries on: positions, deals, tickets and the fault script', async () => {
    const { broker, make } = setup({ faults: { script: ['none', 'reject'] } });
    const first = await broker.placeMarketOrder(buy());
    const restarted = make();
    expect((await restarted.placeMarketOrder(buy({ comment: 'd' }))).retcode).toBe(10006);
    const third = await restarted.placeMarketOrder(buy({ comment: 'e' }));
    expect(Number(third.order)).toBeGreaterThan(Number(first.order));
    expect((await restarted.positions()).map((p) => p.ticket)).toEqual([first.order, third.order]);
    expect(await restarted.deals(ALL_TIME)).toHaveLength(2);
  });

  it('over the synthetic feed, open positions end at their SL or TP as time passes', async () => {
    const clock = { time: START + 20_000, now: () => clock.time };
    const broker = createPaperBroker({
      store: createMemoryStateStore(),
      feed: createSyntheticFeed({ seed: 5 }),
      clock,
    });
    const quote = await broker.quote('XAUUSDm');
    const opened = await broker.placeMarketOrder(buy({ price: quote.ask, sl: quote.bid - 2, tp: quote.bid + 2 }));
    expect(opened.retcode).toBe(10009);
    clock.time += 6 * 60 * MINUTE_MS;
    const exit = (await broker.deals(ALL_TIME, { positionId: opened.order ?? '' })).find((d) => d.entry === 'out');
    expect(exit?.reason === 'sl' || exit?.reason === 'tp').toBe(true);
    expect(await broker.positions()).toEqual([]);
    const account = await broker.account();
    expect(account.balance).toBeCloseTo(10_000 + (exit?.profit ?? 0) + (exit?.commission ?? 0) * 2, 6);
  });

  it('serves each call only after its latency, as a venue across a network would', async () => {
    const { broker } = setup({ latencyMs: 60 });
    const started = performance.now();
    await broker.account();
    const opened = await broker.placeMarketOrder(buy());
    expect(opened.retcode).toBe(10009);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 60 - 2);
  });

  it('reads without locking or saving the account, unless a stop hit must be booked', async () => {
    const memory = createMemoryStateStore();
    const calls: string[] = [];
    const store: PaperStateStore = {
      update: (login, create, operation) => (calls.push('update'), memory.update(login, create, operation)),
      snapshot: (login, create, operation) => (calls.push('snapshot'), memory.snapshot(login, create, operation)),
    };
    const quiet = { open: 2000, high: 2000.5, low: 1999.9, close: 2000.2 };
    const drop = { open: 2000.2, high: 2000.3, low: 1999, close: 1999.2 };
    const { broker, clock } = setup({ store }, bars(quiet, drop, FLAT));
    const opened = await broker.placeMarketOrder(buy({ sl: 1999.6 }));
    expect(opened.retcode).toBe(10009);
    calls.length = 0;
    await broker.positions();
    await broker.account();
    await broker.deals(ALL_TIME);
    expect(calls).toEqual(['snapshot', 'snapshot', 'snapshot']);
    // The next bar trades through the stop: the read that sees it books it, once.
    clock.time += 2 * MINUTE_MS;
    calls.length = 0;
    expect(await broker.positions()).toEqual([]);
    expect(calls).toEqual(['snapshot', 'update']);
    expect((await broker.deals(ALL_TIME, { positionId: opened.order ?? '' })).map((d) => d.reason)).toEqual([
      'client',
      'sl',
    ]);
  });
});
