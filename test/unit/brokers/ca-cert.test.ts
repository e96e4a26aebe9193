import { readFileSync } from 'node:fs';
import { caCertProblem, describeCaCert, expiredCaCert } from '../../../brokers/mt5-gateway/ca-cert.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CERT = fixture('gateway-cert.pem');
const EXPIRED = fixture('expired-cert.pem');
const KEY = fixture('gateway-key.pem');
/** The certificate with one character of its body changed. */
const DAMAGED = CERT.replace(/\n(.)/, (_, c: string) => `\n${c === 'A' ? 'B' : 'A'}`);

describe('an https gateway account’s CA certificates', () => {
  it.each<[string, string, RegExp | null]>([
    ['the gateway’s certificate', CERT, null],
    ['a bundle of two', CERT + EXPIRED, null],
    ['its key', KEY, /private key: give the certificate alone/],
    ['the certificate with its key', `${CERT}${KEY}`, /private key/],
    ['text without a certificate', 'not a certificate', /must hold PEM certificates/],
    ['a damaged certificate', DAMAGED, /does not parse/],
  ])('%s', (_, pem, problem) => {
    const found = caCertProblem(pem);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('says which certificate has expired, as of when it is asked', () => {
    expect(expiredCaCert(CERT, new Date('2030-01-01T00:00:00Z'))).toBeNull();
    expect(expiredCaCert(EXPIRED, new Date('2024-01-15T00:00:00Z'))).toBeNull();
    expect(expiredCaCert(CERT + EXPIRED, new Date('2026-12-07T00:00:00Z'))).toMatch(
      /^the certificate for CN=scalper-gateway 10\.0\.0\.5 expired on Jan 31 .*2024 GMT$/,
    );
  });

  it('is described by subject and last day, each certificate of a bundle', () => {
    expect(describeCaCert(CERT)).toBe('CN=scalper-gateway 10.0.0.5 until 2125-12-08');
    expect(describeCaCert(CERT + EXPIRED)).toBe(
      'CN=scalper-gateway 10.0.0.5 until 2125-12-08; CN=scalper-gateway 10.0.0.5 until 2024-01-31',
    );
  });
});
