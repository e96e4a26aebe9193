// Issue 9, defect 1: a stop hit earlier in the forming minute is settled before any request, at
// the millisecond the broker's own quote first reached it. The example, and its sell mirror:
// M0 O 2000.00 H 2000.50 L 1999.80 C 2000.20, spread 25 points; at M0's open a buy fills at the
// Ask 2000.25 with SL 1999.00. M1 is bull, O 2000.20 L 1998.50 H 2001.50 C 2001.00: its Bid falls
// 1.70 in 20 s, so the quote first shows 1999.00 at M1 + 14 059 ms (the path is at 1999.005 at
// 14 058.8 ms), and is 2000.00 again at M1 + 30 s. The sell runs on the mirrored bars (p → 4000.00 − p)
// with mirrored levels, so its Ask retraces the buy's Bid: same times, same P&L.
import type { Bar } from '../../../../trading/market.ts';
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createReplayFeed } from '../../../../brokers/feeds/replay.ts';
import { createMemoryStateStore, createPaperBroker } from '../../../../brokers/paper/index.ts';
import type { AccountMode, Side } from '../../../../brokers/port.ts';

const M0 = Date.UTC(2026, 2, 10, 10, 0);
const M1 = M0 + MINUTE_MS;
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };
const MAGIC = 7;
/** Bid bars as [open, high, low, close]. */
type Ohlc = [number, number, number, number];

interface Scenario {
  side: Side;
  bars: Ohlc[];
  /** Entry at M0's open: the Ask for a buy, the Bid for a sell. */
  entry: number;
  sl: number;
  tp: number;
  /** A valid SL at M1 + 40 s (Bid 2001.50 / 1998.50), for the refused modify. */
  laterSl: number;
  /** SLs moved at M1 + 10 s (Bid 1999.35 / 2000.65): one the dip reaches, one it does not. */
  tighterSl: number;
  looserSl: number;
  /** Where a close at M1 + 30 s fills when nothing was hit. */
  closeAt30s: number;
}

const mirror = (ohlc: Ohlc): Ohlc => [4000 - ohlc[0], 4000 - ohlc[2], 4000 - ohlc[1], 4000 - ohlc[3]];
const BUY_BARS: Ohlc[] = [
  [2000, 2000.5, 1999.8, 2000.2],
  [2000.2, 2001.5, 1998.5, 2001],
  [2001, 2001.5, 2000.5, 2001],
];
const SCENARIOS: Scenario[] = [
  {
    side: 'buy',
    bars: BUY_BARS,
    entry: 2000.25,
    sl: 1999,
    tp: 2001,
    laterSl: 2000.5,
    tighterSl: 1999.1,
    looserSl: 1998,
    closeAt30s: 2000,
  },
  {
    side: 'sell',
    bars: BUY_BARS.map(mirror),
    entry: 2000,
    sl: 2001.25,
    tp: 1999.25,
    laterSl: 1999.75,
    tighterSl: 2001.15,
    looserSl: 2002.25,
    closeAt30s: 2000.25,
  },
];

function setup(scenario: Scenario, mode: AccountMode = 'hedging') {
  const bars: Bar[] = scenario.bars.map(([open, high, low, close], minute) => ({
    openTime: M0 + minute * MINUTE_MS,
    open,
    high,
    low,
    close,
    tickVolume: 10,
    spread: 25,
  }));
  const clock = { time: M0, now: () => clock.time };
  const broker = createPaperBroker({
    store: createMemoryStateStore(),
    feed: createReplayFeed([{ symbol: 'XAUUSDm', point: 0.01, bars }]),
    clock,
    account: { mode },
  });
  const open = async (levels: { sl?: number; tp?: number }, comment = 'open') => {
    const result = await broker.placeMarketOrder({
      symbol: 'XAUUSDm',
      side: scenario.side,
      volume: 0.1,
      price: scenario.entry,
      sl: levels.sl ?? null,
      tp: levels.tp ?? null,
      deviationPoints: 0,
      magic: MAGIC,
      comment,
    });
    expect({ retcode: result.retcode, price: result.price }).toEqual({ retcode: 10009, price: scenario.entry });
    return result.order ?? '';
  };
  const exits = async (ticket: string) =>
    (await broker.deals(ALL_TIME, { positionId: ticket }))
      .filter((deal) => deal.entry === 'out')
      .map((deal) => ({
        reason: deal.reason,
        price: deal.price,
        profit: deal.profit,
        time: deal.time,
        comment: deal.comment,
      }));
  return { broker, clock, open, exits };
}

const refused = { retcode: 10036, retcodeName: 'TRADE_RETCODE_POSITION_CLOSED', outcome: 'rejected' };
const retcodeOf = (result: { retcode: number; retcodeName: string; outcome: string }) => ({
  retcode: result.retcode,
  retcodeName: result.retcodeName,
  outcome: result.outcome,
});

describe.each(SCENARIOS)('paper broker, $side: a stop hit earlier in the forming minute', (scenario) => {
  const slExit = {
    reason: 'sl',
    price: scenario.sl,
    profit: -12.5,
    time: M1 + 14_059,
    comment: `[sl ${scenario.sl.toFixed(2)}]`,
  };

  it('without stops, a close at M1 + 30 s fills at the quote: −2.50', async () => {
    const { broker, clock, open } = setup(scenario);
    const ticket = await open({});
    clock.time = M1 + 30_000;
    const closed = await broker.closePosition(ticket);
    expect({ retcode: closed.retcode, price: closed.price }).toEqual({ retcode: 10009, price: scenario.closeAt30s });
    expect((await broker.deals(ALL_TIME, { positionId: ticket })).at(-1)?.profit).toBe(-2.5);
  });

  it.each([
    ['a close at M1 + 30 s', 30_000, undefined],
    ['a partial close at M1 + 30 s', 30_000, 0.05],
    ['a modify of the SL at M1 + 40 s', 40_000, 'modify'],
  ] as const)('%s finds the position stopped at its SL (−12.50) and is refused', async (_, at, operation) => {
    const { broker, clock, open, exits } = setup(scenario);
    const ticket = await open({ sl: scenario.sl });
    clock.time = M1 + at;
    const result =
      operation === 'modify'
        ? await broker.modifyPosition(ticket, scenario.laterSl, null)
        : await broker.closePosition(ticket, operation);
    expect(retcodeOf(result)).toEqual(refused);
    expect(await exits(ticket)).toEqual([slExit]);
    expect(await broker.positions()).toEqual([]);
    // 10 000 − 0.35 commission in − 0.35 out − 12.50.
    expect(await broker.account()).toMatchObject({ balance: 9986.8, equity: 9986.8, margin: 0 });
    const stopOrder = await broker.findOrderByComment(MAGIC, slExit.comment, M0);
    expect(stopOrder).toMatchObject({ positionId: ticket, priceOpen: scenario.sl, timeSetup: M1 + 14_059 });
  });

  it('settles at the first millisecond whose quote reaches the SL: the quote and the position never disagree', async () => {
    const { broker, clock, open, exits } = setup(scenario);
    const ticket = await open({ sl: scenario.sl });
    clock.time = M1 + 14_058;
    const before = await broker.quote('XAUUSDm');
    const [open14058] = await broker.positions();
    expect(open14058?.priceCurrent).toBe(scenario.side === 'buy' ? before.bid : before.ask);
    expect(open14058?.priceCurrent).toBe(scenario.side === 'buy' ? 1999.01 : 2001.24);
    clock.time = M1 + 14_059;
    const at = await broker.quote('XAUUSDm');
    expect(scenario.side === 'buy' ? at.bid : at.ask).toBe(scenario.sl);
    expect(await broker.positions()).toEqual([]);
    expect(await exits(ticket)).toEqual([slExit]);
  });

  it('a TP reached at M1 + 36 634 ms is booked (+7.50) before a close at M1 + 50 s, which is refused', async () => {
    const { broker, clock, open, exits } = setup(scenario);
    const ticket = await open({ tp: scenario.tp });
    clock.time = M1 + 50_000;
    expect(retcodeOf(await broker.closePosition(ticket))).toEqual(refused);
    expect(await exits(ticket)).toEqual([
      { reason: 'tp', price: scenario.tp, profit: 7.5, time: M1 + 36_634, comment: `[tp ${scenario.tp.toFixed(2)}]` },
    ]);
  });

  it('every query at M1 + 20 s, as the first call after the hit, already sees the stop booked', async () => {
    for (const query of ['positions', 'account', 'deals', 'historyOrders'] as const) {
      const { broker, clock, open } = setup(scenario);
      await open({ sl: scenario.sl });
      clock.time = M1 + 20_000;
      if (query === 'positions') expect(await broker.positions()).toEqual([]);
      if (query === 'account') expect(await broker.account()).toMatchObject({ balance: 9986.8, margin: 0 });
      if (query === 'deals') expect((await broker.deals(ALL_TIME)).at(-1)).toMatchObject(slExit);
      if (query === 'historyOrders') {
        expect((await broker.historyOrders(ALL_TIME)).at(-1)).toMatchObject({ comment: slExit.comment });
      }
    }
  });

  it('queries earlier in the minute change nothing: the check continues from where the last one stopped', async () => {
    const { broker, clock, open, exits } = setup(scenario);
    const ticket = await open({ sl: scenario.sl });
    for (const at of [5_000, 10_000, 14_000]) {
      clock.time = M1 + at;
      expect(await broker.positions()).toHaveLength(1);
    }
    clock.time = M1 + 30_000;
    expect(retcodeOf(await broker.closePosition(ticket))).toEqual(refused);
    expect(await exits(ticket)).toEqual([slExit]);
  });

  it('a position opened mid-minute is checked only from its open: the dip before it does not stop it', async () => {
    const { broker, clock, exits } = setup(scenario);
    // At M1 + 25 s the dip to 1998.50 (the spike to 2001.50) is 5 s behind: Bid 1999.25 (2000.75).
    clock.time = M1 + 25_000;
    const quote = await broker.quote('XAUUSDm');
    const late = await broker.placeMarketOrder({
      symbol: 'XAUUSDm',
      side: scenario.side,
      volume: 0.1,
      price: scenario.side === 'buy' ? quote.ask : quote.bid,
      sl: scenario.sl,
      tp: null,
      deviationPoints: 0,
      magic: MAGIC,
      comment: 'late',
    });
    expect(late.retcode).toBe(10009);
    clock.time = M1 + 30_000;
    const closed = await broker.closePosition(late.order ?? '');
    expect({ retcode: closed.retcode, price: closed.price }).toEqual({ retcode: 10009, price: scenario.closeAt30s });
    expect(await exits(late.order ?? '')).toMatchObject([{ reason: 'client', profit: 5 }]);
  });

  it('a modify at M1 + 10 s: the old SL was checked up to then, the new one applies from then on', async () => {
    const tighter = setup(scenario);
    const tight = await tighter.open({ sl: scenario.sl });
    tighter.clock.time = M1 + 10_000;
    expect((await tighter.broker.modifyPosition(tight, scenario.tighterSl, null)).retcode).toBe(10009);
    tighter.clock.time = M1 + 30_000;
    expect(retcodeOf(await tighter.broker.closePosition(tight))).toEqual(refused);
    expect(await tighter.exits(tight)).toEqual([
      {
        reason: 'sl',
        price: scenario.tighterSl,
        profit: -11.5,
        time: M1 + 12_883,
        comment: `[sl ${scenario.tighterSl.toFixed(2)}]`,
      },
    ]);

    const looser = setup(scenario);
    const loose = await looser.open({ sl: scenario.sl });
    looser.clock.time = M1 + 10_000;
    expect((await looser.broker.modifyPosition(loose, scenario.looserSl, null)).retcode).toBe(10009);
    looser.clock.time = M1 + 30_000;
    const closed = await looser.broker.closePosition(loose);
    expect({ retcode: closed.retcode, price: closed.price }).toEqual({ retcode: 10009, price: scenario.closeAt30s });
  });

  it('netting: an order at M1 + 30 s opens a new position, the stopped one is not added to', async () => {
    const { broker, clock, open, exits } = setup(scenario, 'netting');
    const first = await open({ sl: scenario.sl });
    clock.time = M1 + 30_000;
    const second = await open({}, 'second');
    expect(second).not.toBe(first);
    expect((await broker.positions()).map((p) => [p.ticket, p.volume])).toEqual([[second, 0.1]]);
    expect(await exits(first)).toEqual([slExit]);
  });
});
