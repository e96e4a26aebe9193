"""HTTPS for the gateway: the certificate `make-cert` and `init --tls-host` write, the settings
that turn it on (both files or neither), and the warning for plain HTTP off this machine. Serving
with it, and the engine trusting it, run end to end in the engine's tests
(test/integration/brokers/mt5-gateway-tls.test.ts)."""
import logging
import re
import os
import ssl
import stat
import sys
from datetime import datetime, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from scalper_gateway import cli
from scalper_gateway.settings import SettingsError, load_env_file, load_settings
from scalper_gateway.tls import CertificateError, fingerprint, self_signed, write_certificate


def names_of(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return san.get_values_for_type(x509.DNSName), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def test_the_certificate_names_every_host_and_is_its_own_trust_anchor():
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    cert_pem, key_pem = self_signed(["10.0.0.5", "gw.example", "::1"], now=now, days=10)
    cert = x509.load_pem_x509_certificate(cert_pem)
    assert names_of(cert) == (["gw.example"], ["10.0.0.5", "::1"])
    assert cert.issuer == cert.subject
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert (constraints.ca, constraints.path_length) == (True, 0)
    assert cert.not_valid_after_utc == datetime(2026, 12, 17, tzinfo=timezone.utc)
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    assert len(fingerprint(cert_pem).split(":")) == 32


def test_a_client_trusting_the_certificate_verifies_it_for_its_address(tmp_path):
    written = write_certificate(tmp_path, ["127.0.0.1"])
    client = ssl.create_default_context(cafile=str(written.cert_path))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(written.cert_path, written.key_path)
    client_side, server_side = ssl.MemoryBIO(), ssl.MemoryBIO()
    client_tls = client.wrap_bio(client_side, server_side, server_hostname="127.0.0.1")
    server_in, server_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    server_tls = server.wrap_bio(server_in, server_out, server_side=True)
    # Shuttle the handshake between the two ends in memory until both are done.
    done = {"client": False, "server": False}
    for _ in range(10):
        for name, end in (("client", client_tls), ("server", server_tls)):
            if not done[name]:
                try:
                    end.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
        server_in.write(server_side.read())
        client_side.write(server_out.read())
        if all(done.values()):
            break
    assert all(done.values())
    assert client_tls.getpeercert()["subjectAltName"] == (("IP Address", "127.0.0.1"),)


@pytest.mark.parametrize("hosts", [[], ["gw example"], ["https://gw.example"], ["user@gw"], ["bücher.example"]])
def test_a_host_that_is_no_name_or_address_is_refused(hosts):
    with pytest.raises(CertificateError, match="--host|at least one"):
        self_signed(hosts)


def test_nothing_is_overwritten_without_force(tmp_path):
    written = write_certificate(tmp_path, ["gw.example"])
    before = written.cert_path.read_bytes()
    with pytest.raises(CertificateError, match="exists"):
        write_certificate(tmp_path, ["gw.example"])
    assert written.cert_path.read_bytes() == before
    assert write_certificate(tmp_path, ["gw.example"], force=True).cert_path.read_bytes() != before


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_key_is_private_even_over_a_key_file_that_was_not(tmp_path):
    written = write_certificate(tmp_path, ["gw.example"])
    assert stat.S_IMODE(written.key_path.stat().st_mode) == 0o600
    written.key_path.chmod(0o644)
    rewritten = write_certificate(tmp_path, ["gw.example"], force=True)
    assert stat.S_IMODE(rewritten.key_path.stat().st_mode) == 0o600


def test_the_files_are_named_by_absolute_paths(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        cli.main(["make-cert", "--dir", "certs", "--host", "gw.example"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"SCALPER_GATEWAY_TLS_CERT={tmp_path / 'certs' / 'gateway-cert.pem'}" in out
    assert f"SCALPER_GATEWAY_TLS_KEY={tmp_path / 'certs' / 'gateway-key.pem'}" in out


def base_env(**extra):
    return {"SCALPER_GATEWAY_TOKEN": "t", **extra}


def test_tls_settings_need_both_files_and_name_what_is_missing(tmp_path):
    written = write_certificate(tmp_path, ["gw.example"])
    settings = load_settings(
        base_env(SCALPER_GATEWAY_TLS_CERT=str(written.cert_path), SCALPER_GATEWAY_TLS_KEY=str(written.key_path))
    )
    assert (settings.tls_cert, settings.tls_key) == (written.cert_path, written.key_path)
    assert load_settings(base_env()).tls_cert is None
    with pytest.raises(SettingsError, match="SCALPER_GATEWAY_TLS_KEY is not set"):
        load_settings(base_env(SCALPER_GATEWAY_TLS_CERT=str(written.cert_path)))
    with pytest.raises(SettingsError, match="SCALPER_GATEWAY_TLS_CERT is not set"):
        load_settings(base_env(SCALPER_GATEWAY_TLS_KEY=str(written.key_path)))
    with pytest.raises(SettingsError, match=r"SCALPER_GATEWAY_TLS_KEY .*nope\.pem: no such file"):
        load_settings(
            base_env(SCALPER_GATEWAY_TLS_CERT=str(written.cert_path), SCALPER_GATEWAY_TLS_KEY=str(tmp_path / "nope.pem"))
        )


def test_init_with_a_tls_host_writes_a_settings_file_that_serves_https(tmp_path, capsys, monkeypatch):
    env_file = tmp_path / "gateway.env"
    with pytest.raises(SystemExit) as exited:
        cli.main(["init", "--env-file", str(env_file), "--tls-host", "10.0.0.5", "--tls-host", "gw.example"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--url https://<host>:8765 --ca-file gateway-cert.pem" in out
    assert "valid until" in out
    for key in [k for k in os.environ if k.startswith("SCALPER_GATEWAY_")]:
        monkeypatch.delenv(key)
    load_env_file(env_file)
    settings = load_settings()
    assert settings.tls_cert == tmp_path / "gateway-cert.pem"
    cert = x509.load_pem_x509_certificate(settings.tls_cert.read_bytes())
    assert names_of(cert) == (["gw.example"], ["10.0.0.5"])
    assert "--url https://<this machine>:8765 --token-env <VAR> --ca-file gateway-cert.pem" in env_file.read_text()


def test_init_without_tls_leaves_the_lines_commented(tmp_path, capsys):
    env_file = tmp_path / "gateway.env"
    with pytest.raises(SystemExit):
        cli.main(["init", "--env-file", str(env_file)])
    text = env_file.read_text()
    assert "# SCALPER_GATEWAY_TLS_CERT=" in text
    assert "\nSCALPER_GATEWAY_TLS_CERT" not in text
    assert not (tmp_path / "gateway-cert.pem").exists()


def test_make_cert_refuses_a_bad_host_with_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["make-cert", "--dir", str(tmp_path), "--host", "not a host"])
    assert exited.value.code == 2
    assert "--host 'not a host' is neither an IP address nor a host name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("10.0.0.5", False)]
)
def test_plain_http_off_this_machine_is_warned_about(host, loopback, monkeypatch, caplog):
    served = {}
    monkeypatch.setenv("SCALPER_GATEWAY_TOKEN", "t")
    monkeypatch.setenv("SCALPER_GATEWAY_TERMINAL", "simulated")
    monkeypatch.delenv("SCALPER_GATEWAY_TLS_CERT", raising=False)
    monkeypatch.delenv("SCALPER_GATEWAY_TLS_KEY", raising=False)
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options))
    with caplog.at_level(logging.WARNING, logger="scalper_gateway"):
        assert cli.serve(cli.parser().parse_args(["serve", "--host", host])) == 0
    assert served["host"] == host and "ssl_certfile" not in served
    warned = [r.getMessage() for r in caplog.records if "plain HTTP" in r.getMessage()]
    assert (warned == []) == loopback


def test_serve_hands_the_certificate_to_uvicorn(tmp_path, monkeypatch):
    written = write_certificate(tmp_path, ["gw.example"])
    served = {}
    monkeypatch.setenv("SCALPER_GATEWAY_TOKEN", "t")
    monkeypatch.setenv("SCALPER_GATEWAY_TERMINAL", "simulated")
    monkeypatch.setenv("SCALPER_GATEWAY_TLS_CERT", str(written.cert_path))
    monkeypatch.setenv("SCALPER_GATEWAY_TLS_KEY", str(written.key_path))
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options))
    assert cli.serve(cli.parser().parse_args(["serve", "--host", "0.0.0.0"])) == 0
    assert (served["ssl_certfile"], served["ssl_keyfile"]) == (str(written.cert_path), str(written.key_path))


def serve_with(tmp_path, monkeypatch, cert_pem: bytes, key_pem: bytes) -> dict:
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    served = {}
    monkeypatch.setenv("SCALPER_GATEWAY_TOKEN", "t")
    monkeypatch.setenv("SCALPER_GATEWAY_TERMINAL", "simulated")
    monkeypatch.setenv("SCALPER_GATEWAY_TLS_CERT", str(tmp_path / "cert.pem"))
    monkeypatch.setenv("SCALPER_GATEWAY_TLS_KEY", str(tmp_path / "key.pem"))
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.update(options))
    cli.serve(cli.parser().parse_args(["serve"]))
    return served


def test_an_expired_certificate_is_refused_at_start(tmp_path, monkeypatch):
    cert, key = self_signed(["gw.example"], now=datetime(2024, 1, 1, tzinfo=timezone.utc), days=30)
    with pytest.raises(SettingsError, match=r"cert\.pem has expired: write a new one with `scalper-gateway make-cert"):
        serve_with(tmp_path, monkeypatch, cert, key)


def test_a_certificate_near_its_end_is_warned_about(tmp_path, monkeypatch, caplog):
    cert, key = self_signed(["gw.example"], days=10)
    with caplog.at_level(logging.WARNING, logger="scalper_gateway"):
        served = serve_with(tmp_path, monkeypatch, cert, key)
    assert served["ssl_certfile"] == str(tmp_path / "cert.pem")
    assert any(re.search(r"expires in (9|10) day\(s\)", record.getMessage()) for record in caplog.records)


def test_a_certificate_setting_that_is_no_certificate_is_refused_by_name(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match=r"SCALPER_GATEWAY_TLS_CERT .*cert\.pem is not a PEM certificate"):
        serve_with(tmp_path, monkeypatch, b"not a certificate", b"not a key")


def test_a_key_that_is_not_the_certificates_is_refused_at_start_naming_both(tmp_path, monkeypatch):
    cert, _ = self_signed(["gw.example"])
    _, other_key = self_signed(["gw.example"])
    with pytest.raises(SettingsError, match=r"key\.pem is not the key of SCALPER_GATEWAY_TLS_CERT .*cert\.pem"):
        serve_with(tmp_path, monkeypatch, cert, other_key)


def test_make_cert_renews_the_pair_the_settings_file_names(tmp_path, capsys):
    served = tmp_path / "served"
    first = write_certificate(served, ["gw.example"])
    env_file = tmp_path / "gateway.env"
    env_file.write_text(
        f"SCALPER_GATEWAY_TOKEN=t\nSCALPER_GATEWAY_TLS_CERT={first.cert_path}\nSCALPER_GATEWAY_TLS_KEY={first.key_path}\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exited:
        cli.main(["make-cert", "--env-file", str(env_file), "--host", "gw.example", "--force"])
    assert exited.value.code == 0
    assert f"SCALPER_GATEWAY_TLS_CERT={first.cert_path}" in capsys.readouterr().out
    assert fingerprint(first.cert_path.read_bytes()) != first.fingerprint
    assert sorted(path.name for path in served.iterdir()) == ["gateway-cert.pem", "gateway-key.pem"]
    cli.check_certificate_pair(first.cert_path, first.key_path)
