"""TLS for the gateway: a self-signed certificate for the names and addresses the engine dials,
which the engine then trusts for this gateway alone (`scalper account add --ca-file`). The token
and every trade travel encrypted, and nobody on the path can pose as the gateway."""
import ipaddress
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_FILE = "gateway-cert.pem"
KEY_FILE = "gateway-key.pem"
# Long enough not to lapse under a running bot unnoticed, short enough that a lost key stops working.
VALID_DAYS = 825


class CertificateError(Exception):
    pass


@dataclass(frozen=True)
class WrittenCertificate:
    cert_path: Path
    key_path: Path
    fingerprint: str
    not_after: datetime


def _subject_alternative_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not host or not host.isascii() or any(c.isspace() or c in "/:@" for c in host):
        raise CertificateError(
            f"--host {host!r} is neither an IP address nor a host name (give an international name in its xn-- form)"
        )
    return x509.DNSName(host)


def self_signed(hosts: list[str], now: datetime | None = None, days: int = VALID_DAYS) -> tuple[bytes, bytes]:
    """A P-256 key and a certificate for `hosts` (names and IP addresses), signed by that key:
    the certificate is its own trust anchor, so it is marked a CA (path length 0: no CA below it).
    The key could still sign certificates for other names; the engine trusts it for this gateway's
    account alone, so that is a key to keep on this machine, as any server's."""
    if not hosts:
        raise CertificateError("give at least one --host: the name or address the engine dials")
    names = [_subject_alternative_name(host) for host in hosts]
    now = now or datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"scalper-gateway {hosts[0]}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the certificate, as `openssl x509 -fingerprint -sha256` and Node print it."""
    digest = x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


def write_certificate(directory: Path, hosts: list[str], force: bool = False) -> WrittenCertificate:
    """Writes gateway-cert.pem and gateway-key.pem into `directory`, by absolute paths (the
    settings name them, and a scheduled task does not start in the directory they were made in).
    On POSIX the key is readable by this user alone; on Windows it has the directory's access
    rights (%APPDATA% is the user's own)."""
    directory = directory.resolve()
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    existing = [str(path) for path in (cert_path, key_path) if path.exists()]
    if existing and not force:
        raise CertificateError(f"{', '.join(existing)} exists: keep it, or pass --force to write a new one")
    cert_pem, key_pem = self_signed(hosts)
    directory.mkdir(parents=True, exist_ok=True)
    # Both are written to files of their own first (the key private from its first byte), then put
    # in place by renames: a failed write leaves the old pair as it was, never a key and another's
    # certificate.
    new_key = key_path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
    new_cert = cert_path.with_name(f".{CERT_FILE}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        for path, pem, mode in ((new_key, key_pem, 0o600), (new_cert, cert_pem, 0o644)):
            path.unlink(missing_ok=True)
            with os.fdopen(os.open(path, flags, mode), "wb") as out:
                out.write(pem)
    except OSError:
        new_key.unlink(missing_ok=True)
        new_cert.unlink(missing_ok=True)
        raise
    os.replace(new_key, key_path)
    os.replace(new_cert, cert_path)
    return WrittenCertificate(
        cert_path=cert_path,
        key_path=key_path,
        fingerprint=fingerprint(cert_pem),
        not_after=x509.load_pem_x509_certificate(cert_pem).not_valid_after_utc,
    )


def days_left(cert_path: Path, now: datetime | None = None) -> int:
    """Whole days until the certificate at `cert_path` expires (negative once it has)."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return (cert.not_valid_after_utc - (now or datetime.now(timezone.utc))).days
