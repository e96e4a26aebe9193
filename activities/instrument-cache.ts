// Symbol specs are read from the broker once per cycle (fetchCandles) and cached in the instrument
// table; the cycle's later steps size, check and round with the cached spec, and read the broker
// only for a symbol not cached yet.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { Instrument } from '../db/entities/index.ts';
import { instrumentSpecOf } from '../db/instrument-spec.ts';
import { instrumentSpecSchema } from '../trading/instrument-validation.ts';
import type { InstrumentSpec } from '../trading/market.ts';

export async function refreshInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
): Promise<InstrumentSpec> {
  const spec = await broker.instrument(symbol);
  // Sizing, rounding and the loss limits divide by these numbers: a spec with a zero tick value (a
  // symbol the terminal has not synchronised yet) fails the step, and its retry asks again.
  const checked = instrumentSpecSchema.safeParse(spec);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`);
    throw new Error(`${account} reports an unusable spec for ${symbol} (${problems.join('; ')}): not cached`);
  }
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
  return instrumentSpecOf(row);
}
