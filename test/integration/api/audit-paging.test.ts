// Cursor paging of every audit list on real PostgreSQL: rows inserted while a client pages (newer,
// older, and at the very instant of the page's last row) never make it skip or repeat a row, down
// to the database's microseconds; bad paging and filter parameters are 400 problems naming the field.
import type { IBot } from '../../../db/entities/index.ts';
import { at, AuditRows, nextSerial } from '../../support/audit-rows.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
let rows: AuditRows;

beforeAll(async () => {
  api = await startTestApi();
  rows = new AuditRows(api.db.orm);
});

afterAll(() => api?.stop());

interface Resource {
  url: string;
  table: string;
  time: string;
  /** Writes one row of the resource at `time`; returns its id. */
  insert(bot: IBot, time: Date): Promise<number>;
}

const RESOURCES: Resource[] = [
  {
    url: '/signals',
    table: 'signal',
    time: 'received_at',
    insert: async (bot, time) =>
      (await rows.signal(bot, { receivedAt: time, barTime: new Date(nextSerial() * 60_000) })).id,
  },
  {
    url: '/decisions',
    table: 'decision',
    time: 'created_at',
    insert: async (bot, time) =>
      (
        await rows.decision(await rows.signal(bot, { receivedAt: time, barTime: new Date(nextSerial() * 60_000) }), {
          createdAt: time,
        })
      ).id,
  },
  {
    url: '/orders',
    table: '"order"',
    time: 'created_at',
    insert: async (bot, time) =>
      (await rows.order(bot, { createdAt: time, purpose: 'close', positionTicket: 'p1', closeReason: 'manual' })).id,
  },
  {
    url: '/executions',
    table: 'execution',
    time: 'executed_at',
    insert: async (bot, time) =>
      (await rows.execution(bot, { executedAt: time, brokerPositionId: `p${nextSerial()}` })).id,
  },
  {
    url: '/positions',
    table: 'position',
    time: 'opened_at',
    insert: async (bot, time) =>
      (await rows.position(bot, { openedAt: time, brokerPositionId: `p${nextSerial()}` })).id,
  },
  {
    url: '/audit',
    table: 'audit_log',
    time: 'created_at',
    insert: async (bot, time) => (await rows.audit(bot, { event: 'e', createdAt: time })).id,
  },
  {
    url: '/cycles',
    table: 'cycle_run',
    time: 'started_at',
    insert: async (bot, time) => (await rows.cycle(bot, { startedAt: time })).id,
  },
];

async function get(url: string) {
  return api.app.inject({ method: 'GET', url, headers: api.read });
}

describe.each(RESOURCES)('GET $url paging', (resource) => {
  it('neither skips nor repeats a row while rows are inserted between pages', async () => {
    const bot = await rows.bot();
    // 24 rows on 6 instants: ties on time are ordered by id.
    const original: number[] = [];
    for (let i = 0; i < 24; i++) original.push(await resource.insert(bot, at(i % 6)));
    // Half of them microseconds later, within the same millisecond: a cursor cut to JavaScript's
    // milliseconds would skip rows here.
    const ofBot =
      resource.table === 'decision' ? 'signal_id in (select id from signal where bot_id = ?)' : 'bot_id = ?';
    await rows.em
      .getConnection()
      .execute(
        `update ${resource.table} set ${resource.time} = ${resource.time} + (id % 3) * interval '250 microseconds' where ${ofBot}`,
        [bot.id],
      );

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `botId=${bot.id}&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await get(`${resource.url}?${query}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: Array<{ id: number }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
      // Meanwhile: a newer row, an older one, and one at the instant of the page's last row.
      await resource.insert(bot, at(60 + pages));
      await resource.insert(bot, at(-60 - pages));
      await resource.insert(bot, at(pages % 6));
    } while (cursor !== null && pages < 50);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(original));
    // Newest first throughout: the pages put together are in (time, id) descending order.
    const keys = await rows.em
      .getConnection()
      .execute<Array<{ id: number }>>(
        `select id from ${resource.table} where id in (${seen.join(',')}) order by ${resource.time} desc, id desc`,
      );
    expect(seen).toEqual(keys.map((key) => key.id));
  });

  it('answers the first page with a cursor and the last with null', async () => {
    const bot = await rows.bot();
    for (let i = 0; i < 3; i++) await resource.insert(bot, at(i));
    const first = (await get(`${resource.url}?botId=${bot.id}&limit=2`)).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const last = (await get(`${resource.url}?botId=${bot.id}&limit=2&cursor=${first.nextCursor}`)).json();
    expect(last.items).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
    const all = (await get(`${resource.url}?botId=${bot.id}`)).json();
    expect(all.items).toHaveLength(3);
    expect(all.nextCursor).toBeNull();
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['limit', 'limit=0'],
    ['limit', 'limit=501'],
    ['limit', 'limit=ten'],
    ['limit', 'limit=2.5'],
    ['limit', 'limit=1e1'],
    ['limit', 'limit=%20'],
    ['cursor', 'cursor=not-a-cursor'],
    ['cursor', 'cursor=%24%24%24'],
    ['cursor', `cursor=${forged(['2026-02-30T00:00:00.000000Z', 1])}`],
    ['cursor', `cursor=${forged(['2026-11-20T08:00:00.000000Z', 0])}`],
    ['cursor', `cursor=${forged({ time: '2026-11-20T08:00:00.000000Z', id: 1 })}`],
    ['from', 'from=yesterday'],
    ['from', 'from=2026-11-20'],
    ['to', 'to=2026-13-01T00:00:00Z'],
    ['to', `from=${at(5).toISOString()}&to=${at(1).toISOString()}`],
    ['botId', 'botId=abc'],
    ['botId', 'botId=0'],
    ['botId', 'botId=99999999999'],
    ['botId', 'botId=0x1F'],
    ['botId', 'botId='],
  ])('refuses a bad %s (%s) with a 400 naming query.%s', async (field, query) => {
    const response = await get(`${resource.url}?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, errors: [{ field: `query.${field}` }] });
  });

  it('takes instants with an offset', async () => {
    const response = await get(`${resource.url}?from=2026-11-20T10:00:00%2B02:00&to=2026-11-20T10:30:00.5%2B02:00`);
    expect(response.statusCode).toBe(200);
  });
});

describe('filters of their own', () => {
  it.each([
    ['/signals', 'strategy', 'martingale'],
    ['/signals', 'direction', 'long'],
    ['/decisions', 'action', 'maybe'],
    ['/orders', 'status', 'lost'],
    ['/orders', 'purpose', 'hedge'],
    ['/orders', 'retcode', 'x'],
    ['/executions', 'entry', 'sideways'],
    ['/executions', 'orderId', '-1'],
    ['/positions', 'closeReason', 'luck'],
    ['/positions', 'status', 'half'],
    ['/cycles', 'outcome', 'crashed'],
  ])('%s refuses %s=%s with a 400 naming it', async (url, field, value) => {
    const response = await get(`${url}?${field}=${value}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ field: `query.${field}` })]);
  });

  it.each(['/decisions/abc', '/orders/0', '/orders/99999999999'])('%s is a 400 naming params.id', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ field: 'params.id' })]);
  });
});

describe('OpenAPI', () => {
  it('documents every audit route with its parameters and responses', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const resource of RESOURCES) {
      const operation = document.paths[resource.url].get;
      const names = operation.parameters.map((parameter: { name: string }) => parameter.name);
      expect(names).toEqual(expect.arrayContaining(['limit', 'cursor', 'botId', 'from', 'to']));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    }
    for (const path of ['/decisions/{id}', '/orders/{id}', '/bots/{id}/stats', '/bots/{id}/equity']) {
      expect(Object.keys(document.paths[path].get.responses)).toEqual(expect.arrayContaining(['200', '404']));
    }
    expect(document.paths['/orders'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'purpose', 'side', 'symbol', 'strategy', 'retcode', 'clientOrderId']),
    );
  });
});
