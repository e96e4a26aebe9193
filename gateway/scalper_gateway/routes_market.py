"""Health, account, symbols, quotes and closed M1 bars."""
from fastapi import APIRouter, Depends, Query

from .context import Gateway, gateway
from .errors import GatewayError
from .server_time import OffsetUnknown
from .terminal import TerminalBusy, TerminalTimeout, TerminalUnavailable

MINUTE_MS = 60_000

public = APIRouter()
router = APIRouter()


@public.get("/health")
def health(gw: Gateway = Depends(gateway)):
    try:
        info = gw.terminal.read("terminal_info").value
        connected = bool(info is not None and info.connected)
    except TerminalUnavailable:
        connected = False
    except (TerminalBusy, TerminalTimeout):
        connected = gw.terminal.connected  # busy with a call: as good as the last answer
    try:
        offset_hours = gw.server_time.offset_ms() / 3_600_000
    except OffsetUnknown:
        offset_hours = None
    last_error = gw.terminal.last_error
    return {
        "status": "ok" if connected and offset_hours is not None else "degraded",
        "terminal_connected": connected,
        "server_utc_offset_hours": offset_hours,
        "last_error": list(last_error) if last_error else None,
        "terminal": "simulated" if gw.settings.simulated else "MetaTrader5",
    }


@router.get("/account")
def account(gw: Gateway = Depends(gateway)):
    answer = gw.terminal.read("account_info")
    if answer.value is None:
        raise GatewayError(503, "account_info failed", answer.last_error)
    return gw.views.account(answer.value)


@router.get("/symbols")
def symbols(gw: Gateway = Depends(gateway)):
    answer = gw.terminal.read("symbols_get")
    if answer.value is None:
        raise GatewayError(503, "symbols_get failed", answer.last_error)
    return {"symbols": [s.name for s in answer.value]}


@router.get("/symbols/{symbol}")
def symbol(symbol: str, gw: Gateway = Depends(gateway)):
    info = gw.visible_symbol(symbol)
    # margin_rate = margin of 1 lot / its notional, as the terminal computes the margin.
    price = info.ask or info.bid
    margin_rate = None
    if price > 0 and info.trade_contract_size > 0:
        margin = gw.terminal.read("order_calc_margin", gw.terminal.mt5.ORDER_TYPE_BUY, symbol, 1.0, price).value
        if margin is not None:
            margin_rate = margin / (info.trade_contract_size * price)
    return gw.views.symbol(info, margin_rate)


@router.get("/symbols/{symbol}/tick")
def tick(symbol: str, gw: Gateway = Depends(gateway)):
    gw.visible_symbol(symbol)
    answer = gw.terminal.read("symbol_info_tick", symbol)
    if answer.value is None:
        raise GatewayError(503, f"no quote for {symbol}", answer.last_error)
    t = answer.value
    return {"time_msc": gw.server_time.to_utc_ms(t.time_msc), "bid": t.bid, "ask": t.ask, "last": t.last}


@router.get("/symbols/{symbol}/rates")
def rates(symbol: str, count: int = Query(ge=1, le=5000), gw: Gateway = Depends(gateway)):
    gw.visible_symbol(symbol)
    # From position 1: position 0 is the bar still forming.
    answer = gw.terminal.read("copy_rates_from_pos", symbol, gw.terminal.mt5.TIMEFRAME_M1, 1, count)
    if answer.value is None:
        raise GatewayError(503, f"copy_rates_from_pos failed for {symbol}", answer.last_error)
    now = gw.server_time.utc_now_ms()
    bars = sorted((gw.views.rate(row) for row in answer.value), key=lambda bar: bar["time_msc"])
    # And, should the terminal not have started the new minute's bar yet, none whose minute is still open.
    return {"rates": [bar for bar in bars if bar["time_msc"] + MINUTE_MS <= now]}
