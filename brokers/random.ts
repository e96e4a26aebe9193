// Seeded randomness for the simulators. Never Math.random: a seed must reproduce every bar,
// fill and injected fault, in any process, in any order of calls.

/** 32-bit finaliser (MurmurHash3 fmix32): spreads every input bit over the whole output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes integers and strings into one 32-bit key, so (seed, symbol, index) names a stream. */
export function hashKey(...parts: Array<number | string>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (typeof part === 'number') {
      // Split into two 32-bit halves so minute indices beyond 2^32 still hash distinctly.
      h = fmix32(h ^ (part >>> 0));
      h = fmix32(h ^ Math.floor(part / 0x1_0000_0000));
    } else {
      for (let i = 0; i < part.length; i++) h = fmix32(h ^ part.charCodeAt(i));
      h = fmix32(h ^ part.length);
    }
  }
  return h;
}

/** Uniform in [0, 1) from a 32-bit key. */
export function unitFromKey(key: number): number {
  return key / 0x1_0000_0000;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
}

/** mulberry32: small, fast, good enough for simulation; state is one 32-bit integer. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
  return {
    next,
    normal() {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
  };
}
