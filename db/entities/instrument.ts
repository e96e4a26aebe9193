import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A symbol's specification as last read from the broker account, cached for risk and sizing. */
export const Instrument = defineEntity({
  name: 'Instrument',
  tableName: 'instrument',
  uniques: [{ properties: ['brokerAccount', 'symbol'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    brokerAccount: p.string(),
    symbol: p.string(),
    digits: p.integer(),
    point: p.decimal('number').precision(18).scale(8),
    tickSize: p.decimal('number').precision(18).scale(8),
    tickValue: p.decimal('number').precision(18).scale(8),
    contractSize: p.decimal('number').precision(18).scale(4),
    volumeMin: p.decimal('number').precision(12).scale(4),
    volumeMax: p.decimal('number').precision(12).scale(4),
    volumeStep: p.decimal('number').precision(12).scale(4),
    stopsLevel: p.integer(),
    freezeLevel: p.integer(),
    fillingModes: p.json<string[]>(),
    maxSpreadPoints: p.integer(),
    pipSize: p.decimal('number').precision(18).scale(8),
    marginRate: p.decimal('number').precision(12).scale(8),
    correlationGroup: p.string(),
    commissionPerLot: p.decimal('number').precision(18).scale(8),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IInstrument = InferEntity<typeof Instrument>;
