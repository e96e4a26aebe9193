"""Broker server time ↔ UTC. The terminal stamps everything in server time; the protocol speaks
UTC ms. The offset is configured in hours, or detected (`auto`) from the newest tick against the
machine's UTC clock, rounded to 30 minutes, and re-detected every 10 minutes (brokers follow
daylight saving time). A detection is only trusted when the tick is fresh: within a few minutes
of the rounded offset, so a weekend's stale tick cannot set a wrong offset."""
import logging
import math
import threading
from typing import Callable

from .terminal import Terminal, TerminalBusy, TerminalTimeout, TerminalUnavailable

log = logging.getLogger("scalper_gateway.server_time")

HOUR_MS = 3_600_000
HALF_HOUR_MS = 1_800_000
REDETECT_MS = 600_000
FRESH_TICK_MS = (-300_000, 120_000)
PROBED_SYMBOLS = 50


class OffsetUnknown(Exception):
    pass


class ServerTime:
    def __init__(self, terminal: Terminal, fixed_hours: float | None, symbol: str | None,
                 utc_now_ms: Callable[[], int]):
        self._terminal = terminal
        self._fixed_ms = None if fixed_hours is None else round(fixed_hours * HOUR_MS)
        self._symbol = symbol
        self.utc_now_ms = utc_now_ms
        self._detected_ms: int | None = None
        self._detected_at: int | None = None
        self._guard = threading.Lock()

    @property
    def auto(self) -> bool:
        return self._fixed_ms is None

    def hours(self) -> float | None:
        offset = self._fixed_ms if self._fixed_ms is not None else self._detected_ms
        return None if offset is None else offset / HOUR_MS

    def offset_ms(self) -> int:
        if self._fixed_ms is not None:
            return self._fixed_ms
        due = self._detected_at is None or self.utc_now_ms() - self._detected_at >= REDETECT_MS
        if due:
            self.detect()
        if self._detected_ms is None:
            raise OffsetUnknown("server time offset not detected yet (no fresh tick); "
                                "set SCALPER_GATEWAY_SERVER_UTC_OFFSET or wait for prices")
        return self._detected_ms

    def forget(self) -> None:
        """Detect again on next use (the simulated terminal was given a new world)."""
        with self._guard:
            self._detected_ms = self._detected_at = None

    def detect(self) -> bool:
        if self._fixed_ms is not None:
            return True
        with self._guard:
            try:
                newest = self._newest_tick_ms()
            except (TerminalBusy, TerminalTimeout, TerminalUnavailable):
                return False
            now = self.utc_now_ms()
            if newest is None:
                return False
            difference = newest - now
            offset = math.floor(difference / HALF_HOUR_MS + 0.5) * HALF_HOUR_MS
            residual = difference - offset
            if not FRESH_TICK_MS[0] <= residual <= FRESH_TICK_MS[1] or not -12 * HOUR_MS <= offset <= 14 * HOUR_MS:
                return False
            if offset != self._detected_ms:
                log.info("server time is UTC%+g h", offset / HOUR_MS)
            self._detected_ms, self._detected_at = offset, now
            return True

    def _newest_tick_ms(self) -> int | None:
        if self._symbol:
            names = [self._symbol]
        else:
            symbols = self._terminal.read("symbols_get").value or ()
            names = [s.name for s in symbols if s.visible][:PROBED_SYMBOLS]
        times = []
        for name in names:
            tick = self._terminal.read("symbol_info_tick", name).value
            if tick is not None and tick.time_msc > 0:
                times.append(int(tick.time_msc))
        return max(times, default=None)

    def to_utc_ms(self, server_ms: int) -> int:
        return int(server_ms) - self.offset_ms()

    def to_server_seconds(self, utc_ms: int) -> int:
        return (int(utc_ms) + self.offset_ms()) // 1000
