// What every audit list shares: the id, time-range and page parameters, the page shape and the
// documented problem answers.
import { z } from 'zod';
import { decodeCursor, MAX_ID } from '../../../db/queries/index.ts';
import { problemSchema } from '../../problems.ts';

// Numbers as query strings and path segments spell them: digits only. Coercing with Number() would
// take 0x1F, 1e3, '' and ' ' for numbers; the documented type stays a number.
const numeric = (pattern: RegExp, schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && pattern.test(value) ? Number(value) : value), schema);

export const wholeNumber = (min: number, max: number) => numeric(/^\d{1,10}$/, z.number().int().min(min).max(max));

export const decimalNumber = (min: number, max: number) =>
  numeric(/^\d{1,12}(\.\d{1,8})?$/, z.number().min(min).max(max));

export const idSchema = wholeNumber(1, MAX_ID);

export const idParams = z.object({ id: idSchema });

/** An ISO-8601 instant that says its offset: without one, whose local time it is would be a guess. */
export const instant = z.iso.datetime({
  offset: true,
  error: 'not an ISO-8601 date-time with Z or an offset, e.g. 2025-01-01T00:00:00Z',
});

const cursorSchema = z
  .string()
  .transform((value, ctx) => {
    const key = decodeCursor(value);
    if (key === null) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API issued: pass nextCursor back unchanged' });
      return z.NEVER;
    }
    return key;
  })
  .describe('The nextCursor of the previous page; absent for the first page');

/** An optional time range; `to` must come after `from` (checked by `toAfterFrom`). */
export const rangeShape = {
  from: instant.optional().describe('Only rows at or after this instant (ISO-8601 with Z or an offset)'),
  to: instant.optional().describe('Only rows before this instant (ISO-8601 with Z or an offset)'),
};

type RangeQuery = { from?: string | undefined; to?: string | undefined };

export function toAfterFrom(query: RangeQuery, ctx: z.RefinementCtx): void {
  if (query.from !== undefined && query.to !== undefined && Date.parse(query.from) >= Date.parse(query.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
  }
}

/** The parameters every list takes; filters of its own are added with `listQuery`. */
const pageShape = {
  limit: wholeNumber(1, 500).default(50).describe('Rows per page, 1 to 500 (default 50)'),
  cursor: cursorSchema.optional(),
  botId: idSchema.optional().describe("Only this bot's rows"),
  ...rangeShape,
};

/** A list's query string: paging, bot and time range, plus `filters`. */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
  // The filters' own types hide from/to from the compiler inside this generic.
  return z.object({ ...pageShape, ...filters }).superRefine((query, ctx) => toAfterFrom(query as RangeQuery, ctx));
}

/** The page parameters of a parsed query, for the persistence layer. */
export function pageOf(query: { limit: number; cursor?: { time: string; id: number } | undefined }) {
  return { limit: query.limit, ...(query.cursor ? { after: query.cursor } : {}) };
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item).describe('Newest first'),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null on the last. Rows inserted meanwhile never shift a page'),
  });
}

export const listProblems = { 400: problemSchema, 401: problemSchema };
export const itemProblems = { 400: problemSchema, 401: problemSchema, 404: problemSchema };

export const side = z.enum(['buy', 'sell']);
/** Money and prices: NUMERIC in the database, JSON numbers here. */
export const money = z.number();
export const timestamp = z.iso.datetime().describe('ISO-8601, UTC');
