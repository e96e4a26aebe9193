"""Positions, history filtered by magic, trades (send, modify, close) and the order lookup the
engine makes before any resend. A read that cannot be answered is a 503, never an empty list:
"not there" would invite the engine to send an order twice."""
import re
from typing import Literal

from functools import wraps

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from . import retcodes, trading
from .context import Gateway, arrived_at, gateway
from .errors import GatewayError
from .terminal import TerminalBusy, TerminalTimeout, TerminalUnavailable

MAX_COMMENT = 31
# A close sent at the current quote fills within this many points of it (a close must go through).
CLOSE_DEVIATION_POINTS = 50
MS_MAX = 2**53
# How far past this machine's clock a lookup still reads history: the broker's server clock may run
# ahead of it, and an order stamped "in the future" must still be found (else it is sent twice).
LOOKUP_CLOCK_SLACK_MS = 86_400_000

router = APIRouter()


class OrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    symbol: str = Field(min_length=1)
    type: Literal["buy", "sell"]
    # 0 and off-step volumes go to the terminal, which answers 10014 as MT5 does.
    volume: float = Field(ge=0)
    price: float = Field(ge=0)
    sl: float | None = Field(None, gt=0)
    tp: float | None = Field(None, gt=0)
    deviation: int = Field(ge=0, le=100_000)
    magic: int = Field(ge=0, lt=2**63)
    comment: str = Field(max_length=MAX_COMMENT)


class ModifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sl: float | None = Field(gt=0)
    tp: float | None = Field(gt=0)


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    volume: float | None = Field(None, gt=0)
    deviation: int = Field(CLOSE_DEVIATION_POINTS, ge=0, le=100_000)
    comment: str = Field("", max_length=MAX_COMMENT)


def trade_route(handler):
    """A trade whose preparing reads (symbol, position, quote) failed was never sent: it is still
    a trade reply, so the engine's unknown-outcome path (look up, then resend) applies."""
    @wraps(handler)
    def answered(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except TerminalUnavailable as exc:
            return trading.reply(retcodes.CONNECTION, last_error=exc.last_error,
                                 gateway_error="terminal not connected: not sent")
        except (TerminalBusy, TerminalTimeout):
            return trading.reply(retcodes.TOO_MANY_REQUESTS, gateway_error="terminal busy: not sent")
        except GatewayError as exc:
            if exc.status != 404:
                raise
            # An unknown symbol is MT5's "invalid request", answered as the terminal would.
            return trading.reply(retcodes.INVALID, last_error=exc.last_error, gateway_error=exc.error)
    return answered


def _rows(answer, what: str):
    """A list the terminal returned; None is an error unless the call reported success."""
    if answer.value is not None:
        return answer.value
    if answer.last_error and answer.last_error[0] == 1:
        return ()
    raise GatewayError(503, f"{what} failed", answer.last_error)


def _window(gw: Gateway, from_ms: int, to_ms: int) -> tuple[int, int]:
    """The server-time seconds to ask for, wide enough to hold every millisecond of [from, to]."""
    if from_ms > to_ms:
        raise GatewayError(422, f"from ({from_ms}) is after to ({to_ms})")
    return gw.server_time.to_server_seconds(from_ms), gw.server_time.to_server_seconds(to_ms) + 1


def _open_positions(gw: Gateway, symbol: str | None = None):
    kwargs = {"symbol": symbol} if symbol else {}
    return _rows(gw.terminal.read("positions_get", **kwargs), "positions_get")


def _position(gw: Gateway, ticket: str):
    """The open position the engine names: by its identifier (the engine's ticket, which never
    changes), else by MT5's POSITION_TICKET. A request's `position` must carry the latter, which a
    broker changes when it charges swap by re-opening, and a netting account on a reversal."""
    if not ticket.isdigit():
        raise GatewayError(422, f"ticket must be a number, got {ticket!r}")
    wanted = int(ticket)
    rows = _open_positions(gw)
    found = [p for p in rows if p.identifier == wanted] or [p for p in rows if p.ticket == wanted]
    return found[0] if found else None


def _history_orders(gw: Gateway, from_ms: int, to_ms: int, magic: int | None) -> list[dict]:
    start, end = _window(gw, from_ms, to_ms)
    rows = _rows(gw.terminal.read("history_orders_get", start, end), "history_orders_get")
    views = [gw.views.order(o) for o in rows if magic is None or o.magic == magic]
    return [o for o in views if o["time_setup_msc"] is not None and from_ms <= o["time_setup_msc"] <= to_ms]


@router.get("/positions")
def positions(symbol: str | None = None, magic: int | None = None, gw: Gateway = Depends(gateway)):
    rows = _open_positions(gw, symbol=symbol)
    return {"positions": [gw.views.position(p) for p in rows if magic is None or p.magic == magic]}


@router.get("/history/orders")
def history_orders(from_ms: int = Query(alias="from", ge=0, le=MS_MAX), to_ms: int = Query(alias="to", ge=0, le=MS_MAX),
                   magic: int | None = None, gw: Gateway = Depends(gateway)):
    return {"orders": _history_orders(gw, from_ms, to_ms, magic)}


@router.get("/history/deals")
def history_deals(from_ms: int = Query(alias="from", ge=0, le=MS_MAX), to_ms: int = Query(alias="to", ge=0, le=MS_MAX),
                  magic: int | None = None, position: str | None = None, gw: Gateway = Depends(gateway)):
    start, end = _window(gw, from_ms, to_ms)
    rows = _rows(gw.terminal.read("history_deals_get", start, end), "history_deals_get")
    deals = [
        gw.views.deal(d) for d in rows
        if gw.views.is_trade_deal(d) and (magic is None or d.magic == magic)
        and (position is None or str(d.position_id) == position)
    ]
    return {"deals": [d for d in deals if from_ms <= d["time_msc"] <= to_ms]}


@router.get("/history/charges")
def history_charges(from_ms: int = Query(alias="from", ge=0, le=MS_MAX),
                    to_ms: int = Query(alias="to", ge=0, le=MS_MAX), gw: Gateway = Depends(gateway)):
    start, end = _window(gw, from_ms, to_ms)
    rows = _rows(gw.terminal.read("history_deals_get", start, end), "history_deals_get")
    charges = [gw.views.charge(d) for d in rows if gw.views.is_charge(d)]
    return {"charges": sorted((c for c in charges if from_ms <= c["time_msc"] <= to_ms), key=lambda c: c["time_msc"])}


@router.post("/orders")
@trade_route
def send_order(body: OrderRequest, gw: Gateway = Depends(gateway), arrived: float = Depends(arrived_at)):
    not_after = gw.terminal.send_deadline(arrived)
    mt5 = gw.terminal.mt5
    spec = gw.visible_symbol(body.symbol)
    request = {
        "action": mt5.TRADE_ACTION_DEAL, "symbol": body.symbol, "volume": body.volume,
        "type": mt5.ORDER_TYPE_BUY if body.type == "buy" else mt5.ORDER_TYPE_SELL, "price": body.price,
        "deviation": body.deviation, "magic": body.magic, "comment": body.comment, "type_time": mt5.ORDER_TIME_GTC,
        **({"sl": body.sl} if body.sl is not None else {}), **({"tp": body.tp} if body.tp is not None else {}),
    }
    return trading.send(gw.terminal, mt5, request, trading.filling_modes(mt5, spec.filling_mode), not_after)


@router.post("/positions/{ticket}/modify")
@trade_route
def modify(ticket: str, body: ModifyRequest, gw: Gateway = Depends(gateway),
           arrived: float = Depends(arrived_at)):
    not_after = gw.terminal.send_deadline(arrived)
    mt5 = gw.terminal.mt5
    position = _position(gw, ticket)
    if position is None:
        return trading.reply(retcodes.POSITION_CLOSED, gateway_error=f"position {ticket} is not open")
    request = {
        "action": mt5.TRADE_ACTION_SLTP, "position": position.ticket, "symbol": position.symbol,
        "sl": body.sl or 0.0, "tp": body.tp or 0.0, "magic": position.magic,
    }
    return trading.send_once(gw.terminal, request, not_after)


@router.post("/positions/{ticket}/close")
@trade_route
def close(ticket: str, body: CloseRequest, gw: Gateway = Depends(gateway), arrived: float = Depends(arrived_at)):
    not_after = gw.terminal.send_deadline(arrived)
    mt5 = gw.terminal.mt5
    position = _position(gw, ticket)
    if position is None:
        return trading.reply(retcodes.POSITION_CLOSED, gateway_error=f"position {ticket} is not open")
    spec = gw.visible_symbol(position.symbol)
    tick = gw.terminal.read("symbol_info_tick", position.symbol).value
    if tick is None:
        # Not sent; a trade is answered as MT5 answers one without a quote, never with a 5xx.
        return trading.reply(retcodes.PRICE_OFF, last_error=gw.terminal.last_error,
                             gateway_error=f"no quote for {position.symbol}: not sent")
    closing_buy = position.type == mt5.POSITION_TYPE_SELL
    request = {
        "action": mt5.TRADE_ACTION_DEAL, "position": position.ticket, "symbol": position.symbol,
        "volume": body.volume if body.volume is not None else position.volume,
        "type": mt5.ORDER_TYPE_BUY if closing_buy else mt5.ORDER_TYPE_SELL,
        "price": tick.ask if closing_buy else tick.bid, "deviation": body.deviation, "magic": position.magic,
        "comment": body.comment, "type_time": mt5.ORDER_TIME_GTC,
    }
    return trading.send(gw.terminal, mt5, request, trading.filling_modes(mt5, spec.filling_mode), not_after)


# The engine's clientOrderIds, as it writes them into the comment: `se<bot>-<decision>` for an open,
# `sx<bot>-<position>-<attempt>` for a close (base 36; trading/orders/client-order-id.ts).
ENGINE_ORDER_ID = re.compile(r"^s[ex][0-9a-z]+-[0-9a-z]+(-[0-9a-z]+)?$")


@router.get("/orders/lookup")
def lookup(magic: int, comment: str = Query(min_length=1), since: int = Query(ge=0, le=MS_MAX),
           symbol: str | None = None, type: Literal["buy", "sell"] | None = None, volume: float | None = None,
           gw: Gateway = Depends(gateway)):
    """Exact comment among history orders since `since`, then active orders (accepted, not finished:
    MT5 moves an order to history only once it is), then open positions; then, with a hint, magic +
    symbol + side + volume inside the lookup window (a comment the broker rewrote)."""
    now = gw.server_time.utc_now_ms()
    orders = _history_orders(gw, since, max(now, since) + LOOKUP_CLOCK_SLACK_MS, magic)
    exact = [o for o in orders if o["comment"] == comment]
    if exact:
        return {"found": "history_order", "match": "comment", "order": exact[0]}
    active = [o for o in _rows(gw.terminal.read("orders_get"), "orders_get") if o.magic == magic and o.comment == comment]
    if active:
        return {"found": "active_order", "match": "comment", "order": gw.views.order(active[0])}
    positions = [
        p for p in _open_positions(gw)
        if p.magic == magic and p.comment == comment and gw.server_time.to_utc_ms(p.time_msc) >= since
    ]
    if positions:
        return {"found": "position", "match": "comment", "order": gw.views.order_from_position(positions[0])}
    if symbol is not None and type is not None and volume is not None:
        window_end = since + gw.settings.lookup_window_ms
        # Only an order that opened a position (an open's, as the engine asks for opens alone) and
        # whose comment is not another of the engine's ids: never a close, an SL/TP exit or another
        # open the engine sent, any of which may share the magic, symbol, side and volume.
        similar = [
            o for o in orders
            if o["symbol"] == symbol and o["type"] == type and abs(o["volume_initial"] - volume) < 1e-9
            and o["time_setup_msc"] <= window_end and o["position_id"] == o["ticket"]
            and not ENGINE_ORDER_ID.match(o["comment"])
        ]
        if similar:
            return {"found": "history_order", "match": "fallback", "order": similar[0]}
    return {"found": None, "match": None, "order": None}
