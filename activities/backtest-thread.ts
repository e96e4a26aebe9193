// A backtest's worker thread: runs the engine over the bars it was started with, renders the
// report, and posts both back, with the engine's progress reports on the way. The engine is pure
// CPU for seconds to minutes; here it leaves the worker's event loop free for cycles and heartbeats.
import { parentPort, workerData } from 'node:worker_threads';
import { backtestReportHtml } from '../backtest/report/html.ts';
import { runBacktest } from '../backtest/run.ts';
import type { BacktestThreadData, BacktestThreadMessage } from './backtest-thread-messages.ts';

const port = parentPort;
if (port === null) throw new Error('backtest-thread.ts runs as a worker thread (activities/backtest-threads.ts)');
const { bars, settings } = workerData as BacktestThreadData;
const post = (message: BacktestThreadMessage) => port.postMessage(message);

const result = runBacktest(bars, settings, (barsDone, barsTotal) => post({ type: 'progress', barsDone, barsTotal }));
post({ type: 'done', result, reportHtml: backtestReportHtml(result, settings, bars) });
