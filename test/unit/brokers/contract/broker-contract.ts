// The broker port's contract, written once and run against every adapter: the paper broker
// now, the MT5 adapters against fake gateways later. Each adapter supplies a harness that
// puts the scripted market below behind its broker and lets the test move time forward.
// One file on purpose: the contract is read as a whole by whoever writes the next adapter.
import type { AccountMode, BrokerDeal, BrokerPort, MarketOrderRequest, TradeResult } from '../../../../brokers/port.ts';

export const CONTRACT_SYMBOL = 'XAUUSDm';
/** Spread of every scripted bar, in points (point 0.01: 0.20 USD). */
export const CONTRACT_SPREAD_POINTS = 20;
/** Tuesday 10 March 2026 10:00 UTC: minute 0 of every scenario. */
export const CONTRACT_START = Date.UTC(2026, 2, 10, 10, 0);
export const CONTRACT_BALANCE = 10_000;

/** A Bid bar of the scripted market. */
export interface ContractBar {
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface ContractSetup {
  mode: AccountMode;
  /** USD account, leverage 1:100. */
  balance: number;
  /** bars[i] opens at start + i minutes; null = no prices in that minute. */
  start: number;
  bars: Array<ContractBar | null>;
  spreadPoints: number;
  /** What happens to each trade request, in order; later ones run normally. */
  faults: Array<'none' | 'timeout' | 'lost_reply'>;
  marketOpen: boolean;
  /** Commission per lot per deal side. */
  commissionPerLot: number;
}

export interface ContractHarness {
  broker: BrokerPort;
  /** The clock starts 30 s into minute 0; this moves it forward. */
  advanceMinutes(minutes: number): void | Promise<void>;
  /**
   * Has the broker book a deal of no trade now (an MT5 deal type's name: DEAL_TYPE_COMMISSION_DAILY,
   * DEAL_TYPE_BALANCE…). Left out by a broker that books none (the paper broker: its only fees are
   * each deal's commission).
   */
  bookMoney?(type: string, amount: number): Promise<void>;
}

export type MakeContractBroker = (setup: ContractSetup) => ContractHarness | Promise<ContractHarness>;

/** O=2000 L=1999.5 H=2000.5 C=2000: half-way through the minute the Bid is 2000.00, the Ask 2000.20. */
const FLAT: ContractBar = { open: 2000, high: 2000.5, low: 1999.5, close: 2000 };
const BID = 2000;
const ASK = 2000.2;
const MAGIC = 4242;

function flat(minutes: number): ContractBar[] {
  return Array.from({ length: minutes }, () => FLAT);
}

/** Minute 1 replaced by `bar`, flat around it. */
function withBarAtMinute1(bar: ContractBar): ContractBar[] {
  return [FLAT, bar, ...flat(6)];
}

function order(overrides: Partial<MarketOrderRequest> = {}): MarketOrderRequest {
  return {
    symbol: CONTRACT_SYMBOL,
    side: 'buy',
    volume: 0.1,
    price: overrides.side === 'sell' ? BID : ASK,
    sl: null,
    tp: null,
    deviationPoints: 10,
    magic: MAGIC,
    comment: 'c-1',
    ...overrides,
  };
}

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

function signedVolume(deal: BrokerDeal): number {
  return deal.side === 'buy' ? deal.volume : -deal.volume;
}

/** Whole cents (or hundredths of a lot), with -0 folded into 0. */
function cents(amount: number): number {
  return Math.round(amount * 100) + 0;
}

/** The contract's market: a hedging USD account, eight flat minutes, open, no faults; overrides on top. */
export function contractSetup(overrides: Partial<ContractSetup> = {}): ContractSetup {
  return {
    mode: 'hedging',
    balance: CONTRACT_BALANCE,
    start: CONTRACT_START,
    bars: flat(8),
    spreadPoints: CONTRACT_SPREAD_POINTS,
    faults: [],
    marketOpen: true,
    commissionPerLot: 3.5,
    ...overrides,
  };
}

export function describeBrokerContract(name: string, makeBroker: MakeContractBroker): void {
  async function start(overrides: Partial<ContractSetup> = {}): Promise<ContractHarness> {
    return makeBroker(contractSetup(overrides));
  }

  async function expectDone(result: Promise<TradeResult>): Promise<TradeResult> {
    const settled = await result;
    expect({ retcode: settled.retcode, outcome: settled.outcome }).toEqual({ retcode: 10009, outcome: 'success' });
    return settled;
  }

  async function expectRejected(
    result: Promise<TradeResult>,
    retcode: number,
    name: string,
    outcome = 'rejected',
  ): Promise<void> {
    const settled = await result;
    expect({ retcode: settled.retcode, retcodeName: settled.retcodeName, outcome: settled.outcome }).toEqual({
      retcode,
      retcodeName: name,
      outcome,
    });
  }

  /** Opens a buy in minute 0 and moves to minute 2, so the scripted minute 1 has closed. */
  async function buyThenLetMinute1Close(
    bar: ContractBar,
    sl: number | null,
    tp: number | null,
    side: 'buy' | 'sell' = 'buy',
  ) {
    const harness = await start({ bars: withBarAtMinute1(bar) });
    const opened = await expectDone(harness.broker.placeMarketOrder(order({ side, sl, tp })));
    await harness.advanceMinutes(2);
    const deals = await harness.broker.deals(ALL_TIME, { positionId: opened.order ?? '' });
    return { harness, opened, deals, exit: deals.find((deal) => deal.entry === 'out') };
  }

  describe(`BrokerPort contract: ${name}`, () => {
    describe('fills', () => {
      it('buys at the Ask and sells at the Bid; the position id is the opening order ticket', async () => {
        const { broker } = await start();
        const buy = await expectDone(broker.placeMarketOrder(order()));
        expect(buy.price).toBeCloseTo(ASK, 8);
        expect(buy.volume).toBeCloseTo(0.1, 8);
        const sell = await expectDone(broker.placeMarketOrder(order({ side: 'sell', comment: 'c-2' })));
        expect(sell.price).toBeCloseTo(BID, 8);

        const positions = await broker.positions({ magic: MAGIC });
        expect(positions.map((p) => [p.ticket, p.side, p.comment])).toEqual([
          [buy.order, 'buy', 'c-1'],
          [sell.order, 'sell', 'c-2'],
        ]);
        const deals = await broker.deals(ALL_TIME);
        expect(deals.map((d) => [d.ticket, d.order, d.positionId, d.entry, d.side])).toEqual([
          [buy.deal, buy.order, buy.order, 'in', 'buy'],
          [sell.deal, sell.order, sell.order, 'in', 'sell'],
        ]);
        const history = await broker.historyOrders(ALL_TIME, { magic: MAGIC });
        expect(history.map((o) => [o.ticket, o.state, o.comment, o.positionId])).toEqual([
          [buy.order, 'filled', 'c-1', buy.order],
          [sell.order, 'filled', 'c-2', sell.order],
        ]);
      });

      it('charges commission and books no profit on entry; equity follows the quote', async () => {
        const { broker } = await start();
        await expectDone(broker.placeMarketOrder(order()));
        const [deal] = await broker.deals(ALL_TIME);
        expect(deal?.profit).toBe(0);
        expect(deal?.commission).toBeCloseTo(-0.35, 8);
        const account = await broker.account();
        const [position] = await broker.positions();
        expect(account.balance).toBeCloseTo(CONTRACT_BALANCE - 0.35, 8);
        // Bought at the Ask, valued at the Bid: minus the spread (20 points × 1 USD × 0.1 lot).
        expect(position?.profit).toBeCloseTo(-2, 8);
        expect(account.equity).toBeCloseTo(account.balance - 2, 8);
        expect(account.margin).toBeGreaterThan(0);
        expect(account.freeMargin).toBeCloseTo(account.equity - account.margin, 8);
      });
    });

    describe('rejects with their MT5 retcodes', () => {
      it('10014 for a volume off the step, below the minimum or above the maximum', async () => {
        const { broker } = await start();
        const spec = await broker.instrument(CONTRACT_SYMBOL);
        for (const volume of [spec.volumeStep * 1.5, spec.volumeMin / 2, spec.volumeMax + spec.volumeStep, 0]) {
          await expectRejected(broker.placeMarketOrder(order({ volume })), 10014, 'TRADE_RETCODE_INVALID_VOLUME');
        }
        expect(await broker.positions()).toEqual([]);
      });

      it('10016 for stops on the wrong side or closer than the stops level', async () => {
        const { broker } = await start();
        const spec = await broker.instrument(CONTRACT_SYMBOL);
        const tooClose = (spec.stopsLevel - 1) * spec.point;
        const invalid: Array<Partial<MarketOrderRequest>> = [
          { side: 'buy', sl: BID + 1 },
          { side: 'buy', tp: BID - 1 },
          { side: 'buy', sl: BID - tooClose },
          { side: 'sell', sl: ASK - 1 },
          { side: 'sell', tp: ASK + 1 },
          { side: 'sell', tp: ASK - tooClose },
        ];
        for (const stops of invalid) {
          await expectRejected(broker.placeMarketOrder(order(stops)), 10016, 'TRADE_RETCODE_INVALID_STOPS');
        }
        const atLevel = spec.stopsLevel * spec.point;
        await expectDone(broker.placeMarketOrder(order({ sl: BID - atLevel, tp: BID + atLevel })));
      });

      it('10019 when the free margin cannot carry the order', async () => {
        const { broker } = await start();
        const spec = await broker.instrument(CONTRACT_SYMBOL);
        const marginPerLot = spec.contractSize * ASK * spec.marginRate;
        const volume = Math.min(
          spec.volumeMax,
          Math.ceil((1.2 * CONTRACT_BALANCE) / marginPerLot / spec.volumeStep) * spec.volumeStep,
        );
        await expectRejected(
          broker.placeMarketOrder(order({ volume: Number(volume.toFixed(8)) })),
          10019,
          'TRADE_RETCODE_NO_MONEY',
        );
        expect(await broker.positions()).toEqual([]);
      });

      it('10018 when the market is closed', async () => {
        const { broker } = await start({ marketOpen: false });
        await expectRejected(broker.placeMarketOrder(order()), 10018, 'TRADE_RETCODE_MARKET_CLOSED');
      });

      it('10004 REQUOTE when the price moved beyond the allowed deviation', async () => {
        const { broker } = await start();
        await expectRejected(
          broker.placeMarketOrder(order({ price: ASK - 1, deviationPoints: 10 })),
          10004,
          'TRADE_RETCODE_REQUOTE',
          'retry_fresh_price',
        );
        await expectDone(broker.placeMarketOrder(order({ price: ASK - 0.1, deviationPoints: 10 })));
      });

      it('10021 when there is no quote', async () => {
        const { broker } = await start({ bars: [null, ...flat(4)] });
        await expectRejected(broker.placeMarketOrder(order()), 10021, 'TRADE_RETCODE_PRICE_OFF', 'retry_fresh_price');
      });
    });

    describe('SL/TP exits', () => {
      it('closes at the TP when a later bar reaches it, with reason tp and the profit booked', async () => {
        const { harness, exit } = await buyThenLetMinute1Close(
          { open: 2000, high: 2001.5, low: 1999.8, close: 2001.2 },
          null,
          2001,
        );
        expect(exit).toMatchObject({ reason: 'tp', entry: 'out', side: 'sell' });
        expect(exit?.price).toBeCloseTo(2001, 8);
        expect(exit?.profit).toBeCloseTo(8, 8); // 80 points × 1 USD × 0.1 lot
        expect(await harness.broker.positions()).toEqual([]);
      });

      it('a gap beyond the SL fills at the bar open, not at the SL', async () => {
        const { exit } = await buyThenLetMinute1Close(
          { open: 1998, high: 1998.5, low: 1997.5, close: 1998.2 },
          1999,
          null,
        );
        expect(exit?.reason).toBe('sl');
        expect(exit?.price).toBeCloseTo(1998, 8);
      });

      it('both inside one bull bar: the O→L→H→C path reaches the SL first', async () => {
        const { exit } = await buyThenLetMinute1Close({ open: 2000, high: 2002, low: 1998, close: 2001.5 }, 1999, 2001);
        expect(exit?.reason).toBe('sl');
        expect(exit?.price).toBeCloseTo(1999, 8);
      });

      it('both inside one bear bar: the O→H→L→C path reaches the TP first', async () => {
        const { exit } = await buyThenLetMinute1Close({ open: 2000, high: 2002, low: 1998, close: 1999 }, 1999, 2001);
        expect(exit?.reason).toBe('tp');
        expect(exit?.price).toBeCloseTo(2001, 8);
      });

      it("a sell position's SL triggers on the Ask (Bid high + spread)", async () => {
        const { exit } = await buyThenLetMinute1Close(
          { open: 2000, high: 2000.85, low: 1999.9, close: 2000.1 },
          2001,
          null,
          'sell',
        );
        expect(exit).toMatchObject({ reason: 'sl', side: 'buy' });
        expect(exit?.price).toBeCloseTo(2001, 8);
      });

      it('leaves the position open while neither level is reached', async () => {
        const { harness, exit } = await buyThenLetMinute1Close(FLAT, 1999, 2001);
        expect(exit).toBeUndefined();
        expect(await harness.broker.positions()).toHaveLength(1);
      });
    });

    describe('unknown outcomes and find-by-comment', () => {
      async function sendUnknown(broker: BrokerPort, request: MarketOrderRequest): Promise<void> {
        const settled = await broker.placeMarketOrder(request).then(
          (result) => result.outcome,
          () => 'unknown' as const,
        );
        expect(settled).toBe('unknown');
      }

      it('an order whose reply was lost was executed, and is found again by magic + comment', async () => {
        const { broker } = await start({ faults: ['lost_reply'] });
        await sendUnknown(broker, order({ comment: 'dec-17' }));
        const found = await broker.findOrderByComment(MAGIC, 'dec-17', CONTRACT_START);
        expect(found).toMatchObject({ state: 'filled', magic: MAGIC, comment: 'dec-17', side: 'buy' });
        const positions = await broker.positions();
        expect(positions.map((p) => p.ticket)).toEqual([found?.positionId]);
        expect(await broker.findOrderByComment(MAGIC + 1, 'dec-17', CONTRACT_START)).toBeNull();
        expect(await broker.findOrderByComment(MAGIC, 'dec-18', CONTRACT_START)).toBeNull();
        expect(await broker.findOrderByComment(MAGIC, 'dec-17', CONTRACT_START + 3_600_000)).toBeNull();
      });

      it('a request that timed out before execution left nothing, so a resend is safe', async () => {
        const { broker } = await start({ faults: ['timeout'] });
        await sendUnknown(broker, order({ comment: 'dec-18' }));
        expect(await broker.findOrderByComment(MAGIC, 'dec-18', CONTRACT_START)).toBeNull();
        expect(await broker.positions()).toEqual([]);
        await expectDone(broker.placeMarketOrder(order({ comment: 'dec-18' })));
        expect(await broker.findOrderByComment(MAGIC, 'dec-18', CONTRACT_START)).not.toBeNull();
      });
    });

    describe('managing positions', () => {
      it('modifies SL/TP, refusing stops on the wrong side with 10016', async () => {
        const { broker } = await start();
        const opened = await expectDone(broker.placeMarketOrder(order()));
        const ticket = opened.order ?? '';
        await expectDone(broker.modifyPosition(ticket, 1999, 2001));
        expect(await broker.positions()).toMatchObject([{ sl: 1999, tp: 2001 }]);
        await expectRejected(broker.modifyPosition(ticket, 2000.5, 2001), 10016, 'TRADE_RETCODE_INVALID_STOPS');
        expect(await broker.positions()).toMatchObject([{ sl: 1999, tp: 2001 }]);
      });

      it('closes part, then the rest; a closed position answers 10036', async () => {
        const { broker } = await start();
        const opened = await expectDone(broker.placeMarketOrder(order({ volume: 0.3 })));
        const ticket = opened.order ?? '';
        const part = await expectDone(broker.closePosition(ticket, 0.1, 'part'));
        expect(part.price).toBeCloseTo(BID, 8);
        expect((await broker.positions())[0]?.volume).toBeCloseTo(0.2, 8);
        await expectDone(broker.closePosition(ticket));
        expect(await broker.positions()).toEqual([]);
        await expectRejected(broker.closePosition(ticket), 10036, 'TRADE_RETCODE_POSITION_CLOSED');
        const deals = await broker.deals(ALL_TIME, { positionId: ticket });
        expect(deals.map((d) => [d.entry, d.reason])).toEqual([
          ['in', 'client'],
          ['out', 'client'],
          ['out', 'client'],
        ]);
      });
    });

    describe('accounts', () => {
      it('hedging keeps opposite positions side by side', async () => {
        const { broker } = await start({ mode: 'hedging' });
        expect((await broker.account()).mode).toBe('hedging');
        await expectDone(broker.placeMarketOrder(order()));
        await expectDone(broker.placeMarketOrder(order({ side: 'sell', comment: 'c-2' })));
        expect((await broker.positions()).map((p) => p.side)).toEqual(['buy', 'sell']);
      });

      it('netting keeps one position per symbol: adds, reduces, reverses under one id, closes', async () => {
        const { broker } = await start({ mode: 'netting' });
        expect((await broker.account()).mode).toBe('netting');
        const first = await expectDone(broker.placeMarketOrder(order({ volume: 0.1 })));
        await expectDone(broker.placeMarketOrder(order({ volume: 0.2, comment: 'c-2' })));
        expect(await broker.positions()).toMatchObject([{ ticket: first.order, side: 'buy' }]);
        expect((await broker.positions())[0]?.volume).toBeCloseTo(0.3, 8);

        await expectDone(broker.placeMarketOrder(order({ side: 'sell', volume: 0.1, comment: 'c-3' })));
        expect((await broker.positions())[0]?.volume).toBeCloseTo(0.2, 8);

        await expectDone(broker.placeMarketOrder(order({ side: 'sell', volume: 0.5, comment: 'c-4' })));
        const [reversed] = await broker.positions();
        expect(reversed).toMatchObject({ ticket: first.order, side: 'sell' });
        expect(reversed?.volume).toBeCloseTo(0.3, 8);

        await expectDone(broker.placeMarketOrder(order({ side: 'buy', volume: 0.3, comment: 'c-5' })));
        expect(await broker.positions()).toEqual([]);
        const deals = await broker.deals(ALL_TIME);
        expect(deals.map((d) => d.entry)).toEqual(['in', 'in', 'out', 'inout', 'out']);
        expect(new Set(deals.map((d) => d.positionId))).toEqual(new Set([first.order]));
      });

      it("lists the whole account's deals and positions, any magic (an EA's, a manual trade's 0), each position at its closing price", async () => {
        const harness = await start({ bars: flat(4) });
        const { broker } = harness;
        await expectDone(broker.placeMarketOrder(order({ magic: MAGIC, comment: 'bot' })));
        await expectDone(broker.placeMarketOrder(order({ side: 'sell', magic: 0, comment: 'manual' })));
        await expectDone(broker.placeMarketOrder(order({ volume: 0.2, magic: 77, comment: 'other-ea' })));

        const deals = await broker.deals(ALL_TIME);
        expect(deals.map((d) => d.magic).sort((a, b) => a - b)).toEqual([0, 77, MAGIC]);
        expect((await broker.deals(ALL_TIME, { magic: 77 })).map((d) => [d.magic, d.volume])).toEqual([[77, 0.2]]);
        const positions = await broker.positions();
        expect(positions.map((p) => p.magic).sort((a, b) => a - b)).toEqual([0, 77, MAGIC]);
        // A buy is valued at the Bid it would sell at, a sell at the Ask it would buy back at.
        for (const position of positions) expect(position.priceCurrent).toBe(position.side === 'buy' ? BID : ASK);
      });

      it("lists the account's charges (a daily commission, a tax), not its trades or deposits, each at its time", async () => {
        const harness = await start({ bars: flat(4) });
        const { broker } = harness;
        await expectDone(broker.placeMarketOrder(order()));
        const before = (await broker.account()).balance;
        if (harness.bookMoney === undefined) {
          expect(await broker.charges(ALL_TIME)).toEqual([]);
          return;
        }
        await harness.bookMoney('DEAL_TYPE_COMMISSION_DAILY', -4.5);
        await harness.bookMoney('DEAL_TYPE_BALANCE', 500);
        await harness.advanceMinutes(1);
        await harness.bookMoney('DEAL_TAX', -0.25);
        const charges = await broker.charges(ALL_TIME);
        expect(charges.map(({ type, amount, time }) => ({ type, amount, time }))).toEqual([
          { type: 'DEAL_TYPE_COMMISSION_DAILY', amount: -4.5, time: CONTRACT_START + 30_000 },
          { type: 'DEAL_TAX', amount: -0.25, time: CONTRACT_START + 90_000 },
        ]);
        expect(cents((await broker.account()).balance)).toBe(cents(before - 4.5 + 500 - 0.25));
        // No deals list shows them, and a range leaves out what is outside it.
        expect((await broker.deals(ALL_TIME)).map((d) => d.entry)).toEqual(['in']);
        const afterFirst = { from: CONTRACT_START + 30_001, to: Number.MAX_SAFE_INTEGER };
        expect((await broker.charges(afterFirst)).map((c) => c.type)).toEqual(['DEAL_TAX']);
      });

      it.each(['hedging', 'netting'] as const)('%s: deals reconcile to positions and the balance', async (mode) => {
        const harness = await start({
          mode,
          bars: withBarAtMinute1({ open: 2000, high: 2001.5, low: 1999.8, close: 2001.2 }),
        });
        const { broker } = harness;
        const a = await expectDone(broker.placeMarketOrder(order({ volume: 0.3, tp: 2001 })));
        await expectDone(broker.placeMarketOrder(order({ side: 'sell', volume: 0.2, comment: 'c-2' })));
        await expectDone(broker.placeMarketOrder(order({ volume: 0.15, comment: 'c-3' })));
        await expectDone(broker.closePosition(a.order ?? '', 0.05, 'part'));
        await harness.advanceMinutes(2);
        await expectDone(broker.placeMarketOrder(order({ side: 'sell', volume: 0.07, price: BID, comment: 'c-4' })));

        const deals = await broker.deals(ALL_TIME);
        const positions = await broker.positions();
        const byPosition = new Map<string, number>();
        for (const deal of deals)
          byPosition.set(deal.positionId, (byPosition.get(deal.positionId) ?? 0) + signedVolume(deal));
        for (const [positionId, net] of byPosition) {
          const open = positions.find((p) => p.ticket === positionId);
          const expected = open === undefined ? 0 : open.side === 'buy' ? open.volume : -open.volume;
          expect(cents(net)).toBe(cents(expected));
        }
        for (const position of positions) expect(byPosition.has(position.ticket)).toBe(true);

        const account = await broker.account();
        const booked = deals.reduce((sum, d) => sum + cents(d.profit) + cents(d.commission) + cents(d.swap), 0);
        expect(cents(account.balance) - cents(CONTRACT_BALANCE)).toBe(booked);
        const floating = positions.reduce((sum, p) => sum + cents(p.profit), 0);
        expect(cents(account.equity)).toBe(cents(account.balance) + floating);
      });
    });
  });
}
