"""Faults injected into trade requests (each order_send call), so the gateway meets the failures a
real terminal link has. A scripted list applies to the next requests in order; after it runs out,
seeded rates draw timeouts, lost replies and rejects."""
import random
from dataclasses import dataclass

KINDS = ("none", "timeout", "lost_reply", "hang", "disconnect")


@dataclass(frozen=True)
class Fault:
    # timeout: hangs past the trade timeout, not executed. lost_reply: executed, then hangs.
    # hang: executed, then holds the terminal long past the timeout. disconnect: returns None,
    # not executed. retcode: answered with `retcode`, not executed. delay: executed, answered
    # after `delay_ms` (plain latency; past the trade timeout it is a lost reply of that length).
    kind: str
    retcode: int = 0
    delay_ms: int = 0


def parse_fault(text: str) -> Fault | None:
    if text in KINDS:
        return None if text == "none" else Fault(text)
    prefix, _, number = text.partition(":")
    if prefix == "retcode" and number.isdigit():
        return Fault("retcode", int(number))
    if prefix == "delay" and number.isdigit():
        return Fault("delay", delay_ms=int(number))
    raise ValueError(f"unknown fault {text!r}: expected one of {', '.join(KINDS)}, retcode:<n> or delay:<ms>")


@dataclass(frozen=True)
class FaultRates:
    timeout_rate: float = 0.0
    lost_reply_rate: float = 0.0
    reject_rate: float = 0.0
    reject_retcode: int = 10006
    seed: int = 1


class FaultPlan:
    def __init__(self, script: list[str], rates: FaultRates):
        self._script = [parse_fault(text) for text in script]
        self._rates = rates
        self._random = random.Random(rates.seed)
        # What was injected, by kind ("retcode:10006" per code), so a test can tell every kind happened.
        self.injected: dict[str, int] = {}

    def replace_script(self, script: list[str]) -> None:
        self._script = [parse_fault(text) for text in script]

    def next(self) -> Fault | None:
        fault = self._draw()
        if fault is not None:
            key = f"retcode:{fault.retcode}" if fault.kind == "retcode" else fault.kind
            self.injected[key] = self.injected.get(key, 0) + 1
        return fault

    def _draw(self) -> Fault | None:
        if self._script:
            return self._script.pop(0)
        rates = self._rates
        if rates.timeout_rate + rates.lost_reply_rate + rates.reject_rate <= 0:
            return None
        draw = self._random.random()
        if draw < rates.timeout_rate:
            return Fault("timeout")
        if draw < rates.timeout_rate + rates.lost_reply_rate:
            return Fault("lost_reply")
        if draw < rates.timeout_rate + rates.lost_reply_rate + rates.reject_rate:
            return Fault("retcode", rates.reject_retcode)
        return None
