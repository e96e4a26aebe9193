// One error shape for every 4xx and 5xx: RFC 9457 problem details (application/problem+json),
// with the offending fields named. Unexpected errors are logged with their request and answered
// without internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MissingSecretError } from '../brokers/accounts.ts';
import { AccountUnreachableError, UnknownAccountError, UnknownSymbolError } from '../brokers/symbol-catalog.ts';
import { BotConflictError, BotNotFoundError, UnknownSettingsError } from '../bots/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const fieldErrorSchema = z.object({
  field: z.string().describe('Where the problem is: body.name, query.limit, params.id, header.authorization …'),
  message: z.string(),
});

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional().describe('The offending fields, when the input is at fault'),
  })
  .describe('RFC 9457 problem details');

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = z.infer<typeof fieldErrorSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An error a route throws to answer with a given problem. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly kind: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    kind: string,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = status;
    this.kind = kind;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export function problem(status: number, kind: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `https://scalper-engine.dev/problems/${kind}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

function send(reply: FastifyReply, request: FastifyRequest, body: Problem): FastifyReply {
  return reply
    .code(body.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: request.url });
}

/** Fastify's names of the request's parts, as the problem's `field` spells them (query.limit). */
const LOCATIONS: Record<string, string> = { querystring: 'query', headers: 'header' };

const fieldOf = (location: string, path: ReadonlyArray<PropertyKey>): string =>
  [LOCATIONS[location] ?? location, ...path.map(String)].join('.');

/** Unknown keys of a strict object are named one by one, each where it was sent. */
function issueFields(
  location: string,
  path: ReadonlyArray<PropertyKey>,
  message: string,
  unknownKeys: readonly string[] | undefined,
): FieldError[] {
  if (!unknownKeys) return [{ field: fieldOf(location, path), message }];
  return unknownKeys.map((key) => ({ field: fieldOf(location, [...path, key]), message: 'unknown field' }));
}

/** A zod error thrown by a service's own parse: the body was at fault. */
function zodFieldErrors(error: z.ZodError, location = 'body'): FieldError[] {
  return error.issues.flatMap((issue) =>
    issueFields(location, issue.path, issue.message, issue.code === 'unrecognized_keys' ? issue.keys : undefined),
  );
}

/** The field in conflict: the version the client read, a field it sent, or the bot's own (magic). */
function conflictErrors(error: BotConflictError, body: unknown): FieldError[] | undefined {
  if (error.field === 'version') return [{ field: 'header.if-match', message: 'not the current version' }];
  if (error.field === undefined) return undefined;
  const sent = typeof body === 'object' && body !== null && error.field in body;
  return [{ field: sent ? `body.${error.field}` : error.field, message: error.message }];
}

/** What an error thrown anywhere in a route means to the client. */
function problemOf(error: unknown, request: FastifyRequest): Problem | null {
  if (error instanceof HttpProblem) return problem(error.status, error.kind, error.message, error.errors);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const location = (error as FastifyError).validationContext ?? 'body';
    const errors = error.validation.flatMap((issue) =>
      issueFields(
        location,
        issue.instancePath.split('/').filter(Boolean),
        issue.message ?? 'invalid',
        issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[]) : undefined,
      ),
    );
    return problem(400, 'invalid-input', `invalid ${location}: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  if (error instanceof z.ZodError) {
    const errors = zodFieldErrors(error);
    return problem(400, 'invalid-input', `invalid body: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  if (error instanceof UnknownSettingsError) {
    const errors = error.settings.map((field) => ({ field: `body.${field}`, message: 'unknown setting' }));
    return problem(400, 'unknown-setting', error.message, errors);
  }
  if (error instanceof UnknownSymbolError) {
    return problem(400, 'unknown-symbol', error.message, [{ field: 'body.symbol', message: error.message }]);
  }
  if (error instanceof UnknownAccountError || error instanceof MissingSecretError) {
    return problem(400, 'unknown-account', error.message, [{ field: 'body.brokerAccount', message: error.message }]);
  }
  if (error instanceof AccountUnreachableError) {
    return problem(503, 'account-unreachable', error.message, [
      { field: 'body.brokerAccount', message: error.message },
    ]);
  }
  if (error instanceof BotNotFoundError) return problem(404, 'not-found', error.message);
  if (error instanceof BotConflictError) {
    const kind = error.field === 'version' ? 'stale-version' : 'conflict';
    return problem(409, kind, error.message, conflictErrors(error, request.body));
  }
  const fastifyError = error as Partial<FastifyError>;
  // Fastify's own client errors (unparsable JSON, wrong content type, body too large …).
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const kind = (fastifyError.code ?? 'client-error').toLowerCase().replaceAll('_', '-');
    return problem(fastifyError.statusCode, kind, fastifyError.message ?? 'bad request');
  }
  return null;
}

/**
 * Errors Fastify's router raises before any route or hook runs (a path parameter longer than
 * maxParamLength, a malformed percent-encoding): answered in the same problem shape.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const kind = (error.code ?? 'bad-url').toLowerCase().replaceAll('_', '-');
  void send(reply, request, problem(status, kind, error.message));
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const known = isResponseSerializationError(error) ? null : problemOf(error, request);
    if (known) {
      if (error instanceof HttpProblem) reply.headers(error.headers);
      return send(reply, request, known);
    }
    request.log.error({ err: error, method: request.method, url: request.url }, 'unexpected error answering a request');
    return send(reply, request, problem(500, 'internal', 'the server failed to answer; the error is in its log'));
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, request, problem(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
