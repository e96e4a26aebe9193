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
  return {
    orm,
    url,
    async drop() {
      await orm.close(true);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
