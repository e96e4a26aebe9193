// Keyset pagination, newest first, on (time, id): a page starts strictly below the key the previous
// page ended on, so rows inserted meanwhile never shift it (an offset would skip or repeat rows).
// The key carries the database's microseconds: a time cut to JavaScript's milliseconds would
// compare wrongly against its own row.
import type { EntityManager } from '@mikro-orm/postgresql';

/** Largest PostgreSQL `int`: ids beyond it exist nowhere and must not reach a query. */
export const MAX_ID = 2_147_483_647;

export interface PageKey {
  /** UTC, microseconds: `2026-11-24T10:00:00.123456Z`. */
  time: string;
  id: number;
}

export interface PageRequest {
  limit: number;
  /** The key the previous page ended on; absent for the first page. */
  after?: PageKey;
}

export interface Page<T> {
  items: T[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

const KEY_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.\d{6}Z$/;

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify([key.time, key.id]), 'utf8').toString('base64url');
}

/** The key inside a cursor this API issued; null for anything else. */
export function decodeCursor(cursor: string): PageKey | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [time, id] = value as unknown[];
  const seconds = typeof time === 'string' ? KEY_TIME.exec(time)?.[1] : undefined;
  // A real instant: JavaScript would roll 02-30 over into March where PostgreSQL refuses it.
  if (seconds === undefined || new Date(`${seconds}Z`).toISOString().slice(0, 19) !== seconds) return null;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1 || id > MAX_ID) return null;
  return { time: time as string, id };
}

/** A timestamp column as the API shows it: ISO-8601 UTC with milliseconds. */
export const iso = (column: string): string => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const keyTime = (column: string): string => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Conditions ANDed into a where clause, each with its `?` parameters. */
export class SqlFilter {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  where(condition: string, ...params: unknown[]): this {
    this.conditions.push(condition);
    this.params.push(...params);
    return this;
  }

  /** `column = value`, unless value is undefined (the filter was not asked for). */
  equals(column: string, value: string | number | undefined): this {
    return value === undefined ? this : this.where(`${column} = ?`, value);
  }

  /** `from` ≤ column < `to`, each bound only when given. */
  between(column: string, from: string | undefined, to: string | undefined): this {
    if (from !== undefined) this.where(`${column} >= ?::timestamptz`, from);
    if (to !== undefined) this.where(`${column} < ?::timestamptz`, to);
    return this;
  }

  get sql(): string {
    return this.conditions.length > 0 ? `where ${this.conditions.join(' and ')}` : '';
  }
}

/** What a list selects, from where, and the (time, id) it is ordered by. */
export interface Listing {
  /** Select list; must name the row's id `"id"`. */
  select: string;
  /** Tables and joins, after `from`. */
  from: string;
  time: string;
  id: string;
}

/** One page of `listing` under `filter`, newest first. */
export async function keysetPage<T extends { id: number }>(
  em: EntityManager,
  listing: Listing,
  filter: SqlFilter,
  page: PageRequest,
): Promise<Page<T>> {
  const where = new SqlFilter();
  if (filter.conditions.length > 0) where.where(filter.conditions.join(' and '), ...filter.params);
  if (page.after) where.where(`(${listing.time}, ${listing.id}) < (?::timestamptz, ?)`, page.after.time, page.after.id);
  // One row more than asked: whether it exists says whether there is a next page.
  const rows = await em.execute<Array<T & { pageKeyTime: string }>>(
    `select ${listing.select}, ${keyTime(listing.time)} as "pageKeyTime"
       from ${listing.from}
       ${where.sql}
      order by ${listing.time} desc, ${listing.id} desc
      limit ?`,
    [...where.params, page.limit + 1],
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(({ pageKeyTime: _key, ...item }) => item as unknown as T),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ time: last.pageKeyTime, id: last.id }) : null,
  };
}
