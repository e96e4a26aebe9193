"""The simulated market: scripted M1 Bid bars per symbol, in broker server time (ms). Inside a
minute the price walks MT5's "1 minute OHLC" path (bull O→L→H→C, bear O→H→L→C) in equal thirds,
the same rule as the TS paper broker (brokers/feeds/intrabar.ts), so quotes and SL/TP agree."""
from dataclasses import dataclass

from .grid import round_to_step

MINUTE_MS = 60_000


@dataclass(frozen=True)
class SymbolSpec:
    name: str
    digits: int
    point: float
    tick_size: float
    tick_value: float
    contract_size: float
    volume_min: float
    volume_max: float
    volume_step: float
    stops_level: int
    freeze_level: int
    filling_mode: int
    margin_rate: float
    currency_base: str
    currency_profit: str
    currency_margin: str
    visible: bool


@dataclass(frozen=True)
class Bar:
    open_ms: int
    open: float
    high: float
    low: float
    close: float
    spread: int
    tick_volume: int


@dataclass(frozen=True)
class Quote:
    time_ms: int
    bid: float
    ask: float


def minute_of(time_ms: int) -> int:
    return time_ms - time_ms % MINUTE_MS


def ohlc_path(bar: Bar) -> tuple[float, float, float, float]:
    if bar.close >= bar.open:
        return (bar.open, bar.low, bar.high, bar.close)
    return (bar.open, bar.high, bar.low, bar.close)


def price_on_path(bar: Bar, fraction: float) -> float:
    path = ohlc_path(bar)
    position = min(max(fraction, 0.0), 1.0) * 3
    segment = min(int(position), 2)
    start, end = path[segment], path[segment + 1]
    return start + (end - start) * (position - segment)


def quote_on_path(bar: Bar, offset_ms: int, point: float) -> tuple[float, float]:
    bid = round_to_step(price_on_path(bar, offset_ms / MINUTE_MS), point)
    return bid, round_to_step(bid + bar.spread * point, point)


class SymbolMarket:
    def __init__(self, spec: SymbolSpec, bars: list[Bar]):
        self.spec = spec
        self.bars = sorted(bars, key=lambda bar: bar.open_ms)
        self._by_minute = {bar.open_ms: bar for bar in self.bars}

    def bar_at(self, minute_ms: int) -> Bar | None:
        return self._by_minute.get(minute_ms)

    def live_quote(self, now_ms: int) -> Quote | None:
        """The quote of the current minute; None when that minute has no prices (10021)."""
        bar = self.bar_at(minute_of(now_ms))
        if bar is None:
            return None
        bid, ask = quote_on_path(bar, now_ms - bar.open_ms, self.spec.point)
        return Quote(now_ms, bid, ask)

    def last_quote(self, now_ms: int) -> Quote | None:
        """What the terminal shows: the live quote, or the last one of an earlier minute."""
        live = self.live_quote(now_ms)
        if live is not None:
            return live
        earlier = [bar for bar in self.bars if bar.open_ms < minute_of(now_ms)]
        if not earlier:
            return None
        bar = earlier[-1]
        bid, ask = quote_on_path(bar, MINUTE_MS, self.spec.point)
        return Quote(bar.open_ms + MINUTE_MS - 1, bid, ask)

    def bars_between(self, from_ms: int, to_ms: int) -> list[Bar]:
        """Bars opening in [from_ms, to_ms)."""
        return [bar for bar in self.bars if from_ms <= bar.open_ms < to_ms]

    def started_bars(self, now_ms: int) -> list[Bar]:
        """Bars whose minute has begun, newest first; the forming one cut at `now_ms`."""
        started: list[Bar] = []
        for bar in reversed(self.bars):
            if bar.open_ms > now_ms:
                continue
            started.append(self._forming(bar, now_ms) if now_ms - bar.open_ms < MINUTE_MS else bar)
        return started

    def _forming(self, bar: Bar, now_ms: int) -> Bar:
        path = ohlc_path(bar)
        fraction = (now_ms - bar.open_ms) / MINUTE_MS
        reached = [path[i] for i in range(4) if i / 3 <= fraction]
        current = round_to_step(price_on_path(bar, fraction), self.spec.point)
        seen = reached + [current]
        return Bar(bar.open_ms, bar.open, max(seen), min(seen), current, bar.spread, bar.tick_volume)
