// Symbol specs are read from the broker once per cycle (fetchCandles) and cached in the instrument
// table; the cycle's later steps size, check and round with the cached spec, and read the broker
// only for a symbol not cached yet.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { Instrument } from '../db/entities/index.ts';
import { instrumentSpecOf } from '../db/instrument-spec.ts';
import { instrumentSpecSchema } from '../trading/instrument-validation.ts';
import type { InstrumentSpec } from '../trading/market.ts';

/** A spec sizing and rounding cannot work with: a zero tick value, a step that rounds to nothing. */
export class UnusableInstrumentSpecError extends Error {}

/**
 * The broker's spec for `symbol`, cached and returned as stored. Sizing, rounding and the loss
 * limits divide by its numbers, so it is checked as the NUMERIC columns keep it: a zero tick value
 * (a symbol the terminal has not synchronised yet) or a volume step finer than the column keeps
 * fails the step, nothing is cached, and the step's retry asks the broker again.
 */
export async function refreshInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
): Promise<InstrumentSpec> {
  const reported = await broker.instrument(symbol);
  return em.transactional(async (tx) => {
    await tx.upsert(
      Instrument,
      { brokerAccount: account, ...reported, updatedAt: new Date() },
      { onConflictFields: ['brokerAccount', 'symbol'] },
    );
    const stored = instrumentSpecOf(
      await tx.findOneOrFail(Instrument, { brokerAccount: account, symbol }, { refresh: true }),
    );
    const checked = instrumentSpecSchema.safeParse(stored);
    if (!checked.success) {
      const problems = checked.error.issues.map((issue) => {
        const field = issue.path.join('.');
        const value = field in reported ? ` (reported ${JSON.stringify(reported[field as keyof InstrumentSpec])})` : '';
        return `${field || 'spec'}: ${issue.message}${value}`;
      });
      throw new UnusableInstrumentSpecError(
        `${account} reports an unusable spec for ${symbol} (${problems.join('; ')}): not cached`,
      );
    }
    return stored;
  });
}

/**
 * The cached spec, read from the broker when there is none — or, with `maxAgeMs`, when it was read
 * longer ago than that: a symbol no bot of the account trades is refreshed by no cycle, and its
 * tick value moves with its profit currency's rate (a cross pair's on a USD account).
 */
export async function cachedInstrument(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbol: string,
  { maxAgeMs = Infinity }: { maxAgeMs?: number } = {},
): Promise<InstrumentSpec> {
  const row = await em.findOne(Instrument, { brokerAccount: account, symbol });
  if (!row || Date.now() - row.updatedAt.getTime() > maxAgeMs) return refreshInstrument(em, broker, account, symbol);
  return instrumentSpecOf(row);
}
