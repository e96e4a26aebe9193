import { transportFailure } from '../../../brokers/mt5-gateway/transport-failure.ts';

/** fetch's failure as undici throws it: a TypeError whose cause carries the system code. */
function fetchFailed(code: string | undefined, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), code ? { code } : {}) });
}

describe('why a call to the gateway got no answer', () => {
  it.each<[string, Error, boolean, RegExp, boolean]>([
    [
      'our own timeout',
      Object.assign(new Error('aborted'), { name: 'TimeoutError' }),
      true,
      /^no reply within 5000 ms$/,
      false,
    ],
    [
      'a refused connection',
      fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8765'),
      true,
      /ECONNREFUSED 10\.0\.0\.5:8765$/,
      false,
    ],
    [
      'a certificate it does not trust',
      fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      true,
      /self-signed certificate \(nothing was sent: .* give it with `scalper account trust-ca`\)$/,
      true,
    ],
    [
      'an expired certificate',
      fetchFailed('CERT_HAS_EXPIRED', 'certificate has expired'),
      true,
      /nothing was sent: .*has expired; write a new one with `scalper-gateway make-cert --host <its address> --force`, restart the gateway/,
      true,
    ],
    [
      'a certificate not valid yet',
      fetchFailed('CERT_NOT_YET_VALID', 'certificate is not yet valid'),
      true,
      /is not valid yet: is this machine's clock, or the gateway's, wrong\?/,
      true,
    ],
    [
      'a certificate for another address',
      fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      true,
      /not for the address in the account's URL; write one for it with `scalper-gateway make-cert --host <that address>`/,
      true,
    ],
    // An alert about a client certificate is not the gateway's certificate being untrusted.
    [
      'a server asking for a client certificate',
      fetchFailed('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'),
      true,
      /^fetch failed: tlsv13 alert certificate required$/,
      false,
    ],
    [
      'a gateway serving plain HTTP, dialled https://',
      fetchFailed('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'),
      true,
      /the gateway did not answer TLS: is it serving HTTPS/,
      false,
    ],
    [
      'a gateway serving HTTPS, dialled http://',
      fetchFailed('UND_ERR_SOCKET', 'other side closed'),
      false,
      /other side closed \(if the gateway serves HTTPS, the account's URL must be https:\/\//,
      false,
    ],
  ])('%s', (_, error, https, expected, notSent) => {
    const failure = transportFailure(error, 5_000, https);
    expect(failure.detail).toMatch(expected);
    expect(failure.notSent).toBe(notSent);
  });
});
