"""Positions on both account kinds: hedging keeps one position per order; netting keeps one per
symbol that grows, shrinks, closes and reverses. GET /positions filters by symbol and magic."""
import pytest

from scenarios import ASK, BID, MINUTE_MS, NOW, T0, flat_bars, scenario, symbol

WINDOW = {"from": NOW - 60_000, "to": NOW + 60_000}


def sides_and_volumes(gateway) -> list[tuple[str, float]]:
    return [(p["type"], p["volume"]) for p in gateway.positions()]


def test_hedging_opens_a_position_per_order_even_against_another(gateway):
    tickets = [gateway.send(volume=0.1)["order"], gateway.send(volume=0.2)["order"],
               gateway.send(type="sell", price=BID, volume=0.3)["order"]]
    positions = gateway.positions()
    assert [p["ticket"] for p in positions] == tickets
    assert sides_and_volumes(gateway) == [("buy", 0.1), ("buy", 0.2), ("sell", 0.3)]
    assert gateway.ok("GET", "/account")["margin_mode"] == 2


NETTING_STEPS = [
    # (side, volume, the symbol's one position after it, the deal's entry)
    ("buy", 0.1, [("buy", 0.1)], "in"),
    ("buy", 0.2, [("buy", 0.3)], "in"),
    ("sell", 0.1, [("buy", 0.2)], "out"),
    ("sell", 0.5, [("sell", 0.3)], "inout"),
    ("buy", 0.3, [], "out"),
]


def test_netting_grows_shrinks_reverses_and_closes_one_position(gateway):
    gateway.load(scenario(mode="netting"))
    assert gateway.ok("GET", "/account")["margin_mode"] == 0
    tickets = set()
    for side, volume, after, entry in NETTING_STEPS:
        reply = gateway.send(type=side, volume=volume, price=ASK if side == "buy" else BID)
        assert reply["outcome"] == "success"
        assert sides_and_volumes(gateway) == after
        tickets |= {p["ticket"] for p in gateway.positions()}
        deal = gateway.ok("GET", "/history/deals", params=WINDOW)["deals"][-1]
        assert (deal["entry"], deal["type"], deal["volume"]) == (entry, side, volume)
    # All along it was the one position, opened by the first order.
    deals = gateway.ok("GET", "/history/deals", params=WINDOW)["deals"]
    assert len(tickets) == 1 and {d["position_id"] for d in deals} == tickets


def test_netting_averages_the_open_price(gateway):
    rising = flat_bars(T0 - 10 * MINUTE_MS, 11) + flat_bars(T0 + MINUTE_MS, 5, price=BID + 1)
    gateway.load(scenario([symbol(bars=rising)], mode="netting"))
    gateway.send(volume=0.1)
    gateway.advance(MINUTE_MS)
    assert gateway.send(volume=0.3, price=ASK + 1)["price"] == ASK + 1
    [position] = gateway.positions()
    assert (position["volume"], position["price_open"]) == (0.4, 2000.95)  # (0.1 × 2000.20 + 0.3 × 2001.20) / 0.4


FILTERS = [
    ({}, {"a", "b", "c"}),
    ({"magic": 1}, {"a", "c"}),
    ({"magic": 2}, {"b"}),
    ({"symbol": "EURUSDm"}, {"c"}),
    ({"symbol": "EURUSDm", "magic": 2}, set()),
    ({"magic": 3}, set()),
]


@pytest.mark.parametrize("params,comments", FILTERS)
def test_positions_filter_by_symbol_and_magic(gateway, params, comments):
    gateway.load(scenario([symbol(), symbol("EURUSDm")]))
    gateway.send(magic=1, comment="a")
    gateway.send(magic=2, comment="b")
    gateway.send(magic=1, comment="c", symbol="EURUSDm")
    assert {p["comment"] for p in gateway.positions(**params)} == comments
