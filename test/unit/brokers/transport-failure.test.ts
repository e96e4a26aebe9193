import { transportFailure } from '../../../brokers/mt5-gateway/transport-failure.ts';

/** fetch's failure as undici throws it: a TypeError whose cause carries the system code. */
function fetchFailed(code: string | undefined, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), code ? { code } : {}) });
}

describe('why a call to the gateway got no answer', () => {
  it.each<[string, Error, RegExp]>([
    ['our own timeout', Object.assign(new Error('aborted'), { name: 'TimeoutError' }), /^no reply within 5000 ms$/],
    [
      'a refused connection',
      fetchFailed('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8765'),
      /ECONNREFUSED 10\.0\.0\.5:8765$/,
    ],
    [
      'a certificate it does not trust',
      fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      /self-signed certificate \(nothing was sent: .* give it with `scalper account trust-ca`\)$/,
    ],
    [
      'an expired certificate',
      fetchFailed('CERT_HAS_EXPIRED', 'certificate has expired'),
      /\(nothing was sent: .*out of its validity; write a new one with `scalper-gateway make-cert --force`, restart the gateway/,
    ],
    [
      'a certificate for another address',
      fetchFailed('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      /not for the address in the account's URL; write one for it with `scalper-gateway make-cert --host`/,
    ],
    [
      'a gateway serving plain HTTP',
      fetchFailed(undefined, 'C0E7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'),
      /the gateway did not answer TLS: is it serving HTTPS/,
    ],
  ])('%s', (_, error, expected) => {
    expect(transportFailure(error, 5_000)).toMatch(expected);
  });
});
