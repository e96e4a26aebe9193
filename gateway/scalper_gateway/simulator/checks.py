"""The trade server's validation rules, with MT5's real retcodes."""
from .grid import round_half_up, whole_points
from .market import SymbolSpec
from .valuation import closing_price
from . import constants as mt5

STEP_TOLERANCE = 1e-7

RETCODE_TEXT = {
    mt5.TRADE_RETCODE_DONE: "Request executed",
    mt5.TRADE_RETCODE_REQUOTE: "Requote",
    mt5.TRADE_RETCODE_REJECT: "Request rejected",
    mt5.TRADE_RETCODE_INVALID: "Invalid request",
    mt5.TRADE_RETCODE_INVALID_VOLUME: "Invalid volume",
    mt5.TRADE_RETCODE_INVALID_STOPS: "Invalid stops",
    mt5.TRADE_RETCODE_MARKET_CLOSED: "Market closed",
    mt5.TRADE_RETCODE_NO_MONEY: "No money",
    mt5.TRADE_RETCODE_PRICE_OFF: "Off quotes",
    mt5.TRADE_RETCODE_NO_CHANGES: "No changes",
    mt5.TRADE_RETCODE_INVALID_FILL: "Unsupported filling mode",
    mt5.TRADE_RETCODE_POSITION_CLOSED: "Position closed",
    mt5.TRADE_RETCODE_INVALID_CLOSE_VOLUME: "Invalid close volume",
}

FILLING_BITS = {mt5.ORDER_FILLING_FOK: mt5.SYMBOL_FILLING_FOK, mt5.ORDER_FILLING_IOC: mt5.SYMBOL_FILLING_IOC}


def valid_volume(spec: SymbolSpec, volume: float) -> bool:
    steps = volume / spec.volume_step
    return (
        abs(steps - round_half_up(steps)) <= STEP_TOLERANCE
        and spec.volume_min - STEP_TOLERANCE <= volume <= spec.volume_max + STEP_TOLERANCE
    )


def filling_refused(spec: SymbolSpec, type_filling: int, refused_modes: set[int]) -> bool:
    """FOK and IOC need their bit in the symbol's mask; any mode can be refused by the scenario."""
    bit = FILLING_BITS.get(type_filling)
    return type_filling in refused_modes or (bit is not None and not spec.filling_mode & bit)


def valid_stops(spec: SymbolSpec, side: str, sl: float | None, tp: float | None, bid: float, ask: float) -> bool:
    """SL/TP on the right side of the closing price, at least trade_stops_level points away."""
    reference = closing_price(side, bid, ask)
    minimum = max(spec.stops_level, 1)
    direction = 1 if side == "buy" else -1
    sl_ok = sl is None or -direction * whole_points(sl - reference, spec.point) >= minimum
    tp_ok = tp is None or direction * whole_points(tp - reference, spec.point) >= minimum
    return sl_ok and tp_ok


def beyond_deviation(spec: SymbolSpec, fill: float, requested: float, deviation: int) -> bool:
    """A requested price of 0 means "at market": no requote check."""
    return requested > 0 and abs(whole_points(fill - requested, spec.point)) > deviation
