// Developer command: writes the next migration (the diff between the entities and the committed
// migrations) into db/migrations, using a throw-away embedded PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { openOrm } from './orm.ts';

const name = process.argv[2];
const dataDir = await mkdtemp(join(tmpdir(), 'scalper-migration-'));
const postgres = await startEmbeddedPostgres({ dataDir, port: 54400, database: 'scalper', persistent: false });
try {
  const orm = await openOrm(postgres.url);
  const result = await orm.migrator.create(join(import.meta.dirname, 'migrations'), false, false, name);
  console.log(
    result.fileName ? `written db/migrations/${result.fileName}; add it to db/migrations/index.ts` : 'no changes',
  );
  await orm.close(true);
} finally {
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
