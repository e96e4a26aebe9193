"""A MetaTrader5 module seen through a recorder: every package function call is logged in order,
with how many ran at once, so a test can check the gateway's one-lock discipline."""
import threading
import time


class RecordingMT5:
    def __init__(self, module):
        self._module = module
        self._guard = threading.Lock()
        self._running = 0
        self.calls: list[str] = []
        self.most_at_once = 0

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if name == "terminal" or not callable(value):
            return value  # constants, and the simulator itself (its control routes bypass the lock)

        def recorded(*args, **kwargs):
            with self._guard:
                self._running += 1
                self.most_at_once = max(self.most_at_once, self._running)
                self.calls.append(name)
            try:
                time.sleep(0.002)  # widen the window in which a second caller would overlap
                return value(*args, **kwargs)
            finally:
                with self._guard:
                    self._running -= 1

        return recorded
