// A seeded synthetic M1 feed with gold-like behaviour, aligned to wall-clock minutes.
//
// Every bar is a pure function of (seed, symbol, minute): a restarted worker, or another process,
// sees exactly the same history. How:
// - Each UTC day k has an anchor log-price A(k) from multi-scale value noise hashed from
//   (seed, symbol, octave, knot): slow swings of months, weeks and days, bounded by construction.
// - Inside day k a random walk (stream seeded by (seed, symbol, k)) runs through volatility
//   regimes (quiet / normal / wild, lasting 20–180 min) that are either trends (drift) or ranges
//   (mean reversion), scaled by an intraday session curve (Asia quiet, London/New York busy).
// - A Brownian bridge pins the walk to A(k) at 00:00 and A(k+1) at 24:00, so days join up.
// - Bar i opens at the walk's point i and closes at point i+1 (open = previous close), wicks
//   scale with the regime's volatility; the spread, in points, widens with volatility.
import type { Bar } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import type { Quote } from '../port.ts';
import { hashKey, seededRandom, unitFromKey } from '../random.ts';
import { MINUTE_MS, minuteOpenTime, type MarketFeed } from './feed.ts';
import { quoteOnPath } from './intrabar.ts';

const MINUTES_PER_DAY = 1440;
const CACHED_DAYS = 16;

type VolatilityLevel = 'quiet' | 'normal' | 'wild';

export interface SyntheticProfile {
  point: number;
  /** Geometric centre of the long-run price; the swings below keep it within about ±30 %. */
  centrePrice: number;
  /** Amplitude, in log-price, of the day-anchor swings per octave (period in days). */
  swings: Array<{ periodDays: number; amplitude: number }>;
  /** Per-minute volatility of log-price in each regime. */
  volatility: Record<VolatilityLevel, number>;
  /** Spread range in points in each regime. */
  spreadPoints: Record<VolatilityLevel, [number, number]>;
  /** Typical ticks per minute in a normal regime. */
  tickVolume: number;
}

/**
 * Gold (XAUUSD) with 2 digits, point 0.01: price swings between about 2000 and 4000 around
 * 2830; a normal minute moves ~0.03 % (~0.85 USD), a wild one ~0.07 %; spread 15–40 points
 * (0.15–0.40 USD), as on raw-spread gold accounts.
 */
export const GOLD_PROFILE: SyntheticProfile = {
  point: 0.01,
  centrePrice: 2830,
  swings: [
    { periodDays: 90, amplitude: 0.2 },
    { periodDays: 20, amplitude: 0.07 },
    { periodDays: 5, amplitude: 0.025 },
    { periodDays: 1, amplitude: 0.008 },
  ],
  volatility: { quiet: 0.00012, normal: 0.0003, wild: 0.0007 },
  spreadPoints: { quiet: [15, 22], normal: [18, 30], wild: [25, 40] },
  tickVolume: 120,
};

/** EURUSD with 5 digits, point 0.00001: around 1.10, spread 6–20 points (0.6–2 pips). */
export const EURUSD_PROFILE: SyntheticProfile = {
  point: 0.00001,
  centrePrice: 1.1,
  swings: [
    { periodDays: 90, amplitude: 0.06 },
    { periodDays: 20, amplitude: 0.02 },
    { periodDays: 5, amplitude: 0.008 },
    { periodDays: 1, amplitude: 0.003 },
  ],
  volatility: { quiet: 0.00004, normal: 0.0001, wild: 0.00025 },
  spreadPoints: { quiet: [6, 10], normal: [8, 14], wild: [12, 20] },
  tickVolume: 80,
};

/** Profiles by symbol prefix, so broker suffixes (XAUUSDm, XAUUSD.raw) find theirs. */
export const DEFAULT_PROFILES: Record<string, SyntheticProfile> = {
  XAUUSD: GOLD_PROFILE,
  EURUSD: EURUSD_PROFILE,
};

export interface SyntheticFeedOptions {
  seed: number;
  profiles?: Record<string, SyntheticProfile>;
}

interface DayPath {
  /** 1441 log-prices: the walk at each minute boundary of the day. */
  logPrices: Float64Array;
  wickUp: Float64Array;
  wickDown: Float64Array;
  spread: Int32Array;
  tickVolume: Int32Array;
}

function emptyDayPath(): DayPath {
  return {
    logPrices: new Float64Array(MINUTES_PER_DAY + 1),
    wickUp: new Float64Array(MINUTES_PER_DAY),
    wickDown: new Float64Array(MINUTES_PER_DAY),
    spread: new Int32Array(MINUTES_PER_DAY),
    tickVolume: new Int32Array(MINUTES_PER_DAY),
  };
}

interface Regime {
  level: VolatilityLevel;
  drift: number;
  meanReverting: boolean;
}

/** Intraday activity by UTC hour: Asia quiet, London busier, London/New York overlap busiest. */
function sessionActivity(minuteOfDay: number): number {
  const hour = Math.floor(minuteOfDay / 60);
  if (hour >= 13 && hour < 17) return 1.3;
  if (hour >= 7 && hour < 21) return 1;
  return 0.6;
}

/** A log-price on the price grid. */
function priceOf(logPrice: number, point: number): number {
  return roundToStep(Math.exp(logPrice), point);
}

function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

export function createSyntheticFeed(options: SyntheticFeedOptions): MarketFeed {
  const { seed } = options;
  const profiles = options.profiles ?? DEFAULT_PROFILES;
  const days = new Map<string, DayPath>();
  // A backtest reads a year of minutes one by one: the profile and the day found for the last
  // minute are looked up again only when the symbol or the day changes.
  const profileBySymbol = new Map<string, SyntheticProfile | null>();
  let latestDay = { symbol: '', day: Number.NaN, path: null as DayPath | null };

  function profileOf(symbol: string): SyntheticProfile | null {
    const known = profileBySymbol.get(symbol);
    if (known !== undefined) return known;
    const prefix = Object.keys(profiles)
      .filter((key) => symbol.startsWith(key))
      .sort((a, b) => b.length - a.length)[0];
    const profile = prefix === undefined ? null : (profiles[prefix] ?? null);
    profileBySymbol.set(symbol, profile);
    return profile;
  }

  function knot(symbol: string, octave: number, index: number): number {
    return unitFromKey(hashKey(seed, symbol, 'swing', octave, index)) * 2 - 1;
  }

  /** Day-boundary log-price: smooth value noise at each octave, summed around the centre. */
  function anchor(symbol: string, profile: SyntheticProfile, day: number): number {
    let value = Math.log(profile.centrePrice);
    profile.swings.forEach(({ periodDays, amplitude }, octave) => {
      const x = day / periodDays;
      const i = Math.floor(x);
      const a = knot(symbol, octave, i);
      const b = knot(symbol, octave, i + 1);
      value += amplitude * (a + (b - a) * smoothstep(x - i));
    });
    return value;
  }

  function nextRegime(random: ReturnType<typeof seededRandom>, profile: SyntheticProfile): Regime {
    const levelDraw = random.next();
    const level: VolatilityLevel = levelDraw < 0.35 ? 'quiet' : levelDraw < 0.8 ? 'normal' : 'wild';
    const kindDraw = random.next();
    const sigma = profile.volatility[level];
    if (kindDraw < 0.5) return { level, drift: 0, meanReverting: true };
    return { level, drift: (kindDraw < 0.75 ? 1 : -1) * 0.15 * sigma, meanReverting: false };
  }

  /** The day's path, written into `storage` (a path evicted from the cache) when given. */
  function buildDay(symbol: string, profile: SyntheticProfile, day: number, storage = emptyDayPath()): DayPath {
    const random = seededRandom(hashKey(seed, symbol, 'day', day));
    const { logPrices: walk, wickUp, wickDown, spread, tickVolume } = storage;
    walk[0] = 0;
    let regime = nextRegime(random, profile);
    let regimeEnd = random.int(20, 180);
    let rangeCentre = 0;
    for (let i = 0; i < MINUTES_PER_DAY; i++) {
      if (i >= regimeEnd) {
        regime = nextRegime(random, profile);
        regimeEnd = i + random.int(20, 180);
        rangeCentre = walk[i] as number;
      }
      const activity = sessionActivity(i);
      const sigma = profile.volatility[regime.level] * activity;
      const current = walk[i] as number;
      const pull = regime.meanReverting ? -0.08 * (current - rangeCentre) : regime.drift * activity;
      walk[i + 1] = current + pull + sigma * random.normal();
      wickUp[i] = Math.abs(random.normal()) * sigma * 0.6;
      wickDown[i] = Math.abs(random.normal()) * sigma * 0.6;
      const [minSpread, maxSpread] = profile.spreadPoints[regime.level];
      spread[i] = random.int(minSpread, maxSpread);
      const volumeScale = (sigma / profile.volatility.normal) * (0.6 + 0.8 * random.next());
      tickVolume[i] = Math.max(1, Math.round(profile.tickVolume * volumeScale));
    }
    const start = anchor(symbol, profile, day);
    const end = anchor(symbol, profile, day + 1);
    const walkEnd = walk[MINUTES_PER_DAY] as number;
    // The walk becomes the log-prices in place.
    for (let i = 0; i <= MINUTES_PER_DAY; i++) {
      walk[i] = start + walk[i]! - (i / MINUTES_PER_DAY) * (walkEnd - (end - start));
    }
    return storage;
  }

  function dayPath(symbol: string, profile: SyntheticProfile, day: number): DayPath {
    if (latestDay.day === day && latestDay.symbol === symbol && latestDay.path !== null) return latestDay.path;
    const path = cachedOrBuiltDay(symbol, profile, day);
    // Set to each path returned, so never stale: a cached day's arrays are reused (below) only
    // while the next path is built, which then takes this place.
    latestDay = { symbol, day, path };
    return path;
  }

  function cachedOrBuiltDay(symbol: string, profile: SyntheticProfile, day: number): DayPath {
    const key = `${symbol}:${day}`;
    const cached = days.get(key);
    if (cached !== undefined) return cached;
    // A long run through the feed would otherwise leave ~60 KB of typed arrays behind per day: the
    // evicted day's arrays hold the new day's path (no reader keeps a path past its call).
    let storage: DayPath | undefined;
    if (days.size >= CACHED_DAYS) {
      const oldest = days.keys().next().value as string;
      storage = days.get(oldest);
      days.delete(oldest);
    }
    const built = buildDay(symbol, profile, day, storage);
    days.set(key, built);
    return built;
  }

  function barAt(symbol: string, openTime: number): Bar | null {
    const profile = profileOf(symbol);
    const minute = openTime / MINUTE_MS;
    if (profile === null || !Number.isInteger(minute)) return null;
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const i = minute - day * MINUTES_PER_DAY;
    const path = dayPath(symbol, profile, day);
    const { point } = profile;
    const openLog = path.logPrices[i] as number;
    const closeLog = path.logPrices[i + 1] as number;
    const open = priceOf(openLog, point);
    const close = priceOf(closeLog, point);
    return {
      openTime,
      open,
      high: Math.max(open, close, priceOf(Math.max(openLog, closeLog) + (path.wickUp[i] as number), point)),
      low: Math.min(open, close, priceOf(Math.min(openLog, closeLog) - (path.wickDown[i] as number), point)),
      close,
      tickVolume: path.tickVolume[i] as number,
      spread: path.spread[i] as number,
    };
  }

  function barsBetween(symbol: string, from: number, to: number): Bar[] {
    const bars: Bar[] = [];
    for (let time = Math.ceil(from / MINUTE_MS) * MINUTE_MS; time < to; time += MINUTE_MS) {
      const bar = barAt(symbol, time);
      if (bar !== null) bars.push(bar);
    }
    return bars;
  }

  return {
    barAt,
    barsBetween,
    closedBars(symbol, count, now) {
      const forming = minuteOpenTime(now);
      return barsBetween(symbol, forming - count * MINUTE_MS, forming);
    },
    quote(symbol, now): Quote | null {
      const profile = profileOf(symbol);
      const bar = barAt(symbol, minuteOpenTime(now));
      if (profile === null || bar === null) return null;
      return { symbol, ...quoteOnPath(bar, now - bar.openTime, profile.point), time: now };
    },
  };
}
