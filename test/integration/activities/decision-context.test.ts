// What evaluateRisk reads besides the bot, on the real database and one paper account shared by
// bots and a manual trader, at a clock the test holds. The account-wide daily loss limit: every
// deal on the account since the day started and every position open on it (each in its own
// symbol's ticks, one without a stop at its price now) count; the broker's deals are read only for
// a bot with the limit, and a position whose symbol has no usable spec refuses it alone. The next
// cycle, from the bot's schedule: a bot to be flat outside its hours opens nothing in the last
// cycle before they end.
import type { BrokerPort, MarketOrderRequest } from '../../../brokers/port.ts';
import type { IBot } from '../../../db/entities/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { decidedBuy } from '../../support/decided-buy.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

// Midday UTC on a Wednesday: the day (00:00 UTC) well started.
const START = Date.UTC(2026, 10, 18, 12, 0, 30);
const ACCOUNT = 'paper-account-day';

let engine: TestEngine;
let clock = START;
/** The account's deals read with no magic or position filter: the account-wide reads. */
let accountDealReads = 0;
/** A symbol the terminal has not synchronised: its spec's tick value reads 0. */
let unsynchronised: string | null = null;
/** The specs each symbol was read from the broker. */
const specReads = new Map<string, number>();
/** The swap a manual trade (comment `manual`) has built up, as the broker lists it. */
const MANUAL_SWAP = -5;

/**
 * Each account's broker as the tests need it: its account-wide deal reads and spec reads counted,
 * `unsynchronised`'s spec reported as MT5 would, and a manual trade's swap as MANUAL_SWAP.
 */
function countingAccountReads(broker: BrokerPort): BrokerPort {
  return new Proxy(broker, {
    get(target, property) {
      if (property === 'positions') {
        return async (filter?: Parameters<BrokerPort['positions']>[0]) =>
          (await target.positions(filter)).map((p) => (p.comment === 'manual' ? { ...p, swap: MANUAL_SWAP } : p));
      }
      if (property === 'instrument') {
        return async (symbol: string) => {
          specReads.set(symbol, (specReads.get(symbol) ?? 0) + 1);
          return {
            ...(await target.instrument(symbol)),
            ...(symbol === unsynchronised ? { tickValue: 0 } : {}),
          };
        };
      }
      if (property === 'deals') {
        return (range: Parameters<BrokerPort['deals']>[0], filter?: Parameters<BrokerPort['deals']>[1]) => {
          if (filter?.magic === undefined && filter?.positionId === undefined) accountDealReads++;
          return target.deals(range, filter);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  engine = await startTestEngine({
    feedSeed: 7,
    now: () => clock,
    schedulesTo: 'nowhere',
    wrapBroker: countingAccountReads,
  });
});

afterAll(() => engine?.stop());

const onAccount = (name: string, riskSettings: object) =>
  paperGoldBot(engine, name, { brokerAccount: ACCOUNT, riskSettings });

/** A market order on the account at the quote now: a buy at the ask, a sell at the bid. */
async function marketOrder(request: Omit<MarketOrderRequest, 'price' | 'tp' | 'deviationPoints'>): Promise<string> {
  const broker = engine.brokerFor(ACCOUNT);
  const quote = await broker.quote(request.symbol);
  const price = request.side === 'buy' ? quote.ask : quote.bid;
  const result = await broker.placeMarketOrder({ ...request, price, tp: null, deviationPoints: 20 });
  expect(result.outcome).toBe('success');
  return result.order!;
}

/** The bot's decision on a buy signal of its last bar. */
const decision = (bot: IBot) => decidedBuy(engine, bot);

it("other bots' and manual trades' losses today count against a bot's account-wide limit, not its own", async () => {
  clock = START;
  const broker = engine.brokerFor(ACCOUNT);
  const other = await onAccount('account-day-other', {});
  const bot = await onAccount('account-day', {
    maxDailyLossPct: 1,
    maxAccountDailyLossPct: 1,
    correlationBlock: false,
  });
  const unlimited = await onAccount('account-day-unlimited', { correlationBlock: false });

  // The other bot's day: a trade closed at a loss (the spread and commission), and a buy whose stop
  // is 8.00 below. A manual sell of euros, without a stop.
  const closed = await marketOrder({
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.2,
    sl: null,
    magic: other.magic,
    comment: '',
  });
  await broker.closePosition(closed);
  const goldQuote = await broker.quote('XAUUSDm');
  await marketOrder({
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.1,
    sl: goldQuote.bid - 8,
    magic: other.magic,
    comment: '',
  });
  await marketOrder({ symbol: 'EURUSDm', side: 'sell', volume: 1, sl: null, magic: 0, comment: 'manual' });
  clock = START + 20_000;

  const readsBefore = accountDealReads;
  const limited = await decision(bot);
  expect(accountDealReads).toBe(readsBefore + 1);
  const atStop = limited.check('position_size').value as number;
  // Its own day holds this trade alone.
  expect(limited.check('daily_loss')).toMatchObject({ passed: true, value: expect.closeTo(atStop, 9) });

  // The account's, worked out here from what the broker lists at the same moment.
  const deals = await broker.deals({ from: Date.UTC(2026, 10, 18), to: clock });
  expect(deals.map((deal) => deal.magic).sort((a, b) => a - b)).toEqual([0, other.magic, other.magic, other.magic]);
  const realized = deals.reduce((sum, deal) => sum + deal.profit + deal.commission + deal.swap, 0);
  let openAtStops = 0;
  for (const position of await broker.positions()) {
    const spec = await broker.instrument(position.symbol);
    const exit = position.sl ?? position.priceCurrent;
    const ticks = Math.round(((position.side === 'buy' ? 1 : -1) * (position.priceOpen - exit)) / spec.tickSize);
    openAtStops += (ticks * spec.tickValue + spec.commissionPerLot) * position.volume - position.swap;
  }
  const balance = (await broker.account()).balance;
  expect(limited.check('account_daily_loss')).toMatchObject({
    passed: false,
    value: expect.closeTo(Math.round((atStop + openAtStops - realized) * 100) / 100, 9),
    // 1 % of the balance the day started with, to the cent.
    limit: expect.closeTo(Math.round(balance - realized) / 100, 9),
  });
  expect(limited.failed).toEqual(['account_daily_loss']);

  // A bot on the account without the limit: the check shows nothing, and the deals are not read.
  const readsBeforeUnlimited = accountDealReads;
  const free = await decision(unlimited);
  expect(free.check('account_daily_loss')).toMatchObject({ passed: true, value: null, limit: null });
  expect(free.failed).toEqual([]);
  expect(accountDealReads).toBe(readsBeforeUnlimited);
}, 120_000);

it('a bot to be flat outside its hours opens nothing in its last cycle before they end, its next from its schedule', async () => {
  // 12:00:30 UTC: the cycle of a bot 30 s into each minute; its next, at 12:01:30, is past 12:01.
  // The worker's clock reads 2 s before the time Temporal started the cycle at.
  clock = START - 2_000;
  const hours = { tradingHoursStart: '08:00', tradingHoursEnd: '12:01', closeOutsideTradingHours: true };
  const bot = await engine.createBot({
    name: 'last-cycle',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    brokerAccount: 'paper-last-cycle',
    autoTrade: true,
    barCloseDelaySeconds: 30,
    riskSettings: hours,
  });
  const last = await decision(bot);
  expect(last.failed).toEqual(['trading_hours']);
  expect(last.check('trading_hours').reason).toBe(
    '12:00 is the last cycle within the trading hours 08:00–12:01 UTC: the next, at 12:01:30 UTC, is outside them and would close the trade (closeOutsideTradingHours)',
  );
  // Its hours a minute longer: the next cycle is within them too, and the trade opens.
  const longer = await engine.createBot({
    name: 'last-cycle-longer',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    brokerAccount: 'paper-last-cycle-longer',
    autoTrade: true,
    barCloseDelaySeconds: 30,
    riskSettings: { ...hours, tradingHoursEnd: '12:02' },
  });
  expect((await decision(longer)).failed).toEqual([]);
}, 120_000);

it("a manual trade on a symbol without a usable spec leaves the account's day unknown: refused by its limit alone", async () => {
  clock = START;
  const brokerAccount = 'paper-unsynchronised';
  const bot = (name: string, riskSettings: object) =>
    engine.createBot({
      name,
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      brokerAccount,
      autoTrade: true,
      riskSettings,
    });
  const limited = await bot('unsynchronised-limited', { maxAccountDailyLossPct: 1 });
  const free = await bot('unsynchronised-free', {});
  const broker = engine.brokerFor(brokerAccount);
  const quote = await broker.quote('EURUSDm');
  const manual = { symbol: 'EURUSDm', side: 'buy', volume: 1, price: quote.ask, sl: null, tp: null } as const;
  await broker.placeMarketOrder({ ...manual, deviationPoints: 20, magic: 0, comment: 'manual' });
  unsynchronised = 'EURUSDm';
  try {
    expect((await decision(free)).failed).toEqual([]);
    const refused = await decision(limited);
    expect(refused.failed).toEqual(['account_daily_loss']);
    expect(refused.check('account_daily_loss')).toMatchObject({ value: null, limit: null });
  } finally {
    unsynchronised = null;
  }
}, 120_000);

it("a held symbol's spec cached 20 minutes ago is read from the broker again for the account's day", async () => {
  clock = START;
  const bot = await onAccount('account-day-fresh-spec', { maxAccountDailyLossPct: 1, correlationBlock: false });
  await engine.db.orm.em
    .getConnection()
    .execute(
      `update instrument set updated_at = now() - interval '20 minutes' where broker_account = '${ACCOUNT}' and symbol = 'EURUSDm'`,
    );
  const before = specReads.get('EURUSDm') ?? 0;
  await decision(bot);
  expect(specReads.get('EURUSDm')).toBe(before + 1);
  // Read just now: the next minute's decision uses the cache.
  clock = START + 60_000;
  await decision(bot);
  expect(specReads.get('EURUSDm')).toBe(before + 1);
}, 120_000);
