// The account's day over the real Python gateway on its simulated terminal: a daily commission the
// broker books as a deal of its own counts in a real cycle's account-wide daily loss check, and
// yesterday's does not — its value and the opening balance its limit is a share of.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { Decision, Signal } from '../../../db/entities/index.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { type GatewayEngine, startGatewayEngine } from '../../support/gateway-engine.ts';
import { feedScenarioBody } from './mt5-gateway-harness.ts';

const SEED = 7;
const LOOKBACK = 120;
const LIMIT_PCT = 2;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: true });
const feed = createSyntheticFeed({ seed: SEED });
/** The firing minute's trading day (00:00 UTC, the default). */
const DAY_START = Math.floor(firing.now / 86_400_000) * 86_400_000;

let engine: GatewayEngine;

beforeAll(async () => {
  engine = await startGatewayEngine({ token: 'account-day', tokenEnv: 'GW_DAY_TOKEN' });
}, 300_000);

afterAll(() => engine?.stop());

it("a daily commission booked today counts in a cycle's account-wide daily loss check, yesterday's does not", async () => {
  expect(firing.now - DAY_START).toBeGreaterThan(10 * 60_000);
  const bars = feed.barsBetween('XAUUSDm', firing.now - (LOOKBACK + 10) * 60_000, firing.now + 10 * 60_000);
  // The terminal's clock starts in yesterday's last hour: a fee then, another five minutes into today.
  const yesterday = DAY_START - 60 * 60_000;
  await engine.load(feedScenarioBody(bars, yesterday, { balance: 10_000, commissionPerLot: 0 }));
  await engine.simulator.money('DEAL_TYPE_COMMISSION_DAILY', -30);
  await engine.advance(DAY_START + 5 * 60_000 - yesterday);
  await engine.simulator.money('DEAL_TYPE_COMMISSION_DAILY', -40);
  await engine.advance(firing.now - engine.now());
  await engine.register('gw-day');
  const bot = await engine.createBot({
    name: 'gw-day-bot',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: 'gw-day',
    riskSettings: { decisionMinScore: 0, correlationBlock: false, maxAccountDailyLossPct: LIMIT_PCT },
    scheduleIntervalSeconds: 3600,
  });
  const balance = (await engine.deps.brokerFor('gw-day').account()).balance;
  expect(balance).toBeCloseTo(10_000 - 30 - 40, 9);

  await engine.runCycle(bot, 'charged');
  const em = engine.db.orm.em.fork();
  const [signal] = await em.find(Signal, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const decision = await em.findOneOrFail(Decision, { signal: signal!.id });
  const check = (name: string) => decision.checks.find((c) => c.name === name)!;
  const atStop = check('position_size').value as number;
  // Nothing else on the account today: this trade at its stop, and today's fee.
  expect(check('account_daily_loss').value as number).toBeCloseTo(atStop + 40, 2);
  // 2 % of the balance the day opened with: today's fee added back, yesterday's not.
  expect(check('account_daily_loss').limit as number).toBeCloseTo(((balance + 40) * LIMIT_PCT) / 100, 2);
}, 120_000);
