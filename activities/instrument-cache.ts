// Instrument specs are read from the broker each cycle and cached so the API and audits can show them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Instrument } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';

export async function cacheInstrument(em: EntityManager, brokerAccount: string, spec: InstrumentSpec): Promise<void> {
  await em.upsert(Instrument, { brokerAccount, ...spec }, { onConflictFields: ['brokerAccount', 'symbol'] });
}
