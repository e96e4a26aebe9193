// How many bars a window needs before the recursive indicators read in it have forgotten their
// seed. An EMA starts from the window's first close and a Wilder smoothing from the mean of its
// first `period` inputs; either keeps a share of that start in every later value, so a short
// window reads other EMAs and ADXs than a long history of the same market would.

/** Largest share of its seed a smoothed value may still carry where a strategy reads it. */
export const SEED_WEIGHT_LIMIT = 0.001;

/** Periods of the recursive indicators a strategy reads. */
export interface SmoothedIndicators {
  /** EMAs: seeded with the first value, each update keeps 1 − 2/(p + 1) of the previous one. */
  ema?: readonly number[];
  /** ADXs: Wilder smoothings (each update keeps 1 − 1/p) of DIs that are Wilder smoothings too. */
  adx?: readonly number[];
  /** ATRs: one Wilder smoothing. */
  atr?: readonly number[];
}

/** Updates after which an average keeping `retained` of itself per update has < the limit of its seed. */
function updatesToForget(retained: number): number {
  return Math.floor(Math.log(SEED_WEIGHT_LIMIT) / Math.log(retained)) + 1;
}

/**
 * Bars from an indicator's first value (what a strategy's warm-up waits for) to its first value
 * whose seed weighs < SEED_WEIGHT_LIMIT. An EMA reports from bar p − 1 and has had i updates at
 * bar i; a Wilder smoothing reports its seed, so it needs every update on top. The ADX's own
 * seed is the youngest (the DIs' are p − 1 bars older), so it is the one that counts.
 */
function barsToConverge(indicators: SmoothedIndicators): number {
  const ema = (indicators.ema ?? []).map((p) => updatesToForget(1 - 2 / (p + 1)) - (p - 1));
  const wilder = [...(indicators.adx ?? []), ...(indicators.atr ?? [])].map((p) => updatesToForget(1 - 1 / p));
  return Math.max(0, ...ema, ...wilder);
}

/**
 * Closed bars a strategy needs so that every smoothed value it reads has a seed weight below
 * SEED_WEIGHT_LIMIT (0.1 %): its warm-up, after which each read falls on or after the
 * indicator's first value, plus the most bars any of its indicators needs from that first value
 * to convergence. For EMA(p) that is about 3.45 × p bars in all; for ADX(p), 2p − 1 + 6.9 × p.
 */
export function convergedWindow(warmUpBars: number, indicators: SmoothedIndicators): number {
  return warmUpBars + barsToConverge(indicators);
}
