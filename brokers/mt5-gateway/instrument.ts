// The symbol spec as the gateway reports it, plus what MT5 does not report: pip size, the widest
// spread to trade at, the correlation group and the commission, each configurable per symbol.
import type { FillingMode, InstrumentSpec } from '../../trading/market.ts';
import type { RateReply, SymbolReply } from './wire.ts';

export interface InstrumentOverrides {
  /** There is no universal pip (gold is 0.1 on most brokers, whatever its digits): set it when 10 × point is wrong. */
  pipSize?: number;
  maxSpreadPoints?: number;
  correlationGroup?: string;
  /** Per lot per deal side, in account currency: MT5 keeps commission in the account's group, not the symbol. */
  commissionPerLot?: number;
}

/** A pip is ten points on 5/3-digit quotes (and on 2-digit gold, 0.1). */
const POINTS_PER_PIP = 10;

/**
 * Default widest spread: 3 × the median spread of the last hour's closed M1 bars. The spec is read
 * every cycle, so a multiple of the current spread would always pass; the hour's median is the
 * symbol's usual spread, which a news spike does not move at once. With no bars (a new or closed
 * market), 3 × the spread the symbol shows now. Configure it per symbol for live trading.
 */
export const MAX_SPREAD_MULTIPLE = 3;
export const SPREAD_BASELINE_BARS = 60;

/** SYMBOL_FILLING_FOK and SYMBOL_FILLING_IOC; a symbol with neither fills with RETURN. */
const FILLING_FOK = 1;
const FILLING_IOC = 2;

export function fillingModes(bitmask: number): FillingMode[] {
  const modes: FillingMode[] = [];
  if (bitmask & FILLING_FOK) modes.push('FOK');
  if (bitmask & FILLING_IOC) modes.push('IOC');
  return modes.length > 0 ? modes : ['RETURN'];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function defaultMaxSpreadPoints(symbol: SymbolReply, recentBars: RateReply[]): number {
  const usual = recentBars.length > 0 ? median(recentBars.map((bar) => bar.spread)) : symbol.spread;
  return Math.ceil(MAX_SPREAD_MULTIPLE * usual);
}

/** `recentBars` is only read when no maxSpreadPoints is configured. */
export function instrumentSpec(
  symbol: SymbolReply,
  overrides: InstrumentOverrides,
  recentBars: RateReply[],
): InstrumentSpec {
  return {
    symbol: symbol.name,
    digits: symbol.digits,
    point: symbol.point,
    tickSize: symbol.trade_tick_size,
    // MT5 gives the tick value in the account currency: a USD-quoted symbol on a EUR account sizes right.
    tickValue: symbol.trade_tick_value,
    contractSize: symbol.trade_contract_size,
    volumeMin: symbol.volume_min,
    volumeMax: symbol.volume_max,
    volumeStep: symbol.volume_step,
    stopsLevel: symbol.trade_stops_level,
    freezeLevel: symbol.trade_freeze_level,
    fillingModes: fillingModes(symbol.filling_mode),
    maxSpreadPoints: overrides.maxSpreadPoints ?? defaultMaxSpreadPoints(symbol, recentBars),
    pipSize: overrides.pipSize ?? POINTS_PER_PIP * symbol.point,
    // The terminal's margin of a lot (account currency) over its notional: the account currency's
    // conversion is in it. None yet (no price): 0, and the engine falls back to 1 / leverage.
    marginRate: symbol.margin_rate ?? 0,
    correlationGroup: overrides.correlationGroup ?? symbol.name,
    commissionPerLot: overrides.commissionPerLot ?? 0,
  };
}
