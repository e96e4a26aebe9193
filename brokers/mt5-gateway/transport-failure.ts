// Why a call to the gateway got no answer, in words an operator can act on. A TLS failure happens
// in the handshake, before the request (and its token) is sent: it says so, and what to do.
const NOT_SENT = 'nothing was sent: ';

/** What the operator does about a connection failure of this system code, or ''. */
function hintFor(code: unknown, message: string): string {
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return ` (${NOT_SENT}the gateway's certificate is not for the address in the account's URL; write one for it with \`scalper-gateway make-cert --host\`)`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return ` (${NOT_SENT}the gateway's certificate is out of its validity; write a new one with \`scalper-gateway make-cert --force\`, restart the gateway, and trust it with \`scalper account trust-ca\`)`;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return ` (${NOT_SENT}the gateway's certificate is not one this account trusts; give it with \`scalper account trust-ca\`)`;
  if (/wrong version number|packet length too long/i.test(message))
    return ' (the gateway did not answer TLS: is it serving HTTPS (SCALPER_GATEWAY_TLS_CERT and _KEY), or is the URL meant to be http://?)';
  return '';
}

/** Why fetch threw: our own timeout, or the connection's failure with its system code. */
export function transportFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no reply within ${timeoutMs} ms`;
  if (error instanceof Error) {
    // Read by shape: undici's errors may come from another realm (a test's VM), where instanceof fails.
    const { message, code } = (error.cause ?? {}) as { message?: unknown; code?: unknown };
    const text = typeof message === 'string' ? message : '';
    return `${error.message}${text ? `: ${text}` : ''}${hintFor(code, text)}`;
  }
  return String(error);
}
