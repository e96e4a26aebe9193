// What a fleet run did in its window, from Temporal's visibility (which cycles each schedule
// started, when it meant to and when it did) and from the audit trail (how long each cycle took,
// which orders it sent and how long after their bar closed).
import type { Orm } from '../../db/orm.ts';
import type { TemporalConnections } from '../../infra/startup.ts';

export interface Quantiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

export function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN, count: sorted.length };
}

export interface CycleCensus {
  started: number;
  completed: number;
  failed: number;
  timedOut: number;
  running: number;
  /** Start time − nominal (scheduled) time, ms. */
  startLagMs: Quantiles;
  /** Nominal time → cycle recorded (its orders acknowledged), ms. */
  fireToDoneMs: Quantiles;
  /** Run start → cycle recorded, ms. */
  durationMs: Quantiles;
}

/** The cycles whose nominal time falls in [from, to). */
export async function censusOfCycles(
  orm: Orm,
  temporal: TemporalConnections,
  taskQueue: string,
  from: number,
  to: number,
): Promise<CycleCensus> {
  const query = `TaskQueue = '${taskQueue}' AND TemporalScheduledStartTime >= '${new Date(from).toISOString()}' AND TemporalScheduledStartTime < '${new Date(to).toISOString()}'`;
  const nominal = new Map<string, number>();
  const lags: number[] = [];
  const statuses = { completed: 0, failed: 0, timedOut: 0, running: 0 };
  for await (const run of temporal.client.workflow.list({ query, pageSize: 1000 })) {
    const scheduled = run.searchAttributes['TemporalScheduledStartTime']?.[0];
    const at = scheduled instanceof Date ? scheduled.getTime() : Date.parse(String(scheduled));
    nominal.set(run.runId, at);
    lags.push(run.startTime.getTime() - at);
    const status = run.status.name;
    if (status === 'COMPLETED') statuses.completed++;
    else if (status === 'RUNNING') statuses.running++;
    else if (status === 'TIMED_OUT') statuses.timedOut++;
    else statuses.failed++;
  }
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<Array<{ run_id: string; started: number; finished: number }>>(
      `select run_id, extract(epoch from started_at) * 1000 as started, extract(epoch from finished_at) * 1000 as finished
         from cycle_run where started_at >= ? and started_at < ?`,
      [new Date(from), new Date(to + 60_000)],
    );
  const durations: number[] = [];
  const fireToDone: number[] = [];
  for (const row of rows) {
    const at = nominal.get(row.run_id);
    if (at === undefined) continue;
    durations.push(Number(row.finished) - Number(row.started));
    fireToDone.push(Number(row.finished) - at);
  }
  return {
    started: nominal.size,
    ...statuses,
    startLagMs: quantiles(lags),
    fireToDoneMs: quantiles(fireToDone),
    durationMs: quantiles(durations),
  };
}

export interface OrderCensus {
  sent: number;
  filled: number;
  /** Bar close → the broker's answer, ms, for orders that reached the broker. */
  barCloseToAckMs: Quantiles;
}

export async function censusOfOrders(orm: Orm, from: number, to: number): Promise<OrderCensus> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<Array<{ status: string; latency: number }>>(
      `select o.status, extract(epoch from (o.updated_at - (s.bar_time + interval '1 minute'))) * 1000 as latency
         from "order" o join decision d on d.id = o.decision_id join signal s on s.id = d.signal_id
        where o.purpose = 'open' and o.sent_at >= ? and o.sent_at < ?
          and o.status in ('filled', 'partially_filled', 'rejected')`,
      [new Date(from), new Date(to + 60_000)],
    );
  return {
    sent: rows.length,
    filled: rows.filter((row) => row.status !== 'rejected').length,
    barCloseToAckMs: quantiles(rows.map((row) => Number(row.latency))),
  };
}

/** Client connections open on the server now. */
export async function postgresConnections(orm: Orm): Promise<number> {
  const [row] = await orm.em
    .fork()
    .getConnection()
    .execute<Array<{ count: number }>>(
      `select count(*)::int as count from pg_stat_activity where backend_type = 'client backend'`,
    );
  return row?.count ?? 0;
}
