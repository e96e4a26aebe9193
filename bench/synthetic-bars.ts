// A deterministic gold-like M1 series for the benchmark: a random walk with volatility
// regimes, so every strategy sees trends, ranges and spikes.
import type { Bar } from '../trading/market.ts';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (price: number): number => Math.round(price * 100) / 100;

export function syntheticBars(count: number, seed: number, startTime = Date.UTC(2024, 0, 1)): Bar[] {
  const random = mulberry32(seed);
  const bars: Bar[] = new Array(count);
  let close = 2000;
  let drift = 0;
  let volatility = 0.3;
  for (let i = 0; i < count; i++) {
    if (i % 240 === 0) {
      drift = (random() - 0.5) * 0.1;
      volatility = 0.1 + random() * 0.5;
    }
    const open = close;
    close = round2(Math.max(100, open + drift + (random() - 0.5) * 2 * volatility));
    bars[i] = {
      openTime: startTime + i * 60_000,
      open,
      high: round2(Math.max(open, close) + random() * volatility),
      low: round2(Math.min(open, close) - random() * volatility),
      close,
      tickVolume: 20 + Math.floor(random() * 200),
      spread: 15 + Math.floor(random() * 20),
    };
  }
  return bars;
}
