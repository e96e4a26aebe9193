"""The simulated terminal's clock: manual (moved by /simulator/advance) or the wall clock shifted
by a fixed amount, so that a replay of recorded bars appears as "now". The terminal itself works
in broker server time: UTC + the scenario's server offset."""
import time


class SimClock:
    def __init__(self, server_offset_ms: int, manual_utc_ms: int | None = None, wall_offset_ms: int = 0):
        self.server_offset_ms = server_offset_ms
        self._manual_utc_ms = manual_utc_ms
        self._wall_offset_ms = wall_offset_ms

    @property
    def manual(self) -> bool:
        return self._manual_utc_ms is not None

    def utc_now_ms(self) -> int:
        if self._manual_utc_ms is not None:
            return self._manual_utc_ms
        return int(time.time() * 1000) + self._wall_offset_ms

    def server_now_ms(self) -> int:
        return self.utc_now_ms() + self.server_offset_ms

    def advance(self, ms: int) -> None:
        if self._manual_utc_ms is None:
            raise ValueError("the clock follows the wall clock: only a manual clock can be advanced")
        self._manual_utc_ms += ms
