// The certificates an https:// gateway account trusts instead of the system's: usually the one
// `scalper-gateway make-cert` wrote, which is its own CA. Checked when the account is registered,
// so a wrong file is refused then, not found out by the first trade.
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
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
  return expired ? `the certificate for ${expired.subject.replace(/\n/g, ', ')} expired on ${expired.validTo}` : null;
}

/** "CN=scalper-gateway 10.0.0.5 until 2029-03-11" for each certificate, for listings. */
export function describeCaCert(pem: string): string {
  return certificatesIn(pem)
    .map((certificate) => {
      const until = new Date(certificate.validTo).toISOString().slice(0, 10);
      return `${certificate.subject.replace(/\n/g, ', ')} until ${until}`;
    })
    .join('; ');
}
