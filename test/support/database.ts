// A fresh, migrated database per test file on the run's PostgreSQL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openOrm, type Orm } from '../../db/orm.ts';

export interface TestDatabase {
  orm: Orm;
  url: string;
  drop(): Promise<void>;
}

function serverUrl(database: string): string {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run integration tests through jest (global setup)');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `scalper_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = serverUrl(name);
  const orm = await openOrm(url);
  // Schedule ids are per bot id and every test file shares one Temporal server: bot ids start
  // far apart, so one file's schedules never update, pause or delete another's.
  const firstBotId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  await orm.em.getConnection().execute(`alter sequence bot_id_seq restart with ${firstBotId}`);
  return {
    orm,
    url,
    async drop() {
      await orm.close(true);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
