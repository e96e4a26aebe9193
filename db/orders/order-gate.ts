// The gate between order sends and the global halt. Sends hold it shared, the halt exclusively.
// PostgreSQL queues lock requests fairly: a halt waits only for the sends already at the broker,
// and sends that arrive after it wait behind it — then read the halted flag and stop.
import type { EntityManager } from '@mikro-orm/postgresql';
import { GLOBAL_KILL_SWITCH, KillSwitch } from '../entities/index.ts';

/** Any fixed number, the same in every process of the engine. */
const ORDER_SEND_GATE = 7_145_230_982;

export interface GateState {
  halted: boolean;
  reason: string | null;
}

/**
 * Passes the gate inside the caller's transaction `tx` and reads the halt flag under it. The gate
 * stays held until `tx` ends, so the send and the recording of its answer belong in that transaction.
 */
export async function passOrderGate(tx: EntityManager): Promise<GateState> {
  if (!tx.isInTransaction()) throw new Error('passOrderGate needs a transaction: the gate is held until it ends');
  await tx.execute('select pg_advisory_xact_lock_shared(?)', [ORDER_SEND_GATE]);
  const row = await tx.findOneOrFail(KillSwitch, GLOBAL_KILL_SWITCH, { refresh: true });
  return { halted: row.halted, reason: row.reason ?? null };
}

/** Sets the global halt flag once every send in flight has finished; no send starts after it. */
export async function closeOrderGate(em: EntityManager, reason: string): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(?)', [ORDER_SEND_GATE]);
    await tx.nativeUpdate(KillSwitch, { scope: GLOBAL_KILL_SWITCH }, { halted: true, reason, updatedAt: new Date() });
  });
}
