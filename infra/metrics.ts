// The engine's Prometheus metrics. The seed's names are kept (signals_ingested_total,
// decision_created_total, orders_created_total, task_failures_total) so its dashboards and alerts
// still work. Each process has its own registry: the worker's carries the trading metrics.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ORDER_STATUSES } from '../trading/orders/index.ts';
import { RISK_CHECK_NAMES } from '../trading/risk/index.ts';

export interface EngineMetrics {
  registry: Registry;
  signalsIngested: Counter<'source' | 'strategy'>;
  decisionsCreated: Counter<'action'>;
  /** Each check that refused a signal (a signal two checks refused counts under both). */
  signalsRefused: Counter<'check'>;
  /** One per order the engine sent, by purpose (open, close) and the status its send ended in. */
  ordersCreated: Counter<'status' | 'purpose'>;
  /** Activity attempts and cycles that failed, by task (the activity's name, or `cycle`). */
  taskFailures: Counter<'task'>;
  cycleDuration: Histogram<'outcome'>;
  /** From the close of the bar a signal fired on to the broker's answer to its order. */
  barCloseToOrder: Histogram;
  /** How long a bot with an account-wide limit waited for its account's lease, by whether it got it. */
  accountRiskLeaseWait: Histogram<'outcome'>;
  openPositions: Gauge<'bot'>;
  unrealizedPnl: Gauge<'bot'>;
  killSwitchTrips: Counter<'bot'>;
  /** 1 per bot whose automatic kill-switch's trip is on its row, read from `sources.trippedBots` at each scrape. */
  killSwitchTripped: Gauge<'bot'>;
  /** Backtests, sweeps and walk-forwards the worker ended, by kind and how they ended. */
  backtests: Counter<'kind' | 'outcome'>;
  /** How long a completed one computed (its activity's attempt, from its start). */
  backtestDuration: Histogram<'kind'>;
  /** Bars replayed, counted as they go (a sweep's every point): its rate is the backtester's throughput. */
  backtestBars: Counter<'kind'>;
  /** Read from `sources.computeThreads` at each scrape. */
  computeThreads: Gauge<'state'>;
}

/** The worker's compute threads for backtests, read at each scrape. */
export interface ComputeThreadCounts {
  busy: number;
  free: number;
  /** Backtests (or a sweep wanting its thread back) waiting for one. */
  waiting: number;
}

/** A bot's open positions as the book holds them. */
export interface OpenBook {
  bot: number;
  open: number;
  unrealizedPnl: number;
}

export interface EngineMetricSources {
  computeThreads?: () => ComputeThreadCounts;
  /** Each bot's open positions; null when they cannot be read now. */
  openBook?: () => Promise<OpenBook[] | null>;
  /** The bots whose automatic kill-switch's trip is not lifted; null when they cannot be read now. */
  trippedBots?: () => Promise<number[] | null>;
}

/**
 * One read shared by the callers of one scrape (the registry collects every metric at once), so
 * that the gauges drawn from it agree; the next scrape reads again.
 */
function onePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  // Every metric of a scrape asks before the read settles; a scrape after it reads again.
  const clear = () => {
    pending = null;
  };
  return () => {
    if (pending === null) {
      pending = read();
      pending.then(clear, clear);
    }
    return pending;
  };
}

export function createEngineMetrics(registry = new Registry(), sources: EngineMetricSources = {}): EngineMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const { computeThreads, trippedBots, openBook } = sources;
  const computeThreadsGauge = new Gauge({
    name: 'backtest_compute_threads',
    help: "The worker's compute threads for backtests: busy, free, and backtests waiting for one",
    labelNames: ['state'],
    registers,
    collect() {
      if (computeThreads === undefined) return;
      const counts = computeThreads();
      for (const state of ['busy', 'free', 'waiting'] as const) this.set({ state }, counts[state]);
    },
  });
  const ordersCreated = new Counter({
    name: 'orders_created_total',
    help: 'Orders sent to the broker, by purpose (open, close) and the status the send ended in',
    labelNames: ['status', 'purpose'],
    registers,
  });
  // Every series from 0: an alert's increase() sees the first order of a status, not only the second.
  for (const purpose of ['open', 'close'])
    for (const status of ORDER_STATUSES) ordersCreated.inc({ status, purpose }, 0);
  const readBook = openBook === undefined ? undefined : onePerScrape(openBook);
  /** A gauge set per bot from the book; a bot without open positions leaves it. */
  const fromBook = async (gauge: Gauge<'bot'>, value: (book: OpenBook) => number) => {
    const books = readBook === undefined ? null : await readBook();
    // Unknown now (the database unreachable): the last scrape's values stand.
    if (books === null) return;
    gauge.reset();
    for (const book of books) gauge.set({ bot: String(book.bot) }, value(book));
  };
  const killSwitchTripped = new Gauge({
    name: 'kill_switch_tripped',
    help: "1 for each bot whose automatic kill-switch tripped and is not lifted yet (on the bot's row)",
    labelNames: ['bot'],
    registers,
    async collect() {
      const bots = trippedBots === undefined ? null : await trippedBots();
      // Unknown now (the database unreachable): the last scrape's values stand.
      if (bots === null) return;
      this.reset();
      for (const bot of bots) this.set({ bot: String(bot) }, 1);
    },
  });
  const signalsRefused = new Counter({
    name: 'signals_refused_total',
    help: 'Signals a decision ignored, by each risk check that refused them',
    labelNames: ['check'],
    registers,
  });
  // From 0, so that rate() and increase() see a check's first refusal.
  for (const check of RISK_CHECK_NAMES) signalsRefused.inc({ check }, 0);
  return {
    computeThreads: computeThreadsGauge,
    killSwitchTripped,
    registry,
    signalsIngested: new Counter({
      name: 'signals_ingested_total',
      help: 'Signals stored, by source and strategy',
      labelNames: ['source', 'strategy'],
      registers,
    }),
    decisionsCreated: new Counter({
      name: 'decision_created_total',
      help: 'Risk decisions made, by action (open or ignore)',
      labelNames: ['action'],
      registers,
    }),
    signalsRefused,
    ordersCreated,
    taskFailures: new Counter({
      name: 'task_failures_total',
      help: 'Failed activity attempts and failed cycles, by task',
      labelNames: ['task'],
      registers,
    }),
    cycleDuration: new Histogram({
      name: 'cycle_duration_seconds',
      help: 'Cycle duration from its start to its summary, by outcome',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40],
      registers,
    }),
    barCloseToOrder: new Histogram({
      name: 'bar_close_to_order_seconds',
      help: "From the close of the signal's bar to the broker's answer to the order",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90],
      registers,
    }),
    accountRiskLeaseWait: new Histogram({
      name: 'account_risk_lease_wait_seconds',
      help: "How long a bot with an account-wide limit waited for its account's lease: taken, or timed_out",
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    openPositions: new Gauge({
      name: 'open_positions',
      help: "The bot's open positions, as the engine's book holds them (its last reconcile), read at each scrape",
      labelNames: ['bot'],
      registers,
      async collect() {
        await fromBook(this, (book) => book.open);
      },
    }),
    unrealizedPnl: new Gauge({
      name: 'unrealized_pnl',
      help: "Unrealised P&L of the bot's open positions in account currency, as its last reconcile saw it, read at each scrape",
      labelNames: ['bot'],
      registers,
      async collect() {
        await fromBook(this, (book) => book.unrealizedPnl);
      },
    }),
    killSwitchTrips: new Counter({
      name: 'kill_switch_trips_total',
      help: 'Automatic kill-switch trips, by bot',
      labelNames: ['bot'],
      registers,
    }),
    backtests: new Counter({
      name: 'backtests_total',
      help: 'Backtests ended, by kind (backtest, sweep, walk_forward) and outcome (completed, failed, cancelled)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    backtestDuration: new Histogram({
      name: 'backtest_duration_seconds',
      help: 'How long a completed backtest, sweep or walk-forward computed, by kind',
      labelNames: ['kind'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    }),
    backtestBars: new Counter({
      name: 'backtest_bars_total',
      help: "Bars replayed by backtests, counted as they go (every sweep point's), by kind",
      labelNames: ['kind'],
      registers,
    }),
  };
}
