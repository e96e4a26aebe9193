// fetchCandles and runStrategies run outside any workflow in MockActivityEnvironment, on the real
// database and paper broker: what each validates, what a retry of each does, and which failures
// are worth a retry.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { BrokerPort } from '../../../brokers/port.ts';
import { Signal, type IBot } from '../../../db/entities/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { PAPER_GOLD, pinBarMinute } from '../../support/firing-minute.ts';
import { barsToFetch } from '../../../trading/indicators/anchored-window.ts';
import { failureOf } from '../../support/order-assertions.ts';

const SEED = 5;
const LOOKBACK = 120;
const instrument = PAPER_GOLD;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 16, 15), { lookback: LOOKBACK, clear: false });

/** While set, the broker serves its last two bars out of order (a gap alone is valid: markets close). */
let scrambleBars = false;

function scrambling(broker: BrokerPort): BrokerPort {
  return {
    ...broker,
    async closedBars(symbol, count) {
      const bars = await broker.closedBars(symbol, count);
      return scrambleBars ? [...bars.slice(0, -2), bars.at(-1)!, bars.at(-2)!] : bars;
    },
  };
}

let engine: TestEngine;
let bot: IBot;

beforeAll(async () => {
  engine = await startTestEngine({
    feedSeed: SEED,
    now: () => firing.now,
    schedulesTo: 'nowhere',
    wrapBroker: scrambling,
  });
  bot = await engine.createBot({
    name: 'market-steps',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    brokerAccount: 'paper-market-steps',
    autoTrade: true,
  });
});

afterAll(() => engine?.stop());

afterEach(() => {
  scrambleBars = false;
});

const run = <A, R>(step: (input: A) => Promise<R>, input: A): Promise<R> =>
  new MockActivityEnvironment().run(step, input);

describe('fetchCandles', () => {
  it('returns the lookback window up to the last closed bar, and the quote with its spread in points', async () => {
    const { fetchCandles } = createActivities(engine.deps);
    const result = await run(fetchCandles, { botId: bot.id });
    const lastClosed = Math.floor(firing.now / 60_000) * 60_000 - 60_000;
    expect(result.window).toMatchObject({
      symbol: 'XAUUSDm',
      count: barsToFetch(LOOKBACK),
      lastOpenTime: lastClosed,
      firstOpenTime: lastClosed - (barsToFetch(LOOKBACK) - 1) * 60_000,
    });
    const quote = await engine.brokerFor(bot.brokerAccount).quote('XAUUSDm');
    expect(result).toMatchObject({ bid: quote.bid, ask: quote.ask });
    expect(result.spreadPoints).toBe(Math.round((quote.ask - quote.bid) / instrument.point));
  });

  it('refuses bars out of order, without a retry: the feed is broken, not busy', async () => {
    scrambleBars = true;
    const { fetchCandles } = createActivities(engine.deps);
    const failure = await failureOf(run(fetchCandles, { botId: bot.id }));
    expect(failure).toMatchObject({ type: 'InvalidBars', nonRetryable: true });
    expect(failure.message).toMatch(
      new RegExp(
        `^invalid bars for XAUUSDm: bar ${barsToFetch(LOOKBACK) - 1}: open time \\d+ not after the previous bar's \\d+$`,
      ),
    );
  });

  it('refuses a bot that does not exist, without a retry', async () => {
    const { fetchCandles } = createActivities(engine.deps);
    const failure = await failureOf(run(fetchCandles, { botId: 987_654 }));
    expect(failure).toMatchObject({ type: 'BotNotFound', nonRetryable: true });
  });
});

describe('runStrategies', () => {
  it('stores one signal per strategy and bar, and a retry returns the same pending signal', async () => {
    const { fetchCandles, runStrategies } = createActivities(engine.deps);
    const { window } = await run(fetchCandles, { botId: bot.id });

    const first = await run(runStrategies, { botId: bot.id, window });
    expect(first.strategiesRun).toEqual(['pin_bar']);
    expect(first.signals).toEqual([
      expect.objectContaining({
        strategy: 'pin_bar',
        direction: firing.signal.direction,
        score: expect.closeTo(firing.signal.score, 4),
      }),
    ]);

    const retried = await run(runStrategies, { botId: bot.id, window });
    expect(retried).toEqual(first);
    const em = engine.db.orm.em.fork();
    expect(await em.count(Signal, { bot: bot.id })).toBe(1);
  });

  it('asks for a retry when the window fetchCandles validated is no longer what the broker serves', async () => {
    const { fetchCandles, runStrategies } = createActivities(engine.deps);
    const { window } = await run(fetchCandles, { botId: bot.id });
    const shifted = { ...window, firstOpenTime: window.firstOpenTime - 60_000 };
    const failure = await failureOf(run(runStrategies, { botId: bot.id, window: shifted }));
    expect(failure).toMatchObject({ type: 'BarsChanged', nonRetryable: false });
  });
});
