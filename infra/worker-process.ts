// How a worker process is started — by `npm start`, `npm run worker`, the image and the fleet
// benchmark — so that its resident memory stays near what it really holds. At 500 bots the worker
// held ~60 MB of live JavaScript in its main isolate yet sat at 570–750 MB of RSS with Node's and
// glibc's defaults (README, Scaling): most of the rest was memory freed but never given back.

/**
 * V8, for each of the worker's isolates (its own, the workflow thread's, a backtest's thread):
 * - a young generation of 2 × 16 MB: on a machine with much RAM Node lets it grow to 2 × 64 MB;
 * - an old generation of at most 192 MB: the main isolate holds ~60 MB live at 500 bots, and a
 *   year's backtest with its report ~35 MB (bars are transferred buffers, outside it). Without a
 *   cap V8 kept freed pages: 420 MB of RSS at 500 bots (with the malloc settings below), 290 MB
 *   with it, cycles no slower.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=192'];

/**
 * glibc malloc (ignored elsewhere): blocks of 64 KB and more are mapped and unmapped on their own
 * instead of staying in the heap once freed, free memory at the heap's top goes back to the system
 * past 64 KB, and two arenas instead of eight per core for the SDK's Rust threads and V8's.
 */
export const WORKER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '65536',
};
