"""Sending trade requests: the filling mode chosen from the symbol's allowed modes (the next one
tried on 10030), and every way a send can end turned into one trade reply. An outcome the gateway
cannot know is answered `unknown`, never an HTTP error: the engine then looks the order up."""
import logging

from . import retcodes
from .terminal import Answer, TerminalBusy, TerminalTimeout

log = logging.getLogger("scalper_gateway.trading")

FILLING_NAMES = ("FOK", "IOC", "RETURN")


def filling_modes(mt5, symbol_filling_mode: int) -> list[int]:
    """The modes a symbol allows, in the order they are tried: FOK (bit 1), IOC (bit 2); a symbol
    with neither bit takes RETURN (the exchange-execution default)."""
    modes = []
    if symbol_filling_mode & mt5.SYMBOL_FILLING_FOK:
        modes.append(mt5.ORDER_FILLING_FOK)
    if symbol_filling_mode & mt5.SYMBOL_FILLING_IOC:
        modes.append(mt5.ORDER_FILLING_IOC)
    return modes or [mt5.ORDER_FILLING_RETURN]


def filling_name(mt5, mode: int | None) -> str | None:
    for name in FILLING_NAMES:
        if getattr(mt5, "ORDER_FILLING_" + name) == mode:
            return name
    return None


def _ticket(value) -> str | None:
    return str(value) if value else None


def reply(retcode: int, *, result=None, type_filling: str | None = None, last_error=None, **extra) -> dict:
    body = {
        "outcome": retcodes.outcome_of(retcode),
        "retcode": retcode,
        "retcode_name": retcodes.retcode_name(retcode),
        "order": _ticket(result.order) if result is not None else None,
        "deal": _ticket(result.deal) if result is not None else None,
        "volume": float(result.volume) if result is not None else 0.0,
        "price": (float(result.price) or None) if result is not None else None,
        "bid": float(result.bid) if result is not None else None,
        "ask": float(result.ask) if result is not None else None,
        "comment": result.comment if result is not None else "",
        "type_filling": type_filling,
        "last_error": list(last_error) if last_error else None,
    }
    body.update(extra)
    return body


def send_once(terminal, request: dict, not_after: float, type_filling: str | None = None) -> dict:
    """One order_send, never retried here and never started after `not_after`: whatever happened
    comes back as a trade reply."""
    try:
        answer: Answer = terminal.send(request, not_after)
    except TerminalBusy as exc:
        return reply(retcodes.TOO_MANY_REQUESTS, type_filling=type_filling, gateway_error=str(exc))
    except TerminalTimeout as exc:
        log.warning("order_send did not answer in time (%s): outcome unknown, request %s", exc, request)
        return reply(retcodes.TIMEOUT, type_filling=type_filling, gateway_error=f"order_send: {exc}",
                     last_error=terminal.last_error)
    if answer.value is None:
        log.warning("order_send returned None (%s): outcome unknown, request %s", answer.last_error, request)
        return reply(retcodes.CONNECTION, type_filling=type_filling, last_error=answer.last_error,
                     gateway_error="order_send returned no result")
    return reply(int(answer.value.retcode), result=answer.value, type_filling=type_filling,
                 last_error=answer.last_error)


def send(terminal, mt5, request: dict, modes: list[int], not_after: float) -> dict:
    """A deal with each allowed filling mode in turn while the broker answers 10030 (which
    executes nothing), so 10030 reaches the caller only when no allowed mode is left; none
    starts after `not_after`."""
    for attempt, mode in enumerate(modes, start=1):
        body = send_once(terminal, {**request, "type_filling": mode}, not_after, filling_name(mt5, mode))
        if body["retcode"] != retcodes.INVALID_FILL or attempt == len(modes):
            return body
        log.info("filling mode %s refused (10030) for %s: trying the next allowed mode", body["type_filling"],
                 request["symbol"])
    raise ValueError("no filling mode to send with")
