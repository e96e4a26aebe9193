// A EUR account trading USD-quoted gold, over the real Python gateway on its simulated terminal:
// the terminal reports the tick value in EUR (0.86 for a 0.01 USD tick of one lot) and books profit
// in EUR with it, as MT5 does. A real cycle must size its order with that tick value, value its open
// position with it for the automatic kill-switch, and book the terminal's EUR profit as it is.
import { sizePosition } from '../../../trading/sizing.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { Decision, Order, Position, type IBot } from '../../../db/entities/index.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { type GatewayEngine, startGatewayEngine } from '../../support/gateway-engine.ts';
import { feedScenarioBody } from './mt5-gateway-harness.ts';

const SEED = 7;
const LOOKBACK = 120;
const EUR_TICK_VALUE = 0.86;
const RISK_PCT = 2;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: true });
const feed = createSyntheticFeed({ seed: SEED });

let engine: GatewayEngine;

beforeAll(async () => {
  engine = await startGatewayEngine({ token: 'account-currency', tokenEnv: 'GW_EUR_TOKEN' });
}, 300_000);

afterAll(() => engine?.stop());

/** Each test's own terminal: a 10 000 EUR account whose gold ticks are worth 0.86 EUR a lot. */
async function botOnEurAccount(account: string): Promise<IBot> {
  const bars = feed.barsBetween('XAUUSDm', firing.now - (LOOKBACK + 10) * 60_000, firing.now + 10 * 60_000);
  const scenario = feedScenarioBody(bars, firing.now, { balance: 10_000, commissionPerLot: 0 });
  const symbols = (scenario.symbols as Array<Record<string, unknown>>).map((symbol) => ({
    ...symbol,
    trade_tick_value: EUR_TICK_VALUE,
  }));
  await engine.load({ ...scenario, currency: 'EUR', symbols });
  await engine.register(account);
  return engine.createBot({
    name: `${account}-bot`,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: account,
    riskSettings: { decisionMinScore: 0, correlationBlock: false, riskPerTradePct: RISK_PCT },
    scheduleIntervalSeconds: 3600,
  });
}

async function openOrderOf(bot: IBot) {
  const orders = await engine.db.orm.em
    .fork()
    .find(Order, { bot: bot.id, purpose: 'open' }, { orderBy: { id: 'asc' } });
  expect(orders.map((order) => order.status)).toContain('filled');
  return orders.find((order) => order.status === 'filled')!;
}

describe('an EUR account trading USD-quoted gold over the gateway', () => {
  it('a cycle sizes its order with the broker’s EUR tick value, not USD ticks', async () => {
    const bot = await botOnEurAccount('gw-eur-size');
    await engine.runCycle(bot, 'open');
    const order = await openOrderOf(bot);

    const broker = engine.deps.brokerFor('gw-eur-size');
    const [account, spec, quote] = await Promise.all([
      broker.account(),
      broker.instrument('XAUUSDm'),
      broker.quote('XAUUSDm'),
    ]);
    expect({ currency: account.currency, tickSize: spec.tickSize, tickValue: spec.tickValue }).toEqual({
      currency: 'EUR',
      tickSize: 0.01,
      tickValue: EUR_TICK_VALUE,
    });
    // The clock has not moved: the quote, balance and stop the decision was sized from.
    const input = {
      balance: account.balance,
      riskPerTradePct: RISK_PCT,
      side: order.side,
      quote,
      stopLoss: order.stopLoss!,
    };
    const inEur = sizePosition({ ...input, instrument: spec });
    const inUsdTicks = sizePosition({ ...input, instrument: { ...spec, tickValue: 1 } });
    expect(inEur.tradable).toBe(true);
    expect(order.volume).toBe(inEur.volume);
    expect(inUsdTicks.volume).toBeLessThan(inEur.volume);
    // The risk check says what the stop costs in EUR, within 2 % of the 10 000 EUR balance.
    const decision = await engine.db.orm.em.fork().findOneOrFail(Decision, order.decision!.id);
    const sized = decision.checks.find((check) => check.name === 'position_size')!;
    expect(sized).toMatchObject({ passed: true, limit: 200 });
    expect(sized.value).toBeCloseTo(inEur.lossAtStop!.total, 9);
    expect((await broker.positions({ magic: bot.magic })).map((p) => p.volume)).toEqual([inEur.volume]);
  }, 120_000);

  it('values the open position and books its close in EUR: the kill-switch’s P&L and the realised P&L match the terminal’s', async () => {
    const bot = await botOnEurAccount('gw-eur-pnl');
    await engine.runCycle(bot, 'open');
    const order = await openOrderOf(bot);
    const broker = engine.deps.brokerFor('gw-eur-pnl');

    // A minute on, the next cycle marks the position to market for the automatic kill-switch.
    await engine.advance(60_000);
    await engine.runCycle(bot, 'mark');
    const open = await broker.positions({ magic: bot.magic });
    expect(open.length).toBeGreaterThan(0);
    const { values } = await engine.deps.metrics.unrealizedPnl.get();
    const marked = values.find((value) => value.labels.bot === String(bot.id))!.value;
    expect(marked).not.toBe(0);
    expect(marked).toBeCloseTo(
      open.reduce((sum, p) => sum + p.profit, 0),
      2,
    );

    // Closed at the terminal; the next cycle books the close from its deals.
    const position = open.find((p) => p.ticket === order.brokerTicket)!;
    expect((await broker.closePosition(position.ticket)).outcome).toBe('success');
    await engine.runCycle(bot, 'book');
    const booked = await engine.db.orm.em.fork().findOneOrFail(Position, { brokerPositionId: position.ticket });
    const ticks = Math.round(((booked.closePrice! - booked.openPrice) * (booked.side === 'buy' ? 1 : -1)) / 0.01);
    expect(booked.status).toBe('closed');
    expect(booked.realizedPnl).toBeCloseTo(ticks * EUR_TICK_VALUE * booked.volume, 2);
    expect(ticks).not.toBe(0);
  }, 120_000);
});
