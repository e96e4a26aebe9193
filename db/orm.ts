// The MikroORM instance for PostgreSQL: entities registered explicitly, migrations applied on open.
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type Orm = MikroORM;

export function ormConfig(databaseUrl: string) {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ALL_ENTITIES,
    extensions: [Migrator],
    // Listed, not discovered: works the same under Node, jest and a bundler.
    migrations: { migrationsList: MIGRATIONS, snapshot: false, silent: true, path: 'db/migrations' },
    pool: { min: 0, max: 10 },
    debug: false,
  });
}

/** Connects, fails fast with the driver's own message if the server is unreachable, and migrates. */
export async function openOrm(databaseUrl: string): Promise<Orm> {
  const orm = await MikroORM.init(ormConfig(databaseUrl));
  try {
    await orm.em.getConnection().execute('select 1');
    await orm.migrator.up();
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
