"""Where a position's SL or TP is hit inside one bar, walking the bar's OHLC path a millisecond
at a time on the price grid (the very quotes served during that minute). A level reached at the
bar's open (a gap) fills at the open; reached on the way, at the level itself. A buy closes at
the Bid, a sell at the Ask (Bid + spread), so a sell's levels are compared with the Ask."""
from dataclasses import dataclass

from .market import MINUTE_MS, Bar, quote_on_path

VERTICES_MS = (0, MINUTE_MS // 3, 2 * MINUTE_MS // 3, MINUTE_MS)


@dataclass(frozen=True)
class StopExit:
    reason: str  # "sl" | "tp"
    price: float
    offset_ms: int


def find_stop_exit(
    bar: Bar, from_ms: int, side: str, sl: float | None, tp: float | None, point: float
) -> StopExit | None:
    def closing_at(ms: int) -> float:
        bid, ask = quote_on_path(bar, ms, point)
        return bid if side == "buy" else ask

    sl_direction = -1 if side == "buy" else 1

    def stop(reason: str, level: float | None, direction: int) -> StopExit | None:
        if level is None:
            return None
        offset = _first_reach(from_ms, lambda ms: direction * (closing_at(ms) - level) >= 0)
        if offset is None:
            return None
        return StopExit(reason, closing_at(0) if offset == 0 else level, offset)

    sl_exit = stop("sl", sl, sl_direction)
    tp_exit = stop("tp", tp, -sl_direction)
    if sl_exit is not None and (tp_exit is None or sl_exit.offset_ms <= tp_exit.offset_ms):
        return sl_exit
    return tp_exit


def _first_reach(from_ms: int, reached) -> int | None:
    """The path is monotonic between vertices: a binary search per segment finds the first hit."""
    if reached(from_ms):
        return from_ms
    before = from_ms
    for vertex in VERTICES_MS:
        if vertex <= from_ms:
            continue
        if reached(vertex):
            after = vertex
            while after - before > 1:
                middle = (before + after) // 2
                if reached(middle):
                    after = middle
                else:
                    before = middle
            return after
        before = vertex
    return None
