// Micro-benchmark: the four strategies evaluated bar by bar over one year of synthetic M1 bars,
// each on the window the live cycle would read (anchored-window.ts).
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../brokers/paper/index.ts';
import { lookbackFor } from '../bots/settings.ts';
import { barColumnsOf } from '../trading/bar-columns.ts';
import { AnchoredWindows } from '../trading/indicators/anchored-window.ts';
import { STRATEGY_NAMES, StrategySet, strategiesPlan, strategyParamsSchema } from '../trading/strategies/index.ts';

const BARS_PER_YEAR = 365 * 24 * 60;
const BAR_COUNT = Number(process.env['BENCH_BARS'] ?? BARS_PER_YEAR);
const SYMBOL = 'XAUUSDm';

// The market the paper broker trades: the seeded gold-like feed and the paper gold spec.
const instrument = paperInstruments(100).find((spec) => spec.symbol === SYMBOL)!;
const start = Date.UTC(2025, 0, 1);
const bars = createSyntheticFeed({ seed: 42 }).barsBetween(SYMBOL, start, start + BAR_COUNT * 60_000);

const params = strategyParamsSchema.parse({});
const lookback = lookbackFor(undefined, [...STRATEGY_NAMES], params);
const columns = barColumnsOf(bars);
const windows = new AnchoredWindows(strategiesPlan(STRATEGY_NAMES, params), instrument.point, lookback, columns);
const strategies = new StrategySet(STRATEGY_NAMES, params, instrument);
const signalsPerStrategy = new Map<string, number>(STRATEGY_NAMES.map((name) => [name, 0]));

const started = performance.now();
for (let i = 0; i < bars.length; i++) {
  windows.push(i);
  for (const signal of strategies.evaluate(windows.current)) {
    signalsPerStrategy.set(signal.strategy, signalsPerStrategy.get(signal.strategy)! + 1);
  }
}
const seconds = (performance.now() - started) / 1000;

console.log(`bars: ${bars.length} (lookback ${lookback}: windows of ${lookback}–${2 * lookback - 1} bars)`);
console.log(`signals: ${[...signalsPerStrategy].map(([name, count]) => `${name}=${count}`).join(' ')}`);
console.log(`time: ${seconds.toFixed(2)} s`);
console.log(`throughput: ${Math.round(bars.length / seconds).toLocaleString('en-US')} bars/s`);
