// Paper account state in PostgreSQL: one paper_account row per login. Every change runs in one
// transaction that locks the row (SELECT … FOR UPDATE), applies the change and writes it back
// with version + 1 — so concurrent activity workers on one account queue up behind each other
// instead of overwriting each other's updates, and a restarted worker loses nothing. Reads take
// a snapshot without the lock: dozens of bots on one account no longer queue to read it.
import { LockMode } from '@mikro-orm/core';
import { PaperAccount } from '../../db/entities/paper-account.ts';
import type { Orm } from '../../db/orm.ts';
import type { PaperState } from './state.ts';
import type { PaperStateStore } from './store.ts';

export function createPostgresStateStore(orm: Orm): PaperStateStore {
  return {
    update(login, create, operation) {
      return orm.em.fork().transactional(async (em) => {
        // Creating the row first (a no-op when it exists) means there is always a row to lock.
        await em
          .createQueryBuilder(PaperAccount)
          .insert({
            id: login,
            state: create() as unknown as Record<string, unknown>,
            version: 1,
            updatedAt: new Date(),
          })
          .onConflict('id')
          .ignore()
          .execute();
        const row = await em.findOneOrFail(PaperAccount, { id: login }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const state = structuredClone(row.state) as unknown as PaperState;
        const result = operation(state);
        row.state = state as unknown as Record<string, unknown>;
        row.version += 1;
        return result;
      });
    },
    async snapshot(login, create, operation) {
      const row = await orm.em.fork().findOne(PaperAccount, { id: login }, { fields: ['state'] });
      return operation(row === null ? create() : (structuredClone(row.state) as unknown as PaperState));
    },
  };
}
