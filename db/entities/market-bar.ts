import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** An imported M1 bar (Bid prices, UTC open time) that the replay feed serves. */
export const MarketBar = defineEntity({
  name: 'MarketBar',
  tableName: 'market_bar',
  uniques: [{ properties: ['symbol', 'openTime'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    symbol: p.string(),
    openTime: p.datetime(),
    open: p.decimal().precision(18).scale(8),
    high: p.decimal().precision(18).scale(8),
    low: p.decimal().precision(18).scale(8),
    close: p.decimal().precision(18).scale(8),
    tickVolume: p.integer(),
    spread: p.integer(),
    source: p.string(),
  },
});

export type IMarketBar = InferEntity<typeof MarketBar>;
