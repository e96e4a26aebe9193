// Micro-benchmark: the four strategies evaluated bar by bar over one year of synthetic M1
// bars, each evaluation on the same sliding lookback window the live cycle would pass.
import type { InstrumentSpec } from '../trading/market.ts';
import { runStrategies, STRATEGY_NAMES, strategyMinBars, strategyParamsSchema } from '../trading/strategies/index.ts';
import { syntheticBars } from './synthetic-bars.ts';

const BARS_PER_YEAR = 365 * 24 * 60;
const LOOKBACK = Number(process.env['BENCH_LOOKBACK'] ?? 300);
const BAR_COUNT = Number(process.env['BENCH_BARS'] ?? BARS_PER_YEAR);

const instrument: InstrumentSpec = {
  symbol: 'XAUUSD',
  digits: 2,
  point: 0.01,
  tickSize: 0.01,
  tickValue: 1,
  contractSize: 100,
  volumeMin: 0.01,
  volumeMax: 100,
  volumeStep: 0.01,
  stopsLevel: 10,
  freezeLevel: 5,
  fillingModes: ['IOC'],
  maxSpreadPoints: 40,
  pipSize: 0.1,
  marginRate: 0.01,
  correlationGroup: 'metals',
};

const params = strategyParamsSchema.parse({});
const warmUp = Math.max(...STRATEGY_NAMES.map((name) => strategyMinBars(name, params)));
if (LOOKBACK < warmUp) throw new Error(`lookback ${LOOKBACK} is below the strategies' warm-up of ${warmUp} bars`);

const bars = syntheticBars(BAR_COUNT, 42);
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
