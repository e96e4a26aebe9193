// Paged history reads. MetaApi answers a time range a page at a time (offset + limit); pages are
// read until one comes back short. A page marked `synchronizing` fails the whole read: the
// terminal's history is still loading, and a partial list would read as "not there".
import type { TimeRange } from '../port.ts';
import { MetaApiSynchronizingError } from './errors.ts';
import type { MetaApiDeal, MetaApiOrder, MetaApiRpc } from './sdk-types.ts';

/** MetaApi's own default and largest page. */
export const HISTORY_PAGE_SIZE = 1000;

interface Page<T> {
  items: T[];
  synchronizing: boolean;
}

type PageReader<T> = (start: Date, end: Date, offset: number, limit: number) => Promise<Page<T>>;

/** The last millisecond of year 9999: the latest time with a plain four-digit ISO 8601 year. */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A time of the port's range as a Date MetaApi can read: a range such as `{ from: 0, to:
 * MAX_SAFE_INTEGER }` ("all of it") reaches past what a Date holds, and an Invalid Date would reach
 * MetaApi as null. MT5 history starts after 1970.
 */
const asDate = (time: number) => new Date(Math.max(0, Math.min(LATEST_MS, time)));

/** The port's range is inclusive at both ends; MetaApi's end time is exclusive. */
async function readAll<T>(what: string, range: TimeRange, read: PageReader<T>): Promise<T[]> {
  const start = asDate(range.from);
  const end = asDate(range.to + 1);
  const all: T[] = [];
  for (let offset = 0; ; offset += HISTORY_PAGE_SIZE) {
    const page = await read(start, end, offset, HISTORY_PAGE_SIZE);
    if (page.synchronizing)
      throw new MetaApiSynchronizingError(`${what}: MetaApi is still synchronizing the terminal's history; try again`);
    all.push(...page.items);
    if (page.items.length < HISTORY_PAGE_SIZE) return all;
  }
}

export function allDeals(rpc: MetaApiRpc, what: string, range: TimeRange): Promise<MetaApiDeal[]> {
  return readAll(what, range, async (start, end, offset, limit) => {
    const page = await rpc.getDealsByTimeRange(start, end, offset, limit);
    return { items: page.deals, synchronizing: page.synchronizing };
  });
}

export function allHistoryOrders(rpc: MetaApiRpc, what: string, range: TimeRange): Promise<MetaApiOrder[]> {
  return readAll(what, range, async (start, end, offset, limit) => {
    const page = await rpc.getHistoryOrdersByTimeRange(start, end, offset, limit);
    return { items: page.historyOrders, synchronizing: page.synchronizing };
  });
}
