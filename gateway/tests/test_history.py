"""History orders and deals by UTC time range, filtered by magic (and deals by position), with
the stops the broker executed while nobody was looking; and the charges the broker books as deals
of their own (a daily commission, interest, tax), which no deals list shows."""
import pytest

from scenarios import ASK, BID, MINUTE_MS, NOW, SYMBOL, T0, bar, flat_bars, scenario, symbol

DAY = {"from": T0 - 60 * MINUTE_MS, "to": T0 + 60 * MINUTE_MS}


@pytest.fixture
def traded(gateway):
    """magic 1 opens at NOW and closes a minute later; magic 2 opens two minutes after NOW."""
    first = gateway.send(magic=1, comment="one")
    gateway.advance(MINUTE_MS)
    gateway.close_position(first["order"], comment="one-exit")
    gateway.advance(MINUTE_MS)
    second = gateway.send(magic=2, comment="two", type="sell", price=BID)
    return gateway, first, second


def orders(gateway, **params) -> list[dict]:
    return gateway.ok("GET", "/history/orders", params={**DAY, **params})["orders"]


def deals(gateway, **params) -> list[dict]:
    return gateway.ok("GET", "/history/deals", params={**DAY, **params})["deals"]


def test_history_orders_as_the_protocol_shows_them(traded):
    gateway, first, _ = traded
    assert orders(gateway, magic=1)[0] == {
        "ticket": first["order"], "symbol": SYMBOL, "type": "buy", "volume_initial": 0.1, "volume_current": 0.0,
        "price_open": ASK, "state": "filled", "position_id": first["order"], "magic": 1, "comment": "one",
        "time_setup_msc": NOW, "time_done_msc": NOW,
    }


def test_history_deals_as_the_protocol_shows_them(traded):
    gateway, first, _ = traded
    assert deals(gateway, magic=1)[0] == {
        "ticket": first["deal"], "order": first["order"], "position_id": first["order"], "symbol": SYMBOL,
        "type": "buy", "entry": "in", "reason": "client", "volume": 0.1, "price": ASK, "commission": 0.0,
        "swap": 0.0, "fee": 0.0, "profit": 0.0, "magic": 1, "comment": "one", "time_msc": NOW,
    }


@pytest.mark.parametrize("magic,comments", [(None, ["one", "one-exit", "two"]), (1, ["one", "one-exit"]),
                                            (2, ["two"]), (3, [])])
def test_filtered_by_magic(traded, magic, comments):
    gateway, _, _ = traded
    params = {} if magic is None else {"magic": magic}
    assert [o["comment"] for o in orders(gateway, **params)] == comments
    assert [d["comment"] for d in deals(gateway, **params)] == comments


WINDOWS = {
    "the first minute": (NOW, NOW + 59_999, ["one"]),
    "from the close on": (NOW + MINUTE_MS, T0 + 60 * MINUTE_MS, ["one-exit", "two"]),
    "exactly one millisecond": (NOW + 2 * MINUTE_MS, NOW + 2 * MINUTE_MS, ["two"]),
    "just after the open": (NOW + 1, NOW + MINUTE_MS - 1, []),
    "before any trade": (T0 - 60 * MINUTE_MS, NOW - 1, []),
}


@pytest.mark.parametrize("start,end,comments", WINDOWS.values(), ids=WINDOWS.keys())
def test_filtered_by_utc_time_range_to_the_millisecond(traded, start, end, comments):
    gateway, _, _ = traded
    assert [o["comment"] for o in orders(gateway, **{"from": start, "to": end})] == comments
    assert [d["comment"] for d in deals(gateway, **{"from": start, "to": end})] == comments


def test_deals_filtered_by_position(traded):
    gateway, first, second = traded
    assert [d["entry"] for d in deals(gateway, position=first["order"])] == ["in", "out"]
    assert [d["comment"] for d in deals(gateway, position=second["order"])] == ["two"]


@pytest.mark.parametrize("route", ["/history/orders", "/history/deals"])
def test_from_after_to_is_422(gateway, route):
    response = gateway.client.get(route, params={"from": NOW, "to": NOW - 1})
    assert response.status_code == 422
    assert response.json()["error"] == f"from ({NOW}) is after to ({NOW - 1})"


@pytest.mark.parametrize("params,field", [({"to": NOW}, "from"), ({"from": NOW}, "to"),
                                          ({"from": -1, "to": NOW}, "from"), ({"from": 0, "to": "soon"}, "to")])
def test_the_range_is_required_and_validated(gateway, params, field):
    response = gateway.client.get("/history/orders", params=params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


def test_a_take_profit_hit_between_calls_is_in_history(gateway):
    """The minute after the fill rises to 2003: the broker closes the buy at its TP meanwhile."""
    rising = [*flat_bars(T0 - 10 * MINUTE_MS, 11), bar(T0 + MINUTE_MS, 2000, 2003, 2000, 2002.5)]
    gateway.load(scenario([symbol(bars=rising)]))
    opened = gateway.send(tp=2002.0, magic=5)
    gateway.advance(2 * MINUTE_MS)
    assert gateway.positions() == []
    exit_deal = deals(gateway, magic=5)[-1]
    assert {k: exit_deal[k] for k in ("position_id", "entry", "reason", "price", "profit", "comment")} == {
        "position_id": opened["order"], "entry": "out", "reason": "tp", "price": 2002.0, "profit": 18.0,
        "comment": "[tp 2002.00]",
    }
    assert [o["comment"] for o in orders(gateway, magic=5)] == ["scalper-1", "[tp 2002.00]"]


def charges(gateway, **params) -> list[dict]:
    return gateway.ok("GET", "/history/charges", params={**DAY, **params})["charges"]


def test_charges_are_the_money_deals_that_cost_or_earn_and_no_trade_deal_lists_them(traded):
    gateway, _, _ = traded
    balance = gateway.state()["balance"]
    daily = gateway.book_money("DEAL_TYPE_COMMISSION_DAILY", -4.5, "daily commission")
    gateway.book_money("DEAL_TYPE_BALANCE", 1000.0, "deposit")
    gateway.book_money("DEAL_TYPE_COMMISSION_AGENT_DAILY", -1.0)
    gateway.advance(MINUTE_MS)
    tax = gateway.book_money("DEAL_TAX", -0.25)
    assert charges(gateway) == [
        {"ticket": daily, "type": "DEAL_TYPE_COMMISSION_DAILY", "amount": -4.5, "time_msc": NOW + 2 * MINUTE_MS},
        {"ticket": tax, "type": "DEAL_TAX", "amount": -0.25, "time_msc": NOW + 3 * MINUTE_MS},
    ]
    assert gateway.state()["balance"] == pytest.approx(balance - 4.5 + 1000.0 - 1.0 - 0.25)
    assert [d["comment"] for d in deals(gateway)] == ["one", "one-exit", "two"]
    # By UTC time range, as the deals are.
    assert [c["type"] for c in charges(gateway, **{"from": NOW + 2 * MINUTE_MS + 1})] == ["DEAL_TAX"]


@pytest.mark.parametrize("type_name", ["DEAL_TYPE_BUY", "DEAL_TYPE_SELL", "DEAL_TYPE_BUY_CANCELED", "DEAL_ENTRY_OUT",
                                       "DEAL_REASON_SL", "DEAL_TYPE_NONSENSE", "ORDER_TYPE_BUY"])
def test_the_simulator_books_money_only_of_a_money_deal_type(gateway, type_name):
    reply = gateway.client.post("/simulator/money", json={"type": type_name, "amount": -1.0})
    assert reply.status_code == 422
    assert type_name in reply.text
