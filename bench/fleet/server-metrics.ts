// What the Temporal server spent its database on during the window, from its Prometheus endpoint:
// per persistence operation, calls per second and mean latency (waiting for the dev server's one
// SQLite connection included), and how often its timer queue took a reader for stuck. Read at the
// window's start and end; the difference is the window's.

export interface PersistenceOperation {
  operation: string;
  perSecond: number;
  meanMs: number;
  /** Seconds of latency per second of window: the connection's load, queueing included. */
  busy: number;
}

export interface ServerMetrics {
  persistence: PersistenceOperation[];
  persistenceCallsPerSecond: number;
  timerReaderStuckAlarms: number;
}

interface Totals {
  latencySeconds: Map<string, number>;
  calls: Map<string, number>;
  stuckAlarms: number;
  at: number;
}

const SAMPLE = /^(persistence_latency_sum|persistence_latency_count|queue_actions)\{([^}]*)\} (\S+)$/;

async function totals(url: string): Promise<Totals> {
  const text = await (await fetch(url)).text();
  const result: Totals = { latencySeconds: new Map(), calls: new Map(), stuckAlarms: 0, at: Date.now() };
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labels, value] = match;
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(labels!)?.[1] ?? '';
    if (name === 'queue_actions') {
      if (label('operation') === 'TimerQueueProcessor' && label('queue_action') === 'reader_stuck')
        result.stuckAlarms += Number(value);
      continue;
    }
    const into = name === 'persistence_latency_sum' ? result.latencySeconds : result.calls;
    const operation = label('operation');
    into.set(operation, (into.get(operation) ?? 0) + Number(value));
  }
  return result;
}

/** Starts the count; the returned function ends it. */
export async function watchServerMetrics(url: string): Promise<() => Promise<ServerMetrics>> {
  const start = await totals(url);
  return async () => {
    const end = await totals(url);
    const seconds = (end.at - start.at) / 1000;
    const persistence = [...end.calls].map(([operation, calls]) => {
      const count = calls - (start.calls.get(operation) ?? 0);
      const latency = (end.latencySeconds.get(operation) ?? 0) - (start.latencySeconds.get(operation) ?? 0);
      return {
        operation,
        perSecond: count / seconds,
        meanMs: count > 0 ? (latency / count) * 1000 : NaN,
        busy: latency / seconds,
      };
    });
    return {
      persistence: persistence.filter((op) => op.perSecond > 0).sort((a, b) => b.busy - a.busy),
      persistenceCallsPerSecond: persistence.reduce((sum, op) => sum + op.perSecond, 0),
      timerReaderStuckAlarms: end.stuckAlarms - start.stuckAlarms,
    };
  };
}
