// Symbol specs are read from the broker once per cycle (fetchCandles) and cached in the instrument
// table; the cycle's later steps size, check and round with the cached spec, and read the broker
// only for a symbol not cached yet.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { Instrument } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';

export async function refreshInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
): Promise<InstrumentSpec> {
  const spec = await broker.instrument(symbol);
  await em.upsert(Instrument, { brokerAccount: account, ...spec }, { onConflictFields: ['brokerAccount', 'symbol'] });
  return spec;
}

export async function cachedInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
): Promise<InstrumentSpec> {
  const row = await em.findOne(Instrument, { brokerAccount: account, symbol });
  if (!row) return refreshInstrument(em, broker, account, symbol);
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
