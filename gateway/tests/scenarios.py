"""Scenario bodies for POST /simulator/scenario: one gold symbol quoted flat at 2000.00/2000.20, a
manual clock 30 s into the minute T0 and broker server time at UTC+2, so every time the gateway
answers has crossed its server-time conversion."""

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
T0 = 1_740_996_000_000  # Monday 2025-03-03 10:00:00 UTC: the minute the clock starts in
NOW = T0 + 30_000
SERVER_UTC_OFFSET_HOURS = 2
SYMBOL = "XAUUSDm"
BID = 2000.0
ASK = 2000.2
SPREAD_POINTS = 20
STOPS_LEVEL_POINTS = 20
FOK, IOC = 1, 2  # SYMBOL_FILLING_* bits


def bar(time_msc: int, open_: float, high: float, low: float, close: float, **extra) -> dict:
    return {"time_msc": time_msc, "open": open_, "high": high, "low": low, "close": close,
            "spread": SPREAD_POINTS, **extra}


def flat_bars(first_ms: int, count: int, price: float = BID) -> list[dict]:
    return [bar(first_ms + i * MINUTE_MS, price, price, price, price) for i in range(count)]


def symbol(name: str = SYMBOL, **overrides) -> dict:
    """Priced from ten minutes before T0 to ten after, so the clock can move and still trade."""
    return {
        "name": name, "digits": 2, "point": 0.01, "trade_tick_size": 0.01, "trade_tick_value": 1.0,
        "trade_contract_size": 100.0, "volume_min": 0.01, "volume_max": 200.0, "volume_step": 0.01,
        "trade_stops_level": STOPS_LEVEL_POINTS, "filling_mode": FOK | IOC, "margin_rate": 0.01,
        "bars": flat_bars(T0 - 10 * MINUTE_MS, 21), **overrides,
    }


def scenario(symbols: list[dict] | None = None, **overrides) -> dict:
    return {
        "mode": "hedging", "balance": 10_000.0, "currency": "USD", "leverage": 100, "login": 10_000_001,
        "server_utc_offset_hours": SERVER_UTC_OFFSET_HOURS, "clock": {"manual": NOW},
        "symbols": symbols if symbols is not None else [symbol()], **overrides,
    }


def order(**overrides) -> dict:
    """A POST /orders body: a 0.1 lot market buy at the ask."""
    return {"symbol": SYMBOL, "type": "buy", "volume": 0.1, "price": ASK, "deviation": 10, "magic": 7,
            "comment": "scalper-1", **overrides}
