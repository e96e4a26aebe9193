// Micro-benchmark: the four strategies evaluated bar by bar over one year of synthetic M1
// bars, each evaluation on the same sliding lookback window the live cycle would pass.
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../brokers/paper/index.ts';
import { runStrategies, STRATEGY_NAMES, strategyMinBars, strategyParamsSchema } from '../trading/strategies/index.ts';

const BARS_PER_YEAR = 365 * 24 * 60;
const LOOKBACK = Number(process.env['BENCH_LOOKBACK'] ?? 300);
const BAR_COUNT = Number(process.env['BENCH_BARS'] ?? BARS_PER_YEAR);
const SYMBOL = 'XAUUSDm';

// The market the paper broker trades: the seeded gold-like feed and the paper gold spec.
const instrument = paperInstruments(100).find((spec) => spec.symbol === SYMBOL)!;
const start = Date.UTC(2025, 0, 1);
const bars = createSyntheticFeed({ seed: 42 }).barsBetween(SYMBOL, start, start + BAR_COUNT * 60_000);

const params = strategyParamsSchema.parse({});
const warmUp = Math.max(...STRATEGY_NAMES.map((name) => strategyMinBars(name, params)));
if (LOOKBACK < warmUp) throw new Error(`lookback ${LOOKBACK} is below the strategies' warm-up of ${warmUp} bars`);

const signalsPerStrategy = new Map<string, number>(STRATEGY_NAMES.map((name) => [name, 0]));

const started = performance.now();
for (let end = LOOKBACK; end <= bars.length; end++) {
  for (const signal of runStrategies(bars.slice(end - LOOKBACK, end), STRATEGY_NAMES, params, instrument)) {
    signalsPerStrategy.set(signal.strategy, signalsPerStrategy.get(signal.strategy)! + 1);
  }
}
const seconds = (performance.now() - started) / 1000;
const evaluated = bars.length - LOOKBACK + 1;

console.log(`bars: ${bars.length} (evaluated ${evaluated}, lookback window ${LOOKBACK}, warm-up ${warmUp})`);
console.log(`signals: ${[...signalsPerStrategy].map(([name, count]) => `${name}=${count}`).join(' ')}`);
console.log(`time: ${seconds.toFixed(2)} s`);
console.log(`throughput: ${Math.round(evaluated / seconds).toLocaleString('en-US')} bars/s`);
