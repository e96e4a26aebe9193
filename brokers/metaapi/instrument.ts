// The symbol spec as MetaApi reports it, plus what MT5 does not report (pip size, widest spread,
// correlation group, commission), each configurable per symbol. MetaApi puts the tick values on
// the price, not the spec: they are in account currency, as sizing needs.
import type { FillingMode, InstrumentSpec } from '../../trading/market.ts';
import type { MetaApiCandle, MetaApiSymbolPrice, MetaApiSymbolSpecification } from './sdk-types.ts';

export interface InstrumentOverrides {
  /** Default 10 × point (a pip is ten points on 5/3-digit quotes and on 2-digit gold). */
  pipSize?: number;
  /** Default: 3 × the median spread of the last hour's closed M1 bars (see defaultMaxSpreadPoints). */
  maxSpreadPoints?: number;
  /** Default: the symbol itself (correlated with nothing else). */
  correlationGroup?: string;
  /** Per lot per deal side, in account currency; default 0. MT5 keeps it in the account's group, not the spec. */
  commissionPerLot?: number;
}

const POINTS_PER_PIP = 10;
const MAX_SPREAD_MULTIPLE = 3;
/** One hour of M1 bars: the symbol's usual spread, which a news spike does not move at once. */
export const SPREAD_BASELINE_BARS = 60;

const FILLING_MODES: Record<string, FillingMode> = {
  SYMBOL_FILLING_FOK: 'FOK',
  SYMBOL_FILLING_IOC: 'IOC',
  SYMBOL_FILLING_RETURN: 'RETURN',
};

/** A symbol that allows neither FOK nor IOC fills with RETURN (MT5's rule). */
export function fillingModes(flags: string[]): FillingMode[] {
  const modes = flags.flatMap((flag) => FILLING_MODES[flag] ?? []);
  return modes.length > 0 ? [...new Set(modes)] : ['RETURN'];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * 3 × the usual spread: the median of `recentBars`' spreads, or with no bars (a closed or new
 * market) the spread quoted now. The spec is read every cycle, so a multiple of the current spread
 * alone would always pass. Configure it per symbol for live trading.
 */
export function defaultMaxSpreadPoints(price: MetaApiSymbolPrice, point: number, recentBars: MetaApiCandle[]): number {
  const usual =
    recentBars.length > 0 ? median(recentBars.map((bar) => bar.spread)) : Math.round((price.ask - price.bid) / point);
  return Math.max(1, Math.ceil(MAX_SPREAD_MULTIPLE * usual));
}

export interface InstrumentParts {
  spec: MetaApiSymbolSpecification;
  price: MetaApiSymbolPrice;
  /** Margin of 1 lot bought at the Ask, in account currency (0 when MetaApi gives none). */
  marginPerLot: number;
  /** Only read when no maxSpreadPoints is configured. */
  recentBars: MetaApiCandle[];
}

export function instrumentSpec(parts: InstrumentParts, overrides: InstrumentOverrides): InstrumentSpec {
  const { spec, price, marginPerLot, recentBars } = parts;
  const notional = spec.contractSize * price.ask;
  return {
    symbol: spec.symbol,
    digits: spec.digits,
    point: spec.point,
    tickSize: spec.tickSize,
    // The losing side's tick value: sizing is about what a stop-loss costs.
    tickValue: price.lossTickValue,
    contractSize: spec.contractSize,
    volumeMin: spec.minVolume,
    volumeMax: spec.maxVolume,
    volumeStep: spec.volumeStep,
    stopsLevel: spec.stopsLevel,
    freezeLevel: spec.freezeLevel,
    fillingModes: fillingModes(spec.fillingModes),
    maxSpreadPoints: overrides.maxSpreadPoints ?? defaultMaxSpreadPoints(price, spec.point, recentBars),
    pipSize: overrides.pipSize ?? POINTS_PER_PIP * spec.point,
    // Margin (account currency) over notional (quote currency): the engine's margin model, the
    // currency conversion included; 0 makes the engine fall back to 1 / leverage.
    marginRate: notional > 0 ? marginPerLot / notional : 0,
    correlationGroup: overrides.correlationGroup ?? spec.symbol,
    commissionPerLot: overrides.commissionPerLot ?? 0,
  };
}
