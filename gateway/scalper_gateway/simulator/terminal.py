"""A stateful stand-in for a logged-in MetaTrader 5 terminal, with the MetaTrader5 package's
functions. Every call first lets the market catch up (SL/TP hit since the last call are settled).
The world changes only under `_state`; injected hangs sleep outside it, so the test harness can
still drive the simulator while a call hangs (as the gateway's own lock is still held)."""
import calendar
import threading
from datetime import datetime

from . import constants as mt5
from . import snapshots
from .grid import to_cents
from .ledger import Deal
from .scenario import Scenario, World, build_world
from .settlement import settle_stops
from .trade_server import rejected

OK = (mt5.RES_S_OK, "Success")
NO_IPC = (mt5.RES_E_INTERNAL_FAIL_CONNECT, "No IPC connection")
CALL_FAILED = (mt5.RES_E_FAIL, "Terminal: Call failed")
NOT_FOUND = (mt5.RES_E_NOT_FOUND, "Terminal: Not found")
INVALID_PARAMS = (mt5.RES_E_INVALID_PARAMS, "Terminal: Invalid params")


def _server_seconds(value) -> int:
    """A date argument: seconds since 1970 of server time, or a datetime read the same way."""
    if isinstance(value, datetime):
        return int(value.timestamp()) if value.tzinfo else calendar.timegm(value.timetuple())
    return int(value)


class SimulatedTerminal:
    def __init__(self, scenario: Scenario | None = None):
        self._state = threading.RLock()
        self._world = build_world(scenario or Scenario())
        self._selected = {name for name, m in self._world.markets.items() if m.spec.visible}
        self._connected = True
        self._initialized = False
        self._last_error = OK
        self._wake = threading.Event()
        self._trade_timeout_s = 10.0

    # --- control (the /simulator routes) ---

    def load(self, scenario: Scenario) -> None:
        with self._state:
            self._world = build_world(scenario)
            self._selected = {name for name, m in self._world.markets.items() if m.spec.visible}
            self._wake.set()  # a call hanging in the old world gives up now
            self._wake = threading.Event()

    def set_trade_timeout(self, seconds: float) -> None:
        """Injected hangs last just past this (timeout, lost_reply) or three times it (hang)."""
        self._trade_timeout_s = seconds

    def advance(self, ms: int) -> None:
        with self._state:
            self._world.clock.advance(ms)
            settle_stops(self._world.server, self._world.clock.server_now_ms())

    def book_money(self, money_type: int, amount: float, comment: str) -> int:
        """Books a deal of no trade that moves the balance by `amount` (a charge, a deposit…) now."""
        with self._state:
            ledger = self._world.ledger
            ticket = ledger.take_ticket()
            ledger.record_deal(Deal(
                ticket=ticket, order=0, position_id=0, symbol="", side="", entry=mt5.DEAL_ENTRY_IN,
                reason=mt5.DEAL_REASON_CLIENT, volume=0.0, price=0.0, commission_cents=0,
                profit_cents=to_cents(amount), magic=0, comment=comment,
                time_ms=self._world.clock.server_now_ms(), money_type=money_type,
            ))
            return ticket

    def replace_faults(self, script: list[str]) -> None:
        with self._state:
            self._world.faults.replace_script(script)

    def set_connected(self, connected: bool) -> None:
        with self._state:
            self._connected = connected
            if not connected:
                self._initialized = False  # a lost IPC link needs initialize() again

    def utc_now_ms(self) -> int:
        return self._world.clock.utc_now_ms()

    def world(self) -> World:
        with self._state:
            settle_stops(self._world.server, self._world.clock.server_now_ms())
            return self._world

    # --- the MetaTrader5 package's functions ---

    def initialize(self, path: str | None = None, **_credentials) -> bool:
        with self._state:
            self._initialized = self._connected
            self._last_error = OK if self._connected else (mt5.RES_E_INTERNAL_FAIL_INIT, "IPC initialize failed")
            return self._initialized

    def shutdown(self) -> None:
        with self._state:
            self._initialized = False
            self._last_error = OK

    def last_error(self) -> tuple[int, str]:
        return self._last_error

    def version(self):
        return self._call(lambda w: (500, 4755, "10 Jan 2025"))

    def terminal_info(self):
        return self._call(lambda w: snapshots.records.TerminalInfo(
            True, True, False, 4755, w.account.company, "Simulated MetaTrader 5", "simulated", "simulated"))

    def account_info(self):
        return self._call(snapshots.account_info)

    def symbols_total(self):
        return self._call(lambda w: len(w.markets))

    def symbols_get(self, group: str | None = None):
        return self._call(lambda w: tuple(snapshots.symbol_info(w, n, n in self._selected) for n in w.markets))

    def symbol_info(self, symbol: str):
        return self._call(lambda w: snapshots.symbol_info(w, symbol, symbol in self._selected)
                          if symbol in w.markets else self._fail(NOT_FOUND))

    def symbol_select(self, symbol: str, enable: bool = True):
        def select(w: World):
            if symbol not in w.markets:
                return self._fail(NOT_FOUND, False)
            (self._selected.add if enable else self._selected.discard)(symbol)
            return True
        return self._call(select)

    def symbol_info_tick(self, symbol: str):
        return self._call(lambda w: (snapshots.tick(w, symbol) or self._fail(CALL_FAILED))
                          if symbol in self._selected else self._fail(CALL_FAILED))

    def copy_rates_from_pos(self, symbol: str, timeframe: int, start_pos: int, count: int):
        def rates(w: World):
            if timeframe != mt5.TIMEFRAME_M1 or start_pos < 0 or count <= 0:
                return self._fail(INVALID_PARAMS)
            if symbol not in self._selected:
                return self._fail(CALL_FAILED)
            return snapshots.rates(w, symbol, start_pos, count)
        return self._call(rates)

    def order_calc_margin(self, action: int, symbol: str, volume: float, price: float):
        def margin(w: World):
            if symbol not in w.markets or action not in (mt5.ORDER_TYPE_BUY, mt5.ORDER_TYPE_SELL):
                return self._fail(INVALID_PARAMS)
            spec = w.markets[symbol].spec
            return round(spec.contract_size * price * volume * spec.margin_rate, 2)
        return self._call(margin)

    def positions_total(self):
        return self._call(lambda w: len(w.ledger.positions))

    def positions_get(self, symbol: str | None = None, group: str | None = None, ticket: int | None = None):
        return self._call(lambda w: tuple(
            snapshots.position(w, p) for p in w.ledger.positions
            if (symbol is None or p.symbol == symbol) and (ticket is None or p.ticket == ticket)))

    def orders_get(self, symbol: str | None = None, group: str | None = None, ticket: int | None = None):
        # Market orders fill at once here: no order is ever active (pending or in flight).
        return self._call(lambda w: ())

    def history_orders_get(self, date_from=None, date_to=None, group=None, ticket=None, position=None):
        return self._history(lambda w: w.ledger.orders, snapshots.order, date_from, date_to, ticket, position)

    def history_deals_get(self, date_from=None, date_to=None, group=None, ticket=None, position=None):
        return self._history(lambda w: w.ledger.deals, snapshots.deal, date_from, date_to, ticket, position)

    def order_send(self, request):
        if not isinstance(request, dict):
            return self._call(lambda w: self._fail(INVALID_PARAMS))
        with self._state:
            if not self._ready():
                return None
            world = self._world
            now = world.clock.server_now_ms()
            settle_stops(world.server, now)
            fault = world.faults.next()
            kind = fault.kind if fault else None
            if kind in ("timeout", "disconnect"):
                reply = None
            elif kind == "retcode":
                reply = rejected(fault.retcode)
            else:
                reply = world.server.execute(request, now)
            wake = self._wake
        if kind in ("timeout", "lost_reply", "hang"):
            wake.wait(self._trade_timeout_s * (3 if kind == "hang" else 1) + 0.25)
        elif kind == "delay":
            wake.wait(fault.delay_ms / 1000)
        if reply is None:
            self._last_error = NO_IPC if kind == "disconnect" else (mt5.RES_E_INTERNAL_FAIL_TIMEOUT, "Timeout")
            return None
        self._last_error = OK
        return snapshots.send_result(reply, request)

    # --- plumbing ---

    def _ready(self) -> bool:
        if self._initialized and self._connected:
            return True
        self._last_error = NO_IPC
        return False

    def _fail(self, error: tuple[int, str], value=None):
        self._last_error = error
        return value

    def _call(self, read):
        with self._state:
            if not self._ready():
                return None
            settle_stops(self._world.server, self._world.clock.server_now_ms())
            self._last_error = OK
            return read(self._world)

    def _history(self, rows, snapshot, date_from, date_to, ticket, position):
        def select(w: World):
            found = rows(w)
            if ticket is not None:
                found = [r for r in found if r.ticket == ticket]
            elif position is not None:
                found = [r for r in found if r.position_id == position]
            elif date_from is not None and date_to is not None:
                start, end = _server_seconds(date_from), _server_seconds(date_to)
                found = [r for r in found if start <= r.time_ms // 1000 <= end]
            else:
                return self._fail(INVALID_PARAMS)
            return tuple(snapshot(r) for r in found)
        return self._call(select)
