"""`scalper-gateway`: serve the gateway, write its settings file with a fresh token, and register
it to start with the trader's Windows session. It is a scheduled task at logon, not a Windows
service: a service runs in session 0, where it cannot reach the terminal the trader is logged in to."""
import argparse
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

from .settings import SettingsError, load_env_file, load_settings

DEFAULT_PORT = 8765
TASK_NAME = "scalper-gateway"


def default_env_file() -> Path:
    base = os.environ.get("APPDATA") or os.path.join(Path.home(), ".config")
    return Path(base) / "scalper-gateway" / "gateway.env"


ENV_TEMPLATE = """# scalper-gateway settings (KEY=VALUE). Give the engine the same token:
#   scalper account add <name> --kind mt5-gateway --url http://<this machine>:{port} --token-env <VAR>
SCALPER_GATEWAY_TOKEN={token}
# Broker server time minus UTC, in hours, or auto (detected from the newest tick).
SCALPER_GATEWAY_SERVER_UTC_OFFSET=auto
# Optional: the terminal to start and the account to log in to (else the running terminal's).
# SCALPER_GATEWAY_TERMINAL_PATH=C:\\Program Files\\MetaTrader 5\\terminal64.exe
# SCALPER_GATEWAY_LOGIN=12345678
# SCALPER_GATEWAY_SERVER=Broker-Demo
# SCALPER_GATEWAY_PASSWORD_ENV=MT5_PASSWORD
# How long a trade may hang before the gateway answers outcome "unknown" (ms).
SCALPER_GATEWAY_TRADE_TIMEOUT_MS=10000
"""


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
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    return 0


def init(args) -> int:
    path = Path(args.env_file) if args.env_file else default_env_file()
    if path.exists() and not args.force:
        raise SettingsError(f"{path} exists: keep it, or pass --force to write a new token")
    token = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ENV_TEMPLATE.format(token=token, port=args.port), encoding="utf-8")
    if os.name != "nt":
        path.chmod(0o600)
    print(f"wrote {path}")
    print(f"token (give it to the engine, shown once here): {token}")
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
    setup.set_defaults(handler=init)

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
    except SettingsError as exc:
        print(f"scalper-gateway: {exc}", file=sys.stderr)
        code = 2
    sys.exit(code)
