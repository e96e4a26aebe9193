// Page cursors are opaque to clients but must round-trip exactly, microseconds included, and
// anything a client forges must decode to null (a 400), never reach PostgreSQL as a bad instant.
import fc from 'fast-check';
import { decodeCursor, encodeCursor, MAX_ID } from '../../../db/queries/keyset.ts';

const keyTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .chain((date) =>
    fc
      .integer({ min: 0, max: 999 })
      .map((micros) => date.toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`)),
  );

describe('page cursors', () => {
  it('decode to the key they encode', () => {
    fc.assert(
      fc.property(keyTime, fc.integer({ min: 1, max: MAX_ID }), (time, id) => {
        const cursor = encodeCursor({ time, id });
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toEqual({ time, id });
      }),
    );
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['an object', forged({ time: '2026-11-20T08:00:00.000000Z', id: 1 })],
    ['three parts', forged(['2026-11-20T08:00:00.000000Z', 1, 2])],
    ['milliseconds only', forged(['2026-11-20T08:00:00.000Z', 1])],
    ['a day that does not exist', forged(['2026-02-30T08:00:00.000000Z', 1])],
    ['hour 24', forged(['2026-11-20T24:00:00.000000Z', 1])],
    ['an offset', forged(['2026-11-20T08:00:00.000000+01:00', 1])],
    ['id 0', forged(['2026-11-20T08:00:00.000000Z', 0])],
    ['a fractional id', forged(['2026-11-20T08:00:00.000000Z', 1.5])],
    ['an id beyond int', forged(['2026-11-20T08:00:00.000000Z', MAX_ID + 1])],
    ['a string id', forged(['2026-11-20T08:00:00.000000Z', '1'])],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
