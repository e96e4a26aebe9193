// Failures of MetaApi that are not trade answers, and how the SDK's own errors are recognised (it
// does not export its error classes, so they are told apart by `name`, which each one sets).
import { OrderLookupPendingError } from '../errors.ts';

/**
 * MetaApi answered a history query with `synchronizing: true`: the terminal's history is still
 * loading, so the list may be incomplete. That means "don't know yet", never "not there" — an
 * order reported missing would be resent — so the read fails and its activity retries it.
 */
export class MetaApiSynchronizingError extends Error {
  override readonly name = 'MetaApiSynchronizingError';
}

/**
 * The order looked up was found but is not final yet (started, placed, or a request in flight).
 * Neither "found" with a state nor "not found" would be true, so the lookup fails and is retried.
 */
export class MetaApiOrderPendingError extends OrderLookupPendingError {
  override readonly name = 'MetaApiOrderPendingError';
}

/** The SDK's TradeError: the trade server or MetaApi refused or could not finish the trade. */
export interface SdkTradeError {
  numericCode: number;
  stringCode?: string;
}

/** The code of an SDK TradeError, or null for any other error (or one whose code is not a number). */
export function sdkTradeError(error: unknown): SdkTradeError | null {
  if (!(error instanceof Error) || error.name !== 'TradeError') return null;
  const numericCode = Number(Reflect.get(error, 'numericCode'));
  const stringCode: unknown = Reflect.get(error, 'stringCode');
  if (!Number.isFinite(numericCode)) return null;
  return typeof stringCode === 'string' ? { numericCode, stringCode } : { numericCode };
}

/** The SDK's TimeoutError: no answer came back in time, so nobody knows what happened. */
export function isSdkTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** The SDK's NotConnectedError: the connection to the terminal is gone; a fresh one is needed. */
export function isSdkNotConnected(error: unknown): boolean {
  return error instanceof Error && error.name === 'NotConnectedError';
}
