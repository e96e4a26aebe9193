"""The one door to the MetaTrader5 module. Every call runs under ONE process-wide lock on a single
worker thread, with `last_error()` read right after it, so the HTTP layer can stop waiting: a
read or trade that cannot get the lock in time was never passed to the terminal (TerminalBusy);
one that does not return in time may still complete (TerminalTimeout, the lock stays held
until it does). A call that reports a lost IPC link makes the gateway initialize() again."""
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from typing import Any

from .settings import Settings

log = logging.getLogger("scalper_gateway.terminal")

RES_E_FAIL = -1
# RES_E_INTERNAL_FAIL* (-10000 … -10005): the IPC link to the terminal is gone.
IPC_FAILURES = range(-10005, -9999)
INITIALIZE_TIMEOUT_S = 60.0

LastError = tuple[int, str]


class TerminalBusy(Exception):
    """The lock could not be taken in time: nothing was passed to the terminal."""


class TerminalTimeout(Exception):
    """The call did not return in time; it may still complete."""


class TerminalUnavailable(Exception):
    """No IPC link to the terminal, even after initialize() again."""

    def __init__(self, last_error: LastError | None):
        super().__init__(f"terminal not connected: {last_error}")
        self.last_error = last_error


@dataclass(frozen=True)
class Answer:
    value: Any
    last_error: LastError | None


def is_ipc_failure(error: LastError | None) -> bool:
    return error is not None and error[0] in IPC_FAILURES


class Terminal:
    def __init__(self, mt5, settings: Settings):
        self.mt5 = mt5
        self._settings = settings
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mt5")
        self._initialized = False
        self.last_error: LastError | None = None

    @property
    def connected(self) -> bool:
        return self._initialized

    @property
    def read_timeout_s(self) -> float:
        return self._settings.read_timeout_ms / 1000

    @property
    def trade_timeout_s(self) -> float:
        return self._settings.trade_timeout_ms / 1000

    def start(self) -> bool:
        """initialize() at start-up; a terminal that is not there yet is retried on each call."""
        try:
            return self._run(self._initialize, INITIALIZE_TIMEOUT_S)
        except (TerminalBusy, TerminalTimeout):
            return False

    def shutdown(self) -> None:
        try:
            self._run(lambda: self._call("shutdown"), self.read_timeout_s)
        except (TerminalBusy, TerminalTimeout):
            pass
        self._worker.shutdown(wait=False, cancel_futures=True)

    def read(self, name: str, *args, **kwargs) -> Answer:
        """A read: re-initializes and retries once when the IPC link is gone."""
        def job() -> Answer:
            answer = self._with_terminal(name, args, kwargs)
            if answer.value is None and is_ipc_failure(answer.last_error):
                self._initialized = False
                answer = self._with_terminal(name, args, kwargs)
            if answer.value is None and (not self._initialized or is_ipc_failure(answer.last_error)):
                self._initialized = False
                raise TerminalUnavailable(answer.last_error)
            return answer
        return self._run(job, self.read_timeout_s)

    def send_deadline(self, arrived_at: float) -> float:
        """When a trade request that arrived at `arrived_at` (monotonic) must have started its
        order_send: the trade timeout after its arrival, however long it then waited for a worker
        thread. The engine gives up later than that (its trade timeout is longer), and its lookup,
        which needs the terminal too, queues behind a send that started: it never misses an order
        sent after it looked."""
        return arrived_at + self.trade_timeout_s

    def send(self, request: dict, not_after: float) -> Answer:
        """order_send, never retried: a None answer is an unknown outcome for the caller. It never
        starts after `not_after` (send_deadline): TerminalBusy, not sent."""
        def job() -> Answer:
            if time.monotonic() >= not_after:
                raise TerminalBusy("the terminal was not free before the request's deadline: not sent")
            answer = self._with_terminal("order_send", (request,), {})
            if answer.value is None and is_ipc_failure(answer.last_error):
                self._initialized = False
            return answer
        return self._run(job, self.trade_timeout_s, lock_timeout_s=max(0.0, not_after - time.monotonic()))

    def _run(self, job, timeout_s: float, lock_timeout_s: float | None = None):
        if not self._lock.acquire(timeout=timeout_s if lock_timeout_s is None else lock_timeout_s):
            raise TerminalBusy("terminal busy: not sent")

        def locked():
            try:
                return job()
            finally:
                self._lock.release()

        try:
            future = self._worker.submit(locked)
        except RuntimeError:
            self._lock.release()
            raise
        try:
            return future.result(timeout=timeout_s)
        except FuturesTimeout:
            raise TerminalTimeout(f"no answer within {timeout_s:g} s") from None

    def _with_terminal(self, name: str, args, kwargs) -> Answer:
        if not self._initialized and not self._initialize():
            return Answer(None, self.last_error)
        return self._call(name, *args, **kwargs)

    def _call(self, name: str, *args, **kwargs) -> Answer:
        try:
            value = getattr(self.mt5, name)(*args, **kwargs)
            error = tuple(self.mt5.last_error())
        except Exception as exc:  # the package raises on arguments it cannot convert
            value, error = None, (RES_E_FAIL, f"{name} raised {exc!r}")
        self.last_error = (int(error[0]), str(error[1]))
        return Answer(value, self.last_error)

    def _initialize(self) -> bool:
        s = self._settings
        kwargs: dict[str, Any] = {}
        if s.login is not None:
            kwargs["login"] = s.login
        if s.password is not None:
            kwargs["password"] = s.password
        if s.server is not None:
            kwargs["server"] = s.server
        args = (s.terminal_path,) if s.terminal_path else ()
        answer = self._call("initialize", *args, **kwargs)
        self._initialized = bool(answer.value)
        if self._initialized:
            log.info("connected to the terminal")
        else:
            log.warning("initialize() failed: %s", answer.last_error)
        return self._initialized
