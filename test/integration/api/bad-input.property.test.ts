// Malformed input of every kind, to every route the API documents: each answer is a 4xx problem
// document naming what is wrong, and nothing is written. The routes and their inputs are read from
// the OpenAPI document, so a route added later is covered without touching this test.
import fc from 'fast-check';
import { BrokerAccounts } from '../../../db/broker-accounts.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  /** OpenAPI 3.0's way to say null is accepted too. */
  nullable?: boolean;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  params: Parameter[];
  body: JsonSchema | null;
}

interface Request {
  method: string;
  url: string;
  payload?: string;
  what: string;
  /** The field the problem document must name, when one field alone is at fault. */
  field?: string;
}

let api: TestApi;
let operations: Operation[];
/** Path parameters that name things that exist, so a route is reached past its lookup. */
let existing: Record<string, string>;

const TABLES = [
  'bot',
  'signal',
  'decision',
  '"order"',
  'execution',
  'position',
  'audit_log',
  'cycle_run',
  'kill_switch',
  'api_token',
  'instrument',
  'market_bar',
  'broker_account',
  'backtest',
];

async function rowCounts(): Promise<Record<string, number>> {
  const connection = api.db.orm.em.fork().getConnection();
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await connection.execute<{ n: string }[]>(`select count(*) as n from ${table}`);
    counts[table] = Number(row!.n);
  }
  return counts;
}

beforeAll(async () => {
  api = await startTestApi();
  const bot = await api.bots.create({ name: 'bad-input-target', symbol: 'XAUUSDm' });
  const account = await new BrokerAccounts(api.db.orm.em.fork()).add({
    name: 'bad-input-account',
    kind: 'paper',
    environment: 'demo',
    connection: {},
  });
  existing = { id: String(bot.id), name: account.name };
  const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
    paths: Record<
      string,
      Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      params: operation.parameters ?? [],
      body: operation.requestBody?.content['application/json']?.schema ?? null,
    })),
  );
});

afterAll(() => api?.stop());

const typesOf = (schema: JsonSchema): string[] => [
  ...(schema.anyOf
    ? schema.anyOf.flatMap(typesOf)
    : Array.isArray(schema.type)
      ? schema.type
      : schema.type
        ? [schema.type]
        : []),
  ...(schema.nullable ? ['null'] : []),
];

/** Values no schema of these types accepts (as a query string or path segment). */
function badText(schema: JsonSchema): fc.Arbitrary<string> | null {
  const types = typesOf(schema);
  const choices: string[] = [];
  if (types.includes('integer') || types.includes('number'))
    choices.push('abc', 'NaN', 'Infinity', '1e309', '0x1F', '', ' ', '--1', '1,5');
  if (types.includes('integer')) choices.push('1.5', '99999999999999999999', '-99999999999999999999');
  if (types.includes('boolean')) choices.push('yes', '2', 'TRUE!');
  if (schema.enum) choices.push('not-one-of-them', '🦄', 'ACTIVE ');
  if (schema.format === 'date-time') choices.push('yesterday', '2026-13-45T99:00:00Z', '1700000000');
  if (schema.maxLength !== undefined) choices.push('x'.repeat(schema.maxLength + 1));
  if (schema.minimum !== undefined && (types.includes('integer') || types.includes('number')))
    choices.push(String(schema.minimum - 1));
  if (schema.maximum !== undefined && (types.includes('integer') || types.includes('number')))
    choices.push(String(schema.maximum + 1));
  return choices.length > 0 ? fc.constantFrom(...choices) : null;
}

/** A JSON value of a type the schema does not take. */
function wrongType(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = typesOf(schema);
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!types.includes('string')) candidates.push(fc.string({ maxLength: 30 }), fc.constant('NaN'));
  if (!types.includes('number') && !types.includes('integer')) candidates.push(fc.double({ noNaN: true }));
  if (!types.includes('boolean')) candidates.push(fc.boolean());
  if (!types.includes('array')) candidates.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (!types.includes('object')) candidates.push(fc.constant({ '🦄': 1 }));
  if (!types.includes('null')) candidates.push(fc.constant(null));
  return fc.oneof(...candidates);
}

/** A value of the right type the schema still refuses: past its bounds, too long, not its pattern. */
function outOfRange(schema: JsonSchema): fc.Arbitrary<unknown> | null {
  const types = typesOf(schema);
  const choices: unknown[] = [];
  if (types.includes('number') || types.includes('integer')) {
    if (schema.maximum !== undefined) choices.push(schema.maximum + 1, 1e308);
    if (schema.minimum !== undefined) choices.push(schema.minimum - 1, -1e308);
    if (types.includes('integer') && !types.includes('number')) choices.push(0.5, 2 ** 53 + 2);
  }
  if (types.includes('string')) {
    if (schema.maxLength !== undefined)
      choices.push('x'.repeat(schema.maxLength + 1), '🦄'.repeat(schema.maxLength + 1));
    if (schema.enum) choices.push('🦄', `${String(schema.enum[0])} `);
    if (schema.pattern) choices.push('🦄\u0000');
  }
  return choices.length > 0 ? fc.constantFrom(...choices) : null;
}

const encode = (value: string) => encodeURIComponent(value);

function urlOf(operation: Operation, overrides: Record<string, string> = {}, query = ''): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encode(overrides[name] ?? existing[name] ?? '1'),
  );
  return query ? `${path}?${query}` : path;
}

/** Every malformed request this operation can be sent, as an arbitrary. */
function badRequests(operation: Operation): fc.Arbitrary<Request>[] {
  const arbitraries: fc.Arbitrary<Request>[] = [];
  const { method } = operation;
  const validBody = operation.body ? '{}' : undefined;
  for (const parameter of operation.params) {
    const bad = badText(parameter.schema);
    if (!bad || parameter.in === 'header') continue;
    arbitraries.push(
      bad.map((value) => ({
        method,
        url:
          parameter.in === 'path'
            ? urlOf(operation, { [parameter.name]: value })
            : urlOf(operation, {}, `${parameter.name}=${encode(value)}`),
        payload: validBody,
        what: `${parameter.in}.${parameter.name}=${JSON.stringify(value)}`,
        field: `${parameter.in === 'path' ? 'params' : parameter.in}.${parameter.name}`,
      })),
    );
  }
  const body = operation.body;
  if (body) {
    const url = urlOf(operation);
    const notJson = ['{"reason":', 'reason=x', '\u0000', '{"a":1}}'];
    arbitraries.push(
      fc.constantFrom(...notJson, '[]', '1', '"text"', 'null', 'true').map((payload) => ({
        method,
        url,
        payload,
        what: `body ${JSON.stringify(payload)}`,
      })),
      // Unknown fields must be refused, not dropped: a misspelt setting has to be noticed.
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }))
        .filter(([key]) => !(body.properties && key in body.properties) && key !== '__proto__')
        .map(([key, value]) => ({
          method,
          url,
          payload: JSON.stringify({ [key]: value }),
          what: `body with the unknown field ${JSON.stringify(key)}`,
        })),
    );
    for (const [name, schema] of Object.entries(body.properties ?? {})) {
      const refused = [wrongType(schema), outOfRange(schema)].filter((arbitrary) => arbitrary !== null);
      arbitraries.push(
        fc.oneof(...refused).map((value) => ({
          method,
          url,
          payload: JSON.stringify({ [name]: value }),
          what: `body.${name}=${JSON.stringify(value)}`,
          field: `body.${name}`,
        })),
      );
    }
  }
  return arbitraries;
}

describe('malformed input to every route', () => {
  it('is answered 4xx with a problem document, and nothing is written', async () => {
    const before = await rowCounts();
    const requests = operations.flatMap(badRequests);
    expect(requests.length).toBeGreaterThan(10);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(...requests), async (request) => {
        sent++;
        const response = await api.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: { ...api.trade, ...(request.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(request.payload !== undefined ? { payload: request.payload } : {}),
        });
        const context = `${request.method} ${request.url} (${request.what}) → ${response.statusCode} ${response.body.slice(0, 300)}`;
        if (response.statusCode < 400 || response.statusCode >= 500) throw new Error(`not a 4xx: ${context}`);
        if (!String(response.headers['content-type']).startsWith('application/problem+json'))
          throw new Error(`not a problem document: ${context}`);
        const problem = response.json() as {
          status: number;
          title: string;
          detail: string;
          type: string;
          errors?: { field: string }[];
        };
        if (problem.status !== response.statusCode || !problem.title || !problem.detail || !problem.type)
          throw new Error(`incomplete problem document: ${context}`);
        if (request.field && response.statusCode === 400 && !problem.errors?.some((e) => e.field === request.field))
          throw new Error(`the problem does not name ${request.field}: ${context}`);
      }),
      { numRuns: 2_500 },
    );
    expect(sent).toBeGreaterThanOrEqual(2_500);
    expect(await rowCounts()).toEqual(before);
  });
});
