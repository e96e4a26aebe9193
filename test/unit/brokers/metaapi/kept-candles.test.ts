// The adapter keeps each symbol's closed candles between reads: after the first read of a cycle,
// a read asks MetaApi only for what closed since, and gives exactly what a read from scratch gives;
// a kept candle that MetaApi no longer agrees with, a gap longer than a page or an hour's age make
// it read from scratch again.
import { OVERLAP, REFRESH_MS } from '../../../../brokers/metaapi/candles.ts';
import type { MetaApiCandle } from '../../../../brokers/metaapi/sdk-types.ts';
import { MINUTE_MS, setup } from './harness.ts';

/** What the engine asks for: fetchCandles' 2 × 693 bars, then runStrategies' five more. */
const FETCHED = 1_386;
const RE_READ = FETCHED + 5;
const SYMBOL = 'XAUUSDm';

type Fake = ReturnType<typeof setup>['fake'];

/** The limits of the candle pages asked for since the last call. */
function pagesSince(fake: Fake, from: number): number[] {
  return fake
    .callsOf('getHistoricalCandles')
    .slice(from)
    .map(([, , , limit]) => limit as number);
}

/** What a broker that has kept nothing reads from the same candles now. */
async function fromScratch(fake: Fake, count: number) {
  const fresh = setup();
  fresh.fake.clock = fake.clock;
  fresh.fake.candles.set(SYMBOL, fake.candles.get(SYMBOL)!);
  return fresh.broker.closedBars(SYMBOL, count);
}

/** The clock moved one minute on, and the minute that closed added as a candle. */
function nextMinute(fake: Fake): void {
  const formingOpen = Math.floor(fake.clock / MINUTE_MS) * MINUTE_MS;
  fake.addCandles(SYMBOL, formingOpen, 1);
  fake.clock += MINUTE_MS;
}

function formingOpenOf(fake: Fake): number {
  return Math.floor(fake.clock / MINUTE_MS) * MINUTE_MS;
}

function startedCycle() {
  const { broker, fake } = setup();
  fake.addCandles(SYMBOL, formingOpenOf(fake) - MINUTE_MS, 3_000);
  return { broker, fake };
}

describe('metaapi adapter: closed candles kept between reads', () => {
  it('reads a page of the new candles once per cycle after the first, and nothing for the second read', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    await broker.closedBars(SYMBOL, RE_READ);
    // The first cycle reads from scratch twice (its second read asks for more than is kept).
    expect(pagesSince(fake, 0)).toEqual([1000, 1000, 1000, 1000]);
    for (let cycle = 0; cycle < 5; cycle++) {
      const before = fake.callsOf('getHistoricalCandles').length;
      nextMinute(fake);
      const fetched = await broker.closedBars(SYMBOL, FETCHED);
      const reRead = await broker.closedBars(SYMBOL, RE_READ);
      expect(pagesSince(fake, before)).toEqual([1 + OVERLAP]);
      expect(fetched).toEqual(await fromScratch(fake, FETCHED));
      expect(reRead).toEqual(await fromScratch(fake, RE_READ));
      expect(fetched.at(-1)!.openTime).toBe(formingOpenOf(fake) - MINUTE_MS);
    }
  });

  it('asks for every minute since the newest kept candle, and gives what the gap left', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    // Ten minutes on, of which only three had prices.
    const formingOpen = formingOpenOf(fake);
    fake.addCandles(SYMBOL, formingOpen + 2 * MINUTE_MS, 1);
    fake.addCandles(SYMBOL, formingOpen + 6 * MINUTE_MS, 1);
    fake.addCandles(SYMBOL, formingOpen + 9 * MINUTE_MS, 1);
    fake.clock += 10 * MINUTE_MS;
    const before = fake.callsOf('getHistoricalCandles').length;
    const bars = await broker.closedBars(SYMBOL, FETCHED);
    expect(pagesSince(fake, before)).toEqual([10 + OVERLAP]);
    expect(bars).toEqual(await fromScratch(fake, FETCHED));
    expect(bars.slice(-3).map((bar) => (bar.openTime - formingOpen) / MINUTE_MS)).toEqual([2, 6, 9]);
  });

  it('reads from scratch when a gap takes the page back past the few candles kept', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, 2);
    // Five minutes on, one with prices: the page of 5 + OVERLAP reaches 6 candles back, 2 are kept.
    fake.addCandles(SYMBOL, formingOpenOf(fake) + 3 * MINUTE_MS, 1);
    fake.clock += 5 * MINUTE_MS;
    const before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, 2)).toEqual(await fromScratch(fake, 2));
    expect(pagesSince(fake, before)).toEqual([5 + OVERLAP, 1000]);
  });

  it.each([
    [
      'a kept candle revised',
      (candles: MetaApiCandle[]) => {
        candles.at(-3)!.close += 0.01;
      },
    ],
    [
      'a kept candle gone',
      (candles: MetaApiCandle[]) => {
        candles.splice(-2, 1);
      },
    ],
    [
      'a candle inserted between kept ones',
      (candles: MetaApiCandle[]) => {
        const [older, newer] = candles.slice(-3, -1);
        candles.splice(-2, 0, { ...older!, time: new Date((older!.time.getTime() + newer!.time.getTime()) / 2) });
      },
    ],
  ])('reads from scratch when MetaApi no longer agrees with what is kept: %s', async (_case, change) => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    nextMinute(fake);
    change(fake.candles.get(SYMBOL)!);
    const before = fake.callsOf('getHistoricalCandles').length;
    const bars = await broker.closedBars(SYMBOL, FETCHED);
    expect(pagesSince(fake, before)).toEqual([1 + OVERLAP, 1000, 1000]);
    expect(bars).toEqual(await fromScratch(fake, FETCHED));
  });

  it('reads from scratch after more minutes than a page holds, and after an hour', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    // A weekend: two days without a candle, then two minutes with.
    fake.clock += 2 * 1440 * MINUTE_MS;
    fake.addCandles(SYMBOL, formingOpenOf(fake) - MINUTE_MS, 2);
    let before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, FETCHED)).toEqual(await fromScratch(fake, FETCHED));
    expect(pagesSince(fake, before)).toEqual([1000, 1000]);

    for (let minute = 0; minute < REFRESH_MS / MINUTE_MS - 1; minute++) {
      nextMinute(fake);
      await broker.closedBars(SYMBOL, FETCHED);
    }
    nextMinute(fake);
    before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, FETCHED)).toEqual(await fromScratch(fake, FETCHED));
    expect(pagesSince(fake, before)).toEqual([1000, 1000]);
  });

  it('serves a shorter read from what is kept, and a longer one from scratch', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, 60);
    await broker.closedBars(SYMBOL, FETCHED);
    expect(pagesSince(fake, 0)).toEqual([1000, 1000, 1000]);
    nextMinute(fake);
    const before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, 60)).toEqual(await fromScratch(fake, 60));
    expect(await broker.closedBars(SYMBOL, FETCHED)).toEqual(await fromScratch(fake, FETCHED));
    expect(pagesSince(fake, before)).toEqual([1 + OVERLAP]);
  });

  it('keeps the newer candles when a slower read of the symbol ends after a newer one', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    nextMinute(fake);
    // The first read's page is held back until a read a minute later has kept newer candles.
    const answer = fake.getHistoricalCandles.bind(fake);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    fake.getHistoricalCandles = async (...args) => {
      const page = await answer(...args);
      fake.getHistoricalCandles = answer;
      await held;
      return page;
    };
    const slower = broker.closedBars(SYMBOL, FETCHED);
    const slowerExpected = await fromScratch(fake, FETCHED);
    nextMinute(fake);
    const newer = await broker.closedBars(SYMBOL, FETCHED);
    release();
    expect([await slower, newer]).toEqual([slowerExpected, await fromScratch(fake, FETCHED)]);
    const before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, FETCHED)).toEqual(newer);
    expect(pagesSince(fake, before)).toEqual([]);
  });

  it('reads from scratch when a page does not reach back into the kept candles', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    nextMinute(fake);
    // MetaApi answers the newest candle alone, whatever the limit.
    const answer = fake.getHistoricalCandles.bind(fake);
    fake.getHistoricalCandles = async (symbol, timeframe, startTime, limit) =>
      limit === 1000 ? answer(symbol, timeframe, startTime, limit) : answer(symbol, timeframe, startTime, 1);
    const before = fake.callsOf('getHistoricalCandles').length;
    expect(await broker.closedBars(SYMBOL, FETCHED)).toEqual(await fromScratch(fake, FETCHED));
    expect(pagesSince(fake, before)).toEqual([1, 1000, 1000]);
  });

  it('reads from scratch when the clock goes back before the newest kept candle', async () => {
    const { broker, fake } = startedCycle();
    await broker.closedBars(SYMBOL, FETCHED);
    fake.clock -= 5 * MINUTE_MS;
    const before = fake.callsOf('getHistoricalCandles').length;
    const bars = await broker.closedBars(SYMBOL, FETCHED);
    expect(pagesSince(fake, before)).toEqual([1000, 1000]);
    expect(bars.at(-1)!.openTime).toBeLessThan(formingOpenOf(fake));
    expect(bars).toEqual(await fromScratch(fake, FETCHED));
  });
});
