// Symbol specs are read from the broker once per cycle (fetchCandles) and cached in the instrument
// table; the cycle's later steps size, check and round with the cached spec, and read the broker
// for a symbol not cached yet (or, where asked, cached too long ago).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { Instrument } from '../db/entities/index.ts';
import { instrumentSpecOf } from '../db/instrument-spec.ts';
import { instrumentSpecSchema } from '../trading/instrument-validation.ts';
import type { InstrumentSpec } from '../trading/market.ts';

/** A spec sizing and rounding cannot work with: a zero tick value, a step that rounds to nothing. */
export class UnusableInstrumentSpecError extends Error {
  override name = 'UnusableInstrumentSpecError';
}

/** Numbers the NUMERIC columns may round: kept to within this share of the broker's, they are the broker's. */
const STORED_TOLERANCE = 1e-4;

/** Where the row differs from what the broker reported beyond rounding: a column too coarse for the symbol. */
function storedDifferences(reported: InstrumentSpec, stored: InstrumentSpec): string[] {
  const differences: string[] = [];
  for (const [field, value] of Object.entries(reported)) {
    const kept = stored[field as keyof InstrumentSpec];
    if (typeof value !== 'number' || typeof kept !== 'number') continue;
    if (Math.abs(kept - value) > Math.abs(value) * STORED_TOLERANCE) {
      differences.push(`${field}: reported ${value}, its column keeps ${kept}`);
    }
  }
  return differences;
}

/**
 * The broker's spec for `symbol`, cached and returned as stored. Sizing, rounding and the loss
 * limits divide by its numbers: a zero tick value (a symbol the terminal has not synchronised
 * yet), or a number its NUMERIC column cannot keep (a volume step of 0.00015 would be rounded to
 * 0.0002, which the broker refuses), fails the step, nothing is cached, and the step's retry asks
 * the broker again.
 */
export async function refreshInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
): Promise<InstrumentSpec> {
  const reported = await broker.instrument(symbol);
  const checked = instrumentSpecSchema.safeParse(reported);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`);
    throw new UnusableInstrumentSpecError(`${account} reports an unusable spec for ${symbol} (${problems.join('; ')})`);
  }
  return em.transactional(async (tx) => {
    await tx.upsert(
      Instrument,
      { brokerAccount: account, ...reported, updatedAt: new Date() },
      { onConflictFields: ['brokerAccount', 'symbol'] },
    );
    const stored = instrumentSpecOf(
      await tx.findOneOrFail(Instrument, { brokerAccount: account, symbol }, { refresh: true }),
    );
    const differences = storedDifferences(reported, stored);
    if (differences.length > 0) {
      throw new UnusableInstrumentSpecError(
        `${account}'s spec for ${symbol} cannot be cached as reported (${differences.join('; ')})`,
      );
    }
    return stored;
  });
}

/**
 * The cached spec, read from the broker when there is none — or, with `maxAgeMs`, when it was read
 * longer ago than that: a symbol no bot of the account trades is refreshed by no cycle, and its
 * tick value moves with its profit currency's rate (a cross pair's on a USD account). A refresh of
 * a cached spec that fails leaves the cached one in use, and tells `onStaleKept` why.
 */
export async function cachedInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
  {
    maxAgeMs = Infinity,
    onStaleKept,
  }: { maxAgeMs?: number; onStaleKept?: (error: unknown, ageMs: number) => void } = {},
): Promise<InstrumentSpec> {
  const row = await em.findOne(Instrument, { brokerAccount: account, symbol });
  if (!row) return refreshInstrument(em, broker, account, symbol);
  const ageMs = Date.now() - row.updatedAt.getTime();
  if (ageMs <= maxAgeMs) return instrumentSpecOf(row);
  try {
    return await refreshInstrument(em, broker, account, symbol);
  } catch (error) {
    if (onStaleKept === undefined) throw error;
    onStaleKept(error, ageMs);
    return instrumentSpecOf(row);
  }
}
