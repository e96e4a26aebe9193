// The backtester: a bot replayed over history on the live engine's own code. Its cycles run when
// its schedule would start them (cycle-schedule.ts), in the minutes that have prices: after each
// bar closes, `delaySeconds` into the next minute for a bar-aligned bot, or at each tick of an
// interval bot's schedule. A cycle's strategies read the window the live cycle would read
// (anchored-window.ts) on the last closed bar, once per bar (a later cycle on the same bar finds
// its signals decided, as the live one does); decide() and the paper broker's fills, stops,
// trailing and kill-switch do the rest. Synchronous and allocation-light: one year of M1 bars takes
// well under a second.
import { alwaysOpen } from '../brokers/paper/session.ts';
import { newPaperState } from '../brokers/paper/state.ts';
import { AnchoredWindows } from '../trading/indicators/anchored-window.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import { StrategySet, strategiesPlan, type StrategySignal } from '../trading/strategies/index.ts';
import { lookbackFor } from '../trading/strategies/lookback.ts';
import { tradingDaysOf } from '../trading/risk/index.ts';
import { barColumnsProblems, columnsFeed, firstIndexAtOrAfter, quoteInBar } from './bar-columns.ts';
import { cycleAfter, firstCycleAtOrAfter, nextCycle } from './cycle-schedule.ts';
import { closeAll, decideSignals, managePositions, placeOpens, settle, type BacktestAccount } from './cycle.ts';
import { summarize } from './summary.ts';
import { TradeBook } from './trade-book.ts';
import type { BacktestJournal, BacktestResult, BacktestSettings } from './types.ts';
import type { BarColumns } from '../trading/bar-columns.ts';

/** Progress is reported every this many bars. */
const PROGRESS_EVERY = 1 << 16;
const MINUTE_MS = 60_000;
const NO_SIGNALS: readonly StrategySignal[] = Object.freeze([]);

export class BacktestInputError extends Error {}

function checkInput(bars: BarColumns, settings: BacktestSettings): void {
  if (!(settings.from < settings.to)) throw new BacktestInputError('from must be before to');
  if (!(settings.startingBalance > 0)) throw new BacktestInputError('startingBalance must be positive');
  const problems = barColumnsProblems(bars);
  if (problems.length > 0) throw new BacktestInputError(`invalid bars: ${problems.slice(0, 5).join('; ')}`);
  const first = firstIndexAtOrAfter(bars.openTime, settings.from);
  if (first >= bars.openTime.length || bars.openTime[first]! >= settings.to) {
    const range = `${new Date(settings.from).toISOString()} – ${new Date(settings.to).toISOString()}`;
    throw new BacktestInputError(`no bars for ${settings.symbol} in ${range}`);
  }
}

export function runBacktest(
  bars: BarColumns,
  settings: BacktestSettings,
  onProgress?: (barsDone: number, barsTotal: number) => void,
  journal?: BacktestJournal,
): BacktestResult {
  const started = performance.now();
  checkInput(bars, settings);
  const { symbol, costs, riskSettings: risk } = settings;
  const instrument: InstrumentSpec = { ...settings.instrument, commissionPerLot: costs.commissionPerLot };
  const lookback = lookbackFor(settings.lookback, settings.enabledStrategies, settings.strategyParams);
  const feed = columnsFeed(symbol, bars, instrument.point, costs.spreadPoints);
  const account: BacktestAccount = {
    state: newPaperState({
      login: 'backtest',
      currency: 'USD',
      leverage: settings.leverage,
      mode: settings.accountMode,
      balance: settings.startingBalance,
    }),
    market: {
      feed,
      instruments: new Map([[symbol, instrument]]),
      session: alwaysOpen,
      slippage: { points: costs.slippagePoints, jitterPoints: costs.slippageJitterPoints },
      commissionPerLot: costs.commissionPerLot,
      stopsPriority: costs.stopsPriority,
      seed: settings.seed,
    },
    instrument,
    risk,
    book: new TradeBook(tradingDaysOf(risk)),
    journal,
  };
  const enabled = settings.enabledStrategies;
  const params = settings.strategyParams;
  const strategies = new StrategySet(enabled, params, instrument);
  const windows = new AnchoredWindows(strategiesPlan(enabled, params), instrument.point, lookback, bars);
  const { openTime } = bars;
  const { schedule } = settings;
  const firstTraded = firstIndexAtOrAfter(openTime, settings.from);
  const end = firstIndexAtOrAfter(openTime, settings.to);
  const exposure = { cycles: 0, open: 0, byStrategy: new Map<string, number>() };
  const decisions = { opened: 0, ignored: 0, ignoredBy: {} as Record<string, number> };
  let signalCount = 0;
  let killSwitch: BacktestResult['killSwitch'] = null;
  let lastCycle = openTime[firstTraded]!;

  replay: for (let i = 0; i < end; i++) {
    windows.push(i);
    if (i < firstTraded) continue;
    if (onProgress !== undefined && (i - firstTraded) % PROGRESS_EVERY === 0)
      onProgress(i - firstTraded, end - firstTraded);
    // The cycles after bar i closes: in the next minute with prices (the next, or the first after a gap).
    if (i + 1 >= openTime.length) break;
    const minuteOpen = openTime[i + 1]!;
    let firstOnBar = true;
    for (
      let now = firstCycleAtOrAfter(schedule, minuteOpen);
      now < minuteOpen + MINUTE_MS;
      now = nextCycle(schedule, now)
    ) {
      lastCycle = now;
      settle(account, now);
      // The first cycle on bar i decides its signals; a later one finds them decided.
      const signals = firstOnBar ? strategies.evaluate(windows.current) : NO_SIGNALS;
      firstOnBar = false;
      let tripped: string | null = null;
      // Most cycles have no signal and no position: nothing then reads the quote.
      if (signals.length > 0 || account.state.positions.length > 0) {
        const quote = quoteInBar(bars, i + 1, now - minuteOpen, instrument.point, costs.spreadPoints);
        signalCount += signals.length;
        journal?.signals.push(...signals);
        const decided = decideSignals(account, signals, quote, now, cycleAfter(schedule, now));
        for (const { outcome } of decided) {
          if (outcome.action === 'open') decisions.opened++;
          else {
            decisions.ignored++;
            for (const check of outcome.checks) {
              if (!check.passed) decisions.ignoredBy[check.name] = (decisions.ignoredBy[check.name] ?? 0) + 1;
            }
          }
        }
        placeOpens(account, decided, quote, now);
        tripped = managePositions(account, quote, now);
      }
      exposure.cycles++;
      if (tripped !== null) {
        // The bot's schedule is paused: no cycle runs after this one.
        killSwitch = { time: now, reason: tripped };
        break replay;
      }
      if (account.book.openCount > 0) {
        exposure.open++;
        for (const [strategy, open] of account.book.openByStrategy) {
          if (open > 0) exposure.byStrategy.set(strategy, (exposure.byStrategy.get(strategy) ?? 0) + 1);
        }
      }
    }
  }
  settle(account, lastCycle);
  closeAll(account, 'end_of_test', lastCycle);
  onProgress?.(end - firstTraded, end - firstTraded);
  journal?.deals.push(...account.state.deals);

  return {
    symbol,
    from: settings.from,
    to: settings.to,
    bars: end - firstTraded,
    warmUpBars: firstTraded,
    startingBalance: settings.startingBalance,
    finalBalance: account.state.balanceCents / 100,
    ...summarize(account.book.trades, settings.startingBalance, exposure, openTime[firstTraded]!),
    signals: signalCount,
    decisions,
    killSwitch,
    trades: account.book.trades,
    elapsedMs: performance.now() - started,
  };
}
