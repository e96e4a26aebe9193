// Failures of the gateway that are not broker answers. A trade whose outcome cannot be known is
// not one of these: it is the shared BrokerTimeoutError (see http.ts), so the engine looks it up.
import { OrderLookupPendingError } from '../errors.ts';

/** What a non-200 reply said: the gateway's `error` and the terminal's `last_error`, when given. */
export interface GatewayErrorBody {
  error: string;
  lastError: [number, string] | null;
}

/** The gateway answered a request it did not carry out (4xx/5xx on a read, 4xx on a trade). */
export class GatewayHttpError extends Error {
  override readonly name: string = 'GatewayHttpError';
  readonly status: number;
  readonly body: GatewayErrorBody;
  constructor(message: string, status: number, body: GatewayErrorBody) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/**
 * 401: the account's token is not the gateway's. A configuration error, never an unknown trade
 * outcome — the gateway refused the request before it reached the terminal.
 */
export class GatewayAuthError extends GatewayHttpError {
  override readonly name = 'GatewayAuthError';
}

/**
 * The order was found but the broker has not finished it yet (history state `started` or
 * `placed`). Neither "found with a final state" nor "not found" would be true: not found invites a
 * duplicate resend. The lookup fails instead, so the caller's retry asks again a moment later.
 */
export class OrderStillPendingError extends OrderLookupPendingError {
  override readonly name = 'OrderStillPendingError';
}
