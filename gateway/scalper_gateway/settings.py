"""The gateway's settings, all from SCALPER_GATEWAY_* environment variables (optionally loaded
from a KEY=VALUE file, which is what the Windows install writes)."""
import os
from dataclasses import dataclass, field
from pathlib import Path


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)
    simulated: bool
    terminal_path: str | None
    login: int | None
    password: str | None = field(repr=False)
    server: str | None
    # None: detect from the newest tick (SCALPER_GATEWAY_SERVER_UTC_OFFSET=auto).
    server_utc_offset_hours: float | None
    offset_symbol: str | None
    trade_timeout_ms: int
    read_timeout_ms: int
    lookup_window_ms: int
    # Both or neither: with them the gateway serves HTTPS (tls.py writes a pair).
    tls_cert: Path | None
    tls_key: Path | None


def _int(env, name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _offset(env) -> float | None:
    raw = env.get("SCALPER_GATEWAY_SERVER_UTC_OFFSET", "auto").strip().lower()
    if raw in ("", "auto"):
        return None
    try:
        hours = float(raw)
    except ValueError:
        raise SettingsError(f"SCALPER_GATEWAY_SERVER_UTC_OFFSET must be hours (e.g. 2) or auto, got {raw!r}") from None
    if not -12 <= hours <= 14:
        raise SettingsError(f"SCALPER_GATEWAY_SERVER_UTC_OFFSET {hours} is not a UTC offset")
    return hours


def _tls_files(env) -> tuple[Path | None, Path | None]:
    cert = env.get("SCALPER_GATEWAY_TLS_CERT", "").strip()
    key = env.get("SCALPER_GATEWAY_TLS_KEY", "").strip()
    if bool(cert) != bool(key):
        missing = "SCALPER_GATEWAY_TLS_KEY" if cert else "SCALPER_GATEWAY_TLS_CERT"
        raise SettingsError(f"{missing} is not set: HTTPS needs both the certificate and its key")
    if not cert:
        return None, None
    for name, value in (("SCALPER_GATEWAY_TLS_CERT", cert), ("SCALPER_GATEWAY_TLS_KEY", key)):
        if not Path(value).is_file():
            raise SettingsError(f"{name} {value}: no such file (scalper-gateway make-cert writes one)")
    return Path(cert), Path(key)


def load_settings(env=None) -> Settings:
    env = os.environ if env is None else env
    token = env.get("SCALPER_GATEWAY_TOKEN", "").strip()
    if not token:
        raise SettingsError(
            "SCALPER_GATEWAY_TOKEN is not set: the gateway refuses to start without a bearer token "
            "(set it to a long random string and give the same one to the engine)"
        )
    terminal = env.get("SCALPER_GATEWAY_TERMINAL", "real").strip().lower()
    if terminal not in ("real", "simulated"):
        raise SettingsError(f"SCALPER_GATEWAY_TERMINAL must be real or simulated, got {terminal!r}")
    password_env = env.get("SCALPER_GATEWAY_PASSWORD_ENV", "").strip()
    if password_env and password_env not in env:
        raise SettingsError(f"SCALPER_GATEWAY_PASSWORD_ENV names {password_env}, which is not set")
    tls_cert, tls_key = _tls_files(env)
    settings = Settings(
        token=token,
        simulated=terminal == "simulated",
        terminal_path=env.get("SCALPER_GATEWAY_TERMINAL_PATH", "").strip() or None,
        login=_int(env, "SCALPER_GATEWAY_LOGIN", None),
        password=env.get(password_env) if password_env else None,
        server=env.get("SCALPER_GATEWAY_SERVER", "").strip() or None,
        server_utc_offset_hours=_offset(env),
        offset_symbol=env.get("SCALPER_GATEWAY_OFFSET_SYMBOL", "").strip() or None,
        trade_timeout_ms=_int(env, "SCALPER_GATEWAY_TRADE_TIMEOUT_MS", 10_000),
        read_timeout_ms=_int(env, "SCALPER_GATEWAY_READ_TIMEOUT_MS", 5_000),
        lookup_window_ms=_int(env, "SCALPER_GATEWAY_LOOKUP_WINDOW_MS", 120_000),
        tls_cert=tls_cert,
        tls_key=tls_key,
    )

    if min(settings.trade_timeout_ms, settings.read_timeout_ms, settings.lookup_window_ms) <= 0:
        raise SettingsError("timeouts and the lookup window must be positive")
    return settings


def env_file_values(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a settings file (# comments skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def load_env_file(path: Path) -> None:
    """KEY=VALUE lines (# comments); variables already in the environment win."""
    for key, value in env_file_values(path).items():
        os.environ.setdefault(key, value)
