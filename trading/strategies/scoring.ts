// Score helpers: each strategy maps its features onto [0, 1] and averages them, so a signal
// that just meets every threshold scores near 0 and a textbook one near 1.

export function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

/** Where `value` sits between `atThreshold` (→ 0) and `ideal` (→ 1), clamped. */
export function progress(value: number, atThreshold: number, ideal: number): number {
  if (ideal === atThreshold) return 1;
  return clamp01((value - atThreshold) / (ideal - atThreshold));
}

/** Decimals a score keeps: the audit trail stores it so, and decisions read it back so. */
export const SCORE_DECIMALS = 4;

/** The mean of the components, to SCORE_DECIMALS: what is decided on is exactly what is stored. */
export function meanScore(components: readonly number[]): number {
  if (components.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < components.length; i++) sum += clamp01(components[i]!);
  const mean = clamp01(sum / components.length);
  return Math.round(mean * 10 ** SCORE_DECIMALS) / 10 ** SCORE_DECIMALS;
}
