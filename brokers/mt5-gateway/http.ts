// One HTTP exchange with the gateway, and what each kind of failure means. Reads and trades differ
// only when no answer arrives: a read simply failed (the activity retries it), while a trade may or
// may not have been executed — that is the shared BrokerTimeoutError, and the engine looks the order
// up by magic + comment before any resend. Connections are kept alive by undici's fetch, over
// HTTPS trusting the account's own CA certificate when it has one (the gateway's self-signed one).
import { Agent, fetch } from 'undici';
import type { z } from 'zod';
import { BrokerTimeoutError } from '../errors.ts';
import { GatewayAuthError, type GatewayErrorBody, GatewayHttpError } from './errors.ts';
import { transportFailure } from './transport-failure.ts';
import { errorBodySchema } from './wire.ts';

export type CallKind = 'read' | 'trade';

export interface GatewayClientOptions {
  /** Names the account in every error. */
  name: string;
  baseUrl: string;
  token: string;
  readMs: number;
  tradeMs: number;
  /** PEM certificates trusted for an https:// gateway instead of the system's (the gateway's own). */
  caCert?: string;
}

export type Query = Record<string, string | number | undefined>;

export interface GatewayRequest<T> {
  kind: CallKind;
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
  reply: z.ZodType<T>;
}

export type GatewayClient = <T>(request: GatewayRequest<T>) => Promise<T>;

/** A bounded excerpt of what came back, for messages. */
function excerpt(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function errorBody(text: string): GatewayErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: excerpt(text), lastError: null };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { error: excerpt(text), lastError: null };
  const { error, last_error: lastError, detail } = parsed.data;
  return {
    error: error ?? (detail === undefined ? excerpt(text) : JSON.stringify(detail)),
    lastError: lastError ?? null,
  };
}

function describeBody(body: GatewayErrorBody): string {
  return body.lastError === null ? body.error : `${body.error} (last_error ${body.lastError.join(' ')})`;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const who = `mt5-gateway "${options.name}" at ${options.baseUrl}`;
  // Certificates are checked even under NODE_TLS_REJECT_UNAUTHORIZED=0, which would otherwise turn
  // the account's trust in its gateway alone off for the whole process, silently.
  const dispatcher = new Agent({
    connect: { rejectUnauthorized: true, ...(options.caCert === undefined ? {} : { ca: options.caCert }) },
  });

  return async function call<T>(request: GatewayRequest<T>): Promise<T> {
    const url = new URL(request.path, options.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const what = `${request.method} ${url.pathname}`;
    const timeoutMs = request.kind === 'trade' ? options.tradeMs : options.readMs;
    const unknownOutcome = (detail: string, cause?: unknown): BrokerTimeoutError =>
      new BrokerTimeoutError(`${who}: ${what}: ${detail}; outcome unknown, look the order up before any resend`, {
        cause,
      });

    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        dispatcher,
        method: request.method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(timeoutMs),
        // The protocol has no redirects: one would take the token elsewhere.
        redirect: 'error',
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const { detail, notSent } = transportFailure(error, timeoutMs, url.protocol === 'https:');
      // Refused in the handshake, a trade never left; the engine still looks it up before any
      // resend, as for every failed send, so it goes the same way, said as it is.
      if (request.kind === 'trade' && notSent)
        throw new BrokerTimeoutError(`${who}: ${what}: ${detail}; it is looked up before any resend all the same`, {
          cause: error,
        });
      if (request.kind === 'trade') throw unknownOutcome(detail, error);
      throw new Error(`${who}: ${what}: ${detail}`, { cause: error });
    }

    if (status === 200) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        const detail = `reply is not JSON: ${excerpt(text)}`;
        if (request.kind === 'trade') throw unknownOutcome(detail, error);
        throw new Error(`${who}: ${what}: ${detail}`, { cause: error });
      }
      const parsed = request.reply.safeParse(json);
      if (parsed.success) return parsed.data;
      const detail = `reply does not follow the protocol (${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
        .join('; ')}): ${excerpt(text)}`;
      if (request.kind === 'trade') throw unknownOutcome(detail, parsed.error);
      throw new Error(`${who}: ${what}: ${detail}`, { cause: parsed.error });
    }

    const body = errorBody(text);
    if (status === 401) {
      throw new GatewayAuthError(
        `${who} refused the account's token (401: ${body.error}): configure the token the gateway was started with (SCALPER_GATEWAY_TOKEN)`,
        status,
        body,
      );
    }
    // The protocol answers every valid trade with 200; a 5xx on a trade (a crash, a proxy) says
    // nothing about whether the terminal got it.
    if (request.kind === 'trade' && status >= 500) throw unknownOutcome(`HTTP ${status}: ${describeBody(body)}`);
    throw new GatewayHttpError(`${who}: ${what}: HTTP ${status}: ${describeBody(body)}`, status, body);
  };
}
