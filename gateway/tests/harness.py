"""The real gateway app, run in process with FastAPI's TestClient, on a simulated terminal of its
own. Only the MetaTrader5 module is simulated; settings, routes, lock and views are the gateway's."""
import types
from contextlib import ExitStack

from fastapi.testclient import TestClient

from scalper_gateway.app import create_app
from scalper_gateway.settings import load_settings
from scalper_gateway.simulator import MetaTrader5 as shared_mt5
from scalper_gateway.simulator.scenario import Scenario
from scalper_gateway.simulator.terminal import SimulatedTerminal

from scenarios import order, scenario

TOKEN = "test-token-0123456789"
# Short trade timeout so hangs cost fractions of a second; reads may wait out a hang that ends.
DEFAULT_ENV = {
    "SCALPER_GATEWAY_TOKEN": TOKEN,
    "SCALPER_GATEWAY_TERMINAL": "simulated",
    "SCALPER_GATEWAY_SERVER_UTC_OFFSET": "2",
    "SCALPER_GATEWAY_TRADE_TIMEOUT_MS": "200",
    "SCALPER_GATEWAY_READ_TIMEOUT_MS": "2000",
    "SCALPER_GATEWAY_LOOKUP_WINDOW_MS": "120000",
}


def simulated_mt5_module() -> types.ModuleType:
    """The simulated MetaTrader5 module with a terminal of its own, so no test sees another's
    world, or a trade still hanging from an earlier test."""
    module = types.ModuleType("MetaTrader5")
    terminal = SimulatedTerminal()
    for name, value in vars(shared_mt5).items():
        if name.startswith("__"):
            continue
        if getattr(value, "__self__", None) is shared_mt5.terminal:  # a package function
            value = getattr(terminal, value.__name__)
        setattr(module, name, value)
    module.terminal = terminal
    return module


class GatewayHarness:
    """One started app: its client (sending the token), its simulated module, and shortcuts."""

    def __init__(self, env: dict[str, str], mt5):
        self.mt5 = mt5
        self.app = create_app(load_settings({**DEFAULT_ENV, **env}), mt5)
        self._stack = ExitStack()
        self.client = self._stack.enter_context(
            TestClient(self.app, headers={"authorization": f"Bearer {TOKEN}"}))

    def close(self) -> None:
        # A new world wakes any call still hanging, so the terminal's lock is free for shutdown.
        self.mt5.terminal.load(Scenario())
        self._stack.close()

    def post(self, path: str, body):
        return self.client.post(path, json=body)

    def ok(self, method: str, path: str, **kwargs) -> dict:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    # --- the simulator's control routes ---

    def load(self, body: dict | None = None) -> None:
        self.ok("POST", "/simulator/scenario", json=body if body is not None else scenario())

    def advance(self, ms: int) -> None:
        self.ok("POST", "/simulator/advance", json={"ms": ms})

    def faults(self, *script: str) -> None:
        self.ok("POST", "/simulator/faults", json={"script": list(script)})

    def connect(self, connected: bool) -> None:
        self.ok("POST", "/simulator/connection", json={"connected": connected})

    def book_money(self, type: str, amount: float, comment: str = "") -> str:
        return self.ok("POST", "/simulator/money", json={"type": type, "amount": amount, "comment": comment})["ticket"]

    def state(self) -> dict:
        return self.ok("GET", "/simulator/state")

    # --- trades, each answered 200 with a trade reply ---

    def send(self, **overrides) -> dict:
        return self.ok("POST", "/orders", json=order(**overrides))

    def modify(self, ticket: str, sl: float | None, tp: float | None) -> dict:
        return self.ok("POST", f"/positions/{ticket}/modify", json={"sl": sl, "tp": tp})

    def close_position(self, ticket: str, **body) -> dict:
        return self.ok("POST", f"/positions/{ticket}/close", json=body)

    def positions(self, **params) -> list[dict]:
        return self.ok("GET", "/positions", params=params)["positions"]
