"""The gateway as a FastAPI app, built from its settings and the MetaTrader5 module it drives
(the official package on Windows, the simulated one in tests)."""
import importlib
import logging
import time
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from . import routes_market, routes_trade
from .auth import bearer_auth
from .context import ArrivalStamp, Gateway
from .errors import install_error_handlers
from .server_time import ServerTime
from .settings import Settings, SettingsError
from .terminal import Terminal
from .views import Views

log = logging.getLogger("scalper_gateway")


def load_mt5_module(settings: Settings):
    if settings.simulated:
        return importlib.import_module("scalper_gateway.simulator.MetaTrader5")
    try:
        return importlib.import_module("MetaTrader5")
    except ImportError:
        raise SettingsError(
            "the MetaTrader5 package is not installed: it exists for Windows only, next to the terminal "
            "(pip install MetaTrader5); SCALPER_GATEWAY_TERMINAL=simulated runs the simulated terminal instead"
        ) from None


def create_app(settings: Settings, mt5=None) -> FastAPI:
    mt5 = mt5 if mt5 is not None else load_mt5_module(settings)
    terminal = Terminal(mt5, settings)
    if settings.simulated:
        mt5.terminal.set_trade_timeout(settings.trade_timeout_ms / 1000)
        utc_now_ms = mt5.terminal.utc_now_ms
    else:
        def utc_now_ms() -> int:
            return time.time_ns() // 1_000_000
    server_time = ServerTime(terminal, settings.server_utc_offset_hours, settings.offset_symbol, utc_now_ms)
    state = Gateway(settings, terminal, server_time, Views(mt5, server_time))

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if not terminal.start():
            log.warning("the terminal is not reachable yet: every call will try initialize() again")
        yield
        terminal.shutdown()

    app = FastAPI(title="scalper-gateway", version="1", lifespan=lifespan)
    app.state.gateway = state
    app.add_middleware(ArrivalStamp)
    install_error_handlers(app)
    authenticated = [Depends(bearer_auth(settings.token))]
    app.include_router(routes_market.public)
    app.include_router(routes_market.router, dependencies=authenticated)
    app.include_router(routes_trade.router, dependencies=authenticated)
    if settings.simulated:
        from . import routes_simulator
        app.include_router(routes_simulator.router, dependencies=authenticated)
    return app
