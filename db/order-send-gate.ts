// The gate between order sends and the global halt. Sends hold it shared, the halt exclusively.
// PostgreSQL queues lock requests fairly: a halt waits only for the sends already at the broker,
// and sends that arrive after it wait behind it — then read the halted flag and stop.
import type { EntityManager } from '@mikro-orm/postgresql';
import { KillSwitch } from './entities/index.ts';

/** Any fixed number, the same in every process of the engine. */
const ORDER_SEND_GATE = 7_145_230_982;
const GLOBAL = 'global';

/** Runs `send` inside a transaction that holds the gate shared; `halted` is read under it. */
export function throughOrderGate<T>(em: EntityManager, send: (halted: { halted: boolean; reason: string | null }) => Promise<T>): Promise<T> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock_shared(?)', [ORDER_SEND_GATE]);
    const row = await tx.findOneOrFail(KillSwitch, GLOBAL, { refresh: true });
    return send({ halted: row.halted, reason: row.reason ?? null });
  });
}

/** Sets the global halt flag once every send in flight has finished; no send starts after it. */
export async function closeOrderGate(em: EntityManager, reason: string): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [ORDER_SEND_GATE]);
    await tx.nativeUpdate(KillSwitch, { scope: GLOBAL }, { halted: true, reason, updatedAt: new Date() });
  });
}
