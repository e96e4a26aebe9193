"""`scalper-gateway`: serve the gateway, write its settings file with a fresh token (and a TLS
certificate), and register it to start with the trader's Windows session. It is a scheduled task at logon, not a Windows
service: a service runs in session 0, where it cannot reach the terminal the trader is logged in to."""
import argparse
import ipaddress
import logging
import os
import ssl
import secrets
import subprocess
import sys
from pathlib import Path

from .settings import SettingsError, env_file_values, load_env_file, load_settings
from .tls import CertificateError, WrittenCertificate, days_left, write_certificate

DEFAULT_PORT = 8765
TASK_NAME = "scalper-gateway"
CERT_WARN_DAYS = 30
log = logging.getLogger("scalper_gateway")


def default_env_file() -> Path:
    base = os.environ.get("APPDATA") or os.path.join(Path.home(), ".config")
    return Path(base) / "scalper-gateway" / "gateway.env"


ENV_TEMPLATE = """# scalper-gateway settings (KEY=VALUE). Give the engine the same token:
#   scalper account add <name> --kind mt5-gateway --url {scheme}://<this machine>:{port} --token-env <VAR>{ca_flag}
SCALPER_GATEWAY_TOKEN={token}
{tls}# Broker server time minus UTC, in hours, or auto (detected from the newest tick).
SCALPER_GATEWAY_SERVER_UTC_OFFSET=auto
# Optional: the terminal to start and the account to log in to (else the running terminal's).
# SCALPER_GATEWAY_TERMINAL_PATH=C:\\Program Files\\MetaTrader 5\\terminal64.exe
# SCALPER_GATEWAY_LOGIN=12345678
# SCALPER_GATEWAY_SERVER=Broker-Demo
# SCALPER_GATEWAY_PASSWORD_ENV=MT5_PASSWORD
# How long a trade may hang before the gateway answers outcome "unknown" (ms).
SCALPER_GATEWAY_TRADE_TIMEOUT_MS=10000
"""


def tls_lines(written: WrittenCertificate | None) -> str:
    if written is None:
        return (
            "# HTTPS: a certificate and its key (scalper-gateway make-cert --host <name or address> writes them).\n"
            "# SCALPER_GATEWAY_TLS_CERT=\n# SCALPER_GATEWAY_TLS_KEY=\n"
        )
    return f"SCALPER_GATEWAY_TLS_CERT={written.cert_path}\nSCALPER_GATEWAY_TLS_KEY={written.key_path}\n"


def print_certificate(written: WrittenCertificate, port: int) -> None:
    print(f"wrote {written.cert_path} and {written.key_path} (the key stays on this machine)")
    print(f"certificate SHA-256 {written.fingerprint}, valid until {written.not_after:%Y-%m-%d}")
    print(
        f"copy {written.cert_path.name} to the engine and register the account with "
        f"--url https://<host>:{port} --ca-file {written.cert_path.name}"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_certificate_pair(cert_path: Path, key_path: Path) -> None:
    """The key must be the certificate's: a mismatched pair (one replaced without the other) would
    stop the server with a bare SSL error."""
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(cert_path), str(key_path))
    except (ssl.SSLError, OSError) as exc:
        raise SettingsError(
            f"SCALPER_GATEWAY_TLS_KEY {key_path} is not the key of SCALPER_GATEWAY_TLS_CERT {cert_path} ({exc}): "
            "write both again with `scalper-gateway make-cert --force`"
        ) from None


def check_certificate_lifetime(cert_path: Path) -> None:
    """An expired certificate is refused by the engine on every call: the gateway does not start
    with one, and warns a month ahead."""
    try:
        left = days_left(cert_path)
    except ValueError as exc:
        raise SettingsError(f"SCALPER_GATEWAY_TLS_CERT {cert_path} is not a PEM certificate ({exc})") from None
    renew = "write a new one with `scalper-gateway make-cert --force` and trust it with `scalper account trust-ca`"
    if left < 0:
        raise SettingsError(f"SCALPER_GATEWAY_TLS_CERT {cert_path} has expired: {renew}")
    if left < CERT_WARN_DAYS:
        log.warning("the TLS certificate %s expires in %d day(s): %s", cert_path, left, renew)


def serve(args) -> int:
    if args.env_file:
        path = Path(args.env_file)
        if not path.is_file():
            raise SettingsError(f"--env-file {path}: no such file (scalper-gateway init writes one)")
        load_env_file(path)
    settings = load_settings()
    import uvicorn

    from .app import create_app

    app = create_app(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls = {}
    if settings.tls_cert is not None:
        check_certificate_lifetime(settings.tls_cert)
        check_certificate_pair(settings.tls_cert, settings.tls_key)
        tls = {"ssl_certfile": str(settings.tls_cert), "ssl_keyfile": str(settings.tls_key)}
    elif not is_loopback(args.host):
        log.warning(
            "serving plain HTTP on %s: the token and every trade cross the network readable; "
            "set SCALPER_GATEWAY_TLS_CERT and SCALPER_GATEWAY_TLS_KEY (scalper-gateway make-cert writes them)",
            args.host,
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False, **tls)
    return 0


def init(args) -> int:
    path = Path(args.env_file) if args.env_file else default_env_file()
    if path.exists() and not args.force:
        raise SettingsError(f"{path} exists: keep it, or pass --force to write a new token")
    token = secrets.token_urlsafe(32)
    written = write_certificate(path.parent, args.tls_host, force=args.force) if args.tls_host else None
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ENV_TEMPLATE.format(
        token=token,
        port=args.port,
        scheme="http" if written is None else "https",
        ca_flag="" if written is None else f" --ca-file {written.cert_path.name}",
        tls=tls_lines(written),
    )
    path.write_text(text, encoding="utf-8")
    if os.name != "nt":
        path.chmod(0o600)
    print(f"wrote {path}")
    print(f"token (give it to the engine, shown once here): {token}")
    if written is not None:
        print_certificate(written, args.port)
    return 0


def certificate_directory(args) -> Path:
    """--dir; else where the settings file's certificate already is (a renewal replaces the pair the
    gateway serves); else the settings file's folder."""
    if args.dir:
        return Path(args.dir)
    env_file = Path(args.env_file) if args.env_file else default_env_file()
    configured = env_file_values(env_file).get("SCALPER_GATEWAY_TLS_CERT", "") if env_file.is_file() else ""
    return Path(configured).parent if configured else env_file.parent


def make_cert(args) -> int:
    directory = certificate_directory(args)
    written = write_certificate(directory, args.host, force=args.force)
    print_certificate(written, args.port)
    print("serve over HTTPS with these in the settings file (restart the gateway):")
    print(tls_lines(written), end="")
    return 0


def task_command(python: str, env_file: Path, host: str, port: int, name: str = TASK_NAME) -> list[str]:
    """schtasks arguments: start the gateway at the trader's logon, in the session the terminal runs in."""
    action = f'"{python}" -m scalper_gateway serve --env-file "{env_file}" --host {host} --port {port}'
    return ["schtasks", "/Create", "/F", "/SC", "ONLOGON", "/RL", "LIMITED", "/TN", name, "/TR", action]


def install_task(args, run=subprocess.run) -> int:
    if os.name != "nt":
        raise SettingsError("install-task registers a Windows scheduled task; elsewhere run `scalper-gateway serve`")
    env_file = Path(args.env_file) if args.env_file else default_env_file()
    if not env_file.is_file():
        raise SettingsError(f"{env_file}: no such file (run `scalper-gateway init` first)")
    python = str(Path(sys.executable).with_name("pythonw.exe")) if args.windowless else sys.executable
    done = run(task_command(python, env_file.resolve(), args.host, args.port), capture_output=True, text=True)
    if done.returncode != 0:
        raise SettingsError(f"schtasks failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
    print(f"task {TASK_NAME} starts the gateway at logon; start it now with: schtasks /Run /TN {TASK_NAME}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="scalper-gateway", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="command", required=True)

    def listen(command):
        command.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
        command.add_argument("--port", type=int, default=DEFAULT_PORT)

    run = commands.add_parser("serve", help="run the gateway in the foreground")
    run.add_argument("--env-file", help="KEY=VALUE settings file (environment variables win)")
    listen(run)
    run.set_defaults(handler=serve)

    setup = commands.add_parser("init", help="write a settings file with a fresh token")
    setup.add_argument("--env-file", help=f"where (default {default_env_file()})")
    setup.add_argument("--port", type=int, default=DEFAULT_PORT)
    setup.add_argument("--force", action="store_true", help="overwrite an existing file")
    setup.add_argument(
        "--tls-host",
        action="append",
        metavar="HOST",
        help="serve HTTPS: write a certificate for this name or address the engine dials (repeatable)",
    )
    setup.set_defaults(handler=init)

    cert = commands.add_parser("make-cert", help="write a self-signed TLS certificate and key for HTTPS")
    cert.add_argument(
        "--host", action="append", required=True, help="a name or address the engine dials (repeatable)"
    )
    cert.add_argument(
        "--dir", help="where (default: beside the settings file's SCALPER_GATEWAY_TLS_CERT, else the settings file's folder)"
    )
    cert.add_argument("--env-file", help=f"the gateway's settings file (default {default_env_file()})")
    cert.add_argument("--port", type=int, default=DEFAULT_PORT, help="the port the gateway serves, for the hint")
    cert.add_argument("--force", action="store_true", help="overwrite an existing certificate and key")
    cert.set_defaults(handler=make_cert)

    task = commands.add_parser("install-task", help="start the gateway at every Windows logon")
    task.add_argument("--env-file", help=f"settings file (default {default_env_file()})")
    task.add_argument("--windowless", action="store_true", help="run under pythonw.exe (no console window)")
    listen(task)
    task.set_defaults(handler=install_task)
    return root


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    try:
        code = args.handler(args)
    except (SettingsError, CertificateError) as exc:
        print(f"scalper-gateway: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)
