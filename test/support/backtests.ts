// What the backtest tests share: the settings a request with every default resolves to on a paper
// account, and the REST calls (post, get, poll to the end, count the rows) on a test API.
import type { z } from 'zod';
import type { backtestSchema } from '../../api/routes/backtest-schemas.ts';
import type { SweepPoint } from '../../backtest/sweep/point.ts';
import type { RankMetric } from '../../backtest/sweep/rank.ts';
import { runSweepPoint } from '../../backtest/sweep/run-point.ts';
import type { BacktestSettings } from '../../backtest/types.ts';
import { walkForward, type WalkForwardFold } from '../../backtest/walk-forward.ts';
import type { BarColumns } from '../../trading/bar-columns.ts';
import { paperInstruments } from '../../brokers/paper/index.ts';
import { riskSettingsSchema } from '../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../trading/strategies/index.ts';
import { lookbackFor } from '../../trading/strategies/lookback.ts';
import { startTestApi, type TestApi } from './api.ts';
import { startTestEngine, type TestEngine } from './engine.ts';
import { paperCosts } from './paper-costs.ts';

/** GET /backtests/:id as JSON. */
export type BacktestDetail = z.output<typeof backtestSchema>;

/** What the API's JSON carries of a value (no -0, no undefined). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A walk-forward computed directly, each point run in this thread: what a pool's or the worker's must equal. */
export function directWalkForward(
  bars: BarColumns,
  settings: BacktestSettings,
  grid: { folds: readonly WalkForwardFold[]; points: readonly SweepPoint[]; metric: RankMetric },
) {
  return walkForward({
    ...grid,
    runSweep: async (window, points) =>
      points.map((point, index) => ({
        index,
        point,
        summary: runSweepPoint(bars, { ...settings, ...window }, point),
        error: null,
      })),
  });
}

/** The engine's settings for a request with every default, on paper gold (UTC epoch ms or ISO times). */
export function defaultBacktestSettings(from: number | string, to: number | string, seed: number): BacktestSettings {
  const { commissionPerLot, ...instrument } = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
  const strategyParams = strategyParamsSchema.parse({});
  return {
    symbol: 'XAUUSDm',
    instrument,
    enabledStrategies: [...STRATEGY_NAMES],
    strategyParams,
    riskSettings: riskSettingsSchema.parse({}),
    lookback: lookbackFor(undefined, [...STRATEGY_NAMES], strategyParams),
    startingBalance: 10_000,
    accountMode: 'hedging',
    leverage: 100,
    costs: paperCosts(commissionPerLot),
    schedule: { kind: 'bar_close', delaySeconds: 2 },
    from: typeof from === 'number' ? from : Date.parse(from),
    to: typeof to === 'number' ? to : Date.parse(to),
    seed,
  };
}

/** The backtest routes of a test API, over the engine's database; read lazily, once both have started. */
export function backtestCalls(servers: () => { api: TestApi; engine: TestEngine }) {
  const post = (body: unknown, headers?: Record<string, string>) => {
    const { api } = servers();
    return api.app.inject({
      method: 'POST',
      url: '/backtests',
      headers: headers ?? api.trade,
      payload: body as object,
    });
  };

  const get = async (url: string) => {
    const { api } = servers();
    const response = await api.app.inject({ method: 'GET', url, headers: api.read });
    expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
    return response;
  };

  const rowCount = async (): Promise<number> => {
    const [row] = await servers()
      .engine.db.orm.em.fork()
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from backtest');
    return row!.n;
  };

  /** GET /backtests/:id until it has ended. */
  const finished = async (id: number): Promise<BacktestDetail> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const body = (await get(`/backtests/${id}`)).json<BacktestDetail>();
      if (body.status === 'completed' || body.status === 'failed') return body;
      if (Date.now() > deadline) throw new Error(`backtest ${id} still ${body.status} after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  return { post, get, rowCount, finished };
}

/** A series of the test worker's metrics by its labels (a histogram's `count`), 0 before it first moves. */
export async function workerMetric(
  engine: Pick<TestEngine, 'deps'>,
  name: string,
  labels: Record<string, string>,
  part?: 'count',
): Promise<number> {
  const { values } = await engine.deps.metrics.registry.getSingleMetric(name)!.get();
  const series = part === 'count' ? `${name}_count` : name;
  const found = values.find(
    (value) =>
      // A histogram's values name their series (_bucket, _sum, _count); the type omits it.
      ((value as { metricName?: string }).metricName ?? name) === series &&
      Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted),
  );
  return found?.value ?? 0;
}

/** The engine (a worker on the run's dev server, a database of its own) and the API over it, as the backtest tests run them. */
export async function startBacktestStack(feedSeed: number): Promise<{ engine: TestEngine; api: TestApi }> {
  const engine = await startTestEngine({ feedSeed, schedulesTo: 'nowhere' });
  try {
    return { engine, api: await startTestApi({ db: engine.db, workerQueue: engine.taskQueue }) };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

export async function stopBacktestStack(stack: { engine?: TestEngine; api?: TestApi }): Promise<void> {
  await stack.api?.stop();
  await stack.engine?.stop();
}
