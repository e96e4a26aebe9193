import { readFileSync } from 'node:fs';
import {
  caCertDaysLeft,
  caCertFingerprints,
  caCertHostProblem,
  caCertProblem,
  caCertsBeside,
  describeCaCert,
  expiredCaCert,
} from '../../../brokers/mt5-gateway/ca-cert.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
const CERT = fixture('gateway-cert.pem');
const EXPIRED = fixture('expired-cert.pem');
const KEY = fixture('gateway-key.pem');
const RENEWED = fixture('renewed-cert.pem');
/** An organisation's root CA: it names no host, and may issue the gateway's certificate. */
const ORGANISATION_CA = fixture('organisation-ca.pem');
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

  it.each<[string, string, RegExp | null]>([
    ['its address', 'https://10.0.0.5:8765', null],
    ['its name', 'https://gw.example:8765', null],
    ['its name in capitals', 'https://GW.EXAMPLE:8765', null],
    ['another address', 'https://10.0.0.6:8765', /is for IP Address:10\.0\.0\.5, DNS:gw\.example, not 10\.0\.0\.6/],
    ['its name with the root dot', 'https://gw.example.:8765', null],
    [
      'another name',
      'https://gw2.example',
      /not gw2\.example: write one for gw2\.example with `scalper-gateway make-cert --host gw2\.example`/,
    ],
  ])('the gateway’s certificate dialled at %s', (_, url, problem) => {
    const found = caCertHostProblem(CERT, url);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('leaves a bundle holding a CA that names no host to the handshake, and reads IPv6 URLs', () => {
    expect(caCertHostProblem(ORGANISATION_CA, 'https://10.0.0.9:8765')).toBeNull();
    expect(caCertHostProblem(CERT + ORGANISATION_CA, 'https://10.0.0.9:8765')).toBeNull();
    expect(caCertHostProblem(CERT, 'https://[::1]:8765')).toMatch(/not ::1: write one for ::1/);
  });

  it('keeps, beside a renewed certificate, the current ones that still hold, once each', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    const prints = (pem: string) => caCertFingerprints(pem);
    expect(prints(caCertsBeside(CERT, RENEWED, now))).toEqual(prints(CERT + RENEWED));
    expect(prints(caCertsBeside(CERT + EXPIRED, RENEWED, now))).toEqual(prints(CERT + RENEWED));
    expect(prints(caCertsBeside(CERT + RENEWED, RENEWED, now))).toEqual(prints(CERT + RENEWED));
    expect(caCertProblem(caCertsBeside(CERT, RENEWED, now))).toBeNull();
  });

  it('counts the days left to the first expiry of a bundle', () => {
    expect(caCertDaysLeft(CERT, new Date('2125-12-01T00:00:00Z'))).toBe(7);
    expect(caCertDaysLeft(CERT + EXPIRED, new Date('2024-01-29T12:00:00Z'))).toBe(1);
    expect(caCertDaysLeft(EXPIRED, new Date('2026-12-07T00:00:00Z'))).toBeLessThan(0);
  });

  it('is described by subject, last day and fingerprint, each certificate of a bundle', () => {
    const [certPrint, expiredPrint] = caCertFingerprints(CERT + EXPIRED);
    expect(certPrint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(describeCaCert(CERT)).toBe(`CN=scalper-gateway 10.0.0.5 until 2125-12-08, SHA-256 ${certPrint}`);
    expect(describeCaCert(CERT + EXPIRED)).toBe(
      `CN=scalper-gateway 10.0.0.5 until 2125-12-08, SHA-256 ${certPrint}; CN=scalper-gateway 10.0.0.5 until 2024-01-31, SHA-256 ${expiredPrint}`,
    );
  });
});
