// The MikroORM instance for PostgreSQL: entities registered explicitly, migrations applied on open.
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { ALL_ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type Orm = MikroORM;

/** Any fixed number: processes starting together (worker, API) take turns to migrate. */
const MIGRATION_LOCK = 7_145_230_981;

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

async function migrate(orm: Orm, databaseUrl: string): Promise<void> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await orm.migrator.up();
  } finally {
    await lock.end();
  }
}

/** Connects (failing fast with the driver's message if the server is unreachable) and migrates. */
export async function openOrm(databaseUrl: string): Promise<Orm> {
  const orm = await MikroORM.init(ormConfig(databaseUrl));
  try {
    await orm.em.getConnection().execute('select 1');
    await migrate(orm, databaseUrl);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
