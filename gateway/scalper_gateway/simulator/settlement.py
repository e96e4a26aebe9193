"""Stop settlement: before any call looks at the books, every open position is walked along the
prices since it was last checked, up to the current millisecond, and closed at its SL or TP at
the time it was hit, as the trade server would have done while nobody was looking."""
from . import constants as mt5
from .ledger import Order, Position, opposite
from .market import minute_of
from .stops import StopExit, find_stop_exit
from .trade_server import Fill, TradeServer

REASONS = {
    "sl": (mt5.ORDER_REASON_SL, mt5.DEAL_REASON_SL),
    "tp": (mt5.ORDER_REASON_TP, mt5.DEAL_REASON_TP),
}


def settle_stops(server: TradeServer, now_ms: int) -> None:
    for position in list(server.ledger.positions):
        if (position.sl is not None or position.tp is not None) and position.checked_until < now_ms:
            hit = _first_exit(server, position, now_ms)
            if hit is not None:
                _close_at_stop(server, position, *hit)
                continue
        position.checked_until = max(position.checked_until, now_ms)


def _first_exit(server: TradeServer, position: Position, now_ms: int) -> tuple[StopExit, int] | None:
    market = server.markets[position.symbol]
    start = position.checked_until + 1
    # From the bar holding checked_until: the rest of that minute may still be unchecked.
    for bar in market.bars_between(minute_of(position.checked_until), now_ms + 1):
        hit = find_stop_exit(
            bar, max(0, start - bar.open_ms), position.side, position.sl, position.tp, market.spec.point
        )
        # In the forming bar only what has happened by now counts; the rest is for a later call.
        if hit is not None and bar.open_ms + hit.offset_ms <= now_ms:
            return hit, bar.open_ms + hit.offset_ms
    return None


def _close_at_stop(server: TradeServer, position: Position, hit: StopExit, time_ms: int) -> None:
    """MT5 books a stop-out as its own order and OUT deal, commented "[sl 1999.00]" / "[tp …]"."""
    spec = server.markets[position.symbol].spec
    order_reason, deal_reason = REASONS[hit.reason]
    order = server.ledger.take_ticket()
    fill = Fill(
        position.symbol, opposite(position.side), position.volume, hit.price, position.magic,
        f"[{hit.reason} {hit.price:.{spec.digits}f}]", mt5.ORDER_FILLING_FOK,
    )
    server.ledger.record_order(Order(
        order, fill.symbol, fill.side, fill.volume, fill.price, position.ticket, fill.magic, fill.comment,
        time_ms, order_reason, fill.type_filling, mt5.ORDER_STATE_FILLED,
    ))
    server.close_part(spec, position, order, fill, deal_reason, time_ms)
