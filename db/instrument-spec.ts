// A cached instrument row as the spec the engine trades with.
import type { IInstrument } from './entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';

export function instrumentSpecOf(row: IInstrument): InstrumentSpec {
  return {
    symbol: row.symbol,
    digits: row.digits,
    point: row.point,
    tickSize: row.tickSize,
    tickValue: row.tickValue,
    contractSize: row.contractSize,
    volumeMin: row.volumeMin,
    volumeMax: row.volumeMax,
    volumeStep: row.volumeStep,
    stopsLevel: row.stopsLevel,
    freezeLevel: row.freezeLevel,
    fillingModes: row.fillingModes as InstrumentSpec['fillingModes'],
    maxSpreadPoints: row.maxSpreadPoints,
    pipSize: row.pipSize,
    marginRate: row.marginRate,
    correlationGroup: row.correlationGroup,
    commissionPerLot: row.commissionPerLot,
  };
}
