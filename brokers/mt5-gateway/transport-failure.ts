// Why a call to the gateway got no answer, in words an operator can act on. A TLS failure happens
// in the handshake, before the request (and its token) is sent: it says so, and what to do.

/** OpenSSL's verdicts on the gateway's certificate chain (not alerts about a client certificate). */
const UNTRUSTED_CHAIN = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);

export interface TransportFailure {
  /** What happened, with what to do about it when that is known. */
  detail: string;
  /** The TLS handshake refused the gateway: the request never left. */
  notSent: boolean;
}

/** What the operator does about a connection failure of this system code, or null. */
function certificateAdvice(code: unknown): string | null {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return "the gateway's certificate is not for the address in the account's URL; write one for it with `scalper-gateway make-cert --host <that address>`";
  if (code === 'CERT_HAS_EXPIRED')
    return "the gateway's certificate has expired; write a new one with `scalper-gateway make-cert --host <its address> --force`, restart the gateway, and trust it with `scalper account trust-ca`";
  if (code === 'CERT_NOT_YET_VALID')
    return "the gateway's certificate is not valid yet: is this machine's clock, or the gateway's, wrong?";
  if (typeof code === 'string' && UNTRUSTED_CHAIN.has(code))
    return "the gateway's certificate is not one this account trusts; give it with `scalper account trust-ca`";
  return null;
}

/** A hint for a plain-HTTP gateway dialled as https://, or an HTTPS one dialled as http://, or ''. */
function schemeHint(code: unknown, message: string, https: boolean): string {
  if (https && (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message)))
    return ' (the gateway did not answer TLS: is it serving HTTPS (SCALPER_GATEWAY_TLS_CERT and _KEY), or is the URL meant to be http://?)';
  if (!https && code === 'UND_ERR_SOCKET')
    return " (if the gateway serves HTTPS, the account's URL must be https://, with its certificate: scalper account trust-ca <name> --url https://… --ca-file gateway-cert.pem)";
  return '';
}

/** Why fetch threw: our own timeout, or the connection's failure with its system code. */
export function transportFailure(error: unknown, timeoutMs: number, https: boolean): TransportFailure {
  if (error instanceof Error && error.name === 'TimeoutError')
    return { detail: `no reply within ${timeoutMs} ms`, notSent: false };
  if (!(error instanceof Error)) return { detail: String(error), notSent: false };
  // Read by shape: undici's errors may come from another realm (a test's VM), where instanceof fails.
  const { message, code } = (error.cause ?? {}) as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : '';
  const said = `${error.message}${text ? `: ${text}` : ''}`;
  const advice = certificateAdvice(code);
  if (advice !== null) return { detail: `${said} (nothing was sent: ${advice})`, notSent: true };
  return { detail: `${said}${schemeHint(code, text, https)}`, notSent: false };
}
