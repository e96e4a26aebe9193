// The certificates an https:// gateway account trusts instead of the system's: usually the one
// `scalper-gateway make-cert` wrote, which is its own CA. The file is checked whenever the account
// is read; its expiry and its address only when it is given (db/broker-accounts.ts), so a wrong
// file is refused then, not found out by the first trade, and an account stored under older rules
// still loads.
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const DAY_MS = 86_400_000;

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
}

function subjectOf(certificate: X509Certificate): string {
  return certificate.subject.replace(/\n/g, ', ');
}

/** What is wrong with `pem` as CA certificates, or null. */
export function caCertProblem(pem: string): string | null {
  // The gateway's key never leaves its machine: a file holding one was the wrong file to give.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    return 'holds a private key: give the certificate alone (gateway-cert.pem); the key stays on the gateway';
  let certificates: X509Certificate[];
  try {
    certificates = certificatesIn(pem);
  } catch (error) {
    return `holds a certificate that does not parse (${error instanceof Error ? error.message : String(error)})`;
  }
  if (certificates.length === 0) return 'must hold PEM certificates (-----BEGIN CERTIFICATE-----)';
  return null;
}

/**
 * Which of well-formed `pem`'s certificates has expired by `now`, in words, or null. Checked when
 * one is registered, not when an account is read: an account whose CA lapsed still lists, and its
 * calls fail naming the certificate.
 */
export function expiredCaCert(pem: string, now: Date): string | null {
  const expired = certificatesIn(pem).find((certificate) => new Date(certificate.validTo) <= now);
  return expired ? `the certificate for ${subjectOf(expired)} expired on ${expired.validTo}` : null;
}

/** The host names and addresses a certificate is for (its DNS and IP subject alternative names). */
function namedHosts(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:') || entry.startsWith('IP Address:'));
}

/**
 * Whether well-formed `pem` is for `url`'s host, in words when it is not. Judged only when every
 * certificate names hosts (the gateway's own names its addresses): a bundle holding a CA that names
 * none (an organisation's own) may issue the gateway's certificate, which the handshake checks.
 */
export function caCertHostProblem(pem: string, url: string): string | null {
  // As the handshake reads it: no brackets around an IPv6 address, no root dot after a name.
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const certificates = certificatesIn(pem);
  if (certificates.some((certificate) => namedHosts(certificate).length === 0)) return null;
  const covers = (certificate: X509Certificate) =>
    isIP(host) === 0 ? certificate.checkHost(host) !== undefined : certificate.checkIP(host) !== undefined;
  if (certificates.some(covers)) return null;
  const named = certificates.flatMap(namedHosts).join(', ');
  return `is for ${named}, not ${host}: write one for ${host} with \`scalper-gateway make-cert --host ${host}\``;
}

/** Whole days until the first of `pem`'s certificates expires (negative once it has). */
export function caCertDaysLeft(pem: string, now: Date): number {
  const ends = certificatesIn(pem).map((certificate) => new Date(certificate.validTo).getTime());
  return Math.floor((Math.min(...ends) - now.getTime()) / DAY_MS);
}

/**
 * `added` trusted beside `current`'s certificates, less those of them that have expired by `now` or
 * that `added` holds already: a renewal's overlap, without dead or repeated certificates.
 */
export function caCertsBeside(current: string, added: string, now: Date): string {
  const adding = new Set(caCertFingerprints(added));
  const kept = certificatesIn(current).filter(
    (certificate) => new Date(certificate.validTo) > now && !adding.has(certificate.fingerprint256),
  );
  return [...kept.map((certificate) => certificate.toString().trimEnd()), added.trim()].join('\n') + '\n';
}

/** The SHA-256 fingerprints, as `scalper-gateway make-cert` prints them: what an audit row records. */
export function caCertFingerprints(pem: string): string[] {
  return certificatesIn(pem).map((certificate) => certificate.fingerprint256);
}

/**
 * "CN=scalper-gateway 10.0.0.5 until 2029-03-11, SHA-256 5B:D1:…" for each certificate, for
 * listings: the fingerprint is the one `scalper-gateway make-cert` printed, to check the file.
 */
export function describeCaCert(pem: string): string {
  return certificatesIn(pem)
    .map((certificate) => {
      const until = new Date(certificate.validTo).toISOString().slice(0, 10);
      return `${subjectOf(certificate)} until ${until}, SHA-256 ${certificate.fingerprint256}`;
    })
    .join('; ');
}
