"""Changing a position's SL/TP and closing it, in full or in part: trade replies all, with the
broker's retcode when it refuses, and 10036 for a position that is not open."""
import pytest

from scenarios import ASK, BID, NOW, scenario

WINDOW = {"from": NOW - 60_000, "to": NOW + 60_000}
VALID_BODIES = {"close": {}, "modify": {"sl": None, "tp": None}}


@pytest.fixture
def ticket(gateway) -> str:
    return gateway.send(volume=0.1, sl=1990.0)["order"]


def test_modify_sets_both_levels(gateway, ticket):
    reply = gateway.modify(ticket, sl=1995.5, tp=2010.0)
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == ("success", 10009, "TRADE_RETCODE_DONE")
    assert reply["type_filling"] is None  # SLTP requests have no filling mode
    [position] = gateway.positions()
    assert (position["sl"], position["tp"]) == (1995.5, 2010.0)


def test_modify_with_null_removes_a_level(gateway, ticket):
    assert gateway.modify(ticket, sl=None, tp=2010.0)["outcome"] == "success"
    [position] = gateway.positions()
    assert (position["sl"], position["tp"]) == (None, 2010.0)


REFUSED_MODIFY = {
    "the same levels": ({"sl": 1990.0, "tp": None}, 10025, "TRADE_RETCODE_NO_CHANGES"),
    "SL above the bid": ({"sl": BID + 1, "tp": None}, 10016, "TRADE_RETCODE_INVALID_STOPS"),
    "TP inside the stops level": ({"sl": None, "tp": BID + 0.1}, 10016, "TRADE_RETCODE_INVALID_STOPS"),
}


@pytest.mark.parametrize("levels,retcode,name", REFUSED_MODIFY.values(), ids=REFUSED_MODIFY.keys())
def test_modify_refused_by_the_broker(gateway, ticket, levels, retcode, name):
    reply = gateway.modify(ticket, **levels)
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == ("rejected", retcode, name)
    assert gateway.positions()[0]["sl"] == 1990.0


def test_full_close_books_the_loss_of_the_spread(gateway, ticket):
    reply = gateway.close_position(ticket, comment="exit-1")
    assert (reply["outcome"], reply["price"], reply["volume"]) == ("success", BID, 0.1)
    assert gateway.positions() == []
    deal = gateway.ok("GET", "/history/deals", params=WINDOW)["deals"][-1]
    assert {k: deal[k] for k in ("ticket", "position_id", "entry", "type", "reason", "price", "profit", "comment")} == {
        "ticket": reply["deal"], "position_id": ticket, "entry": "out", "type": "sell", "reason": "client",
        "price": BID, "profit": -2.0, "comment": "exit-1",
    }
    assert gateway.ok("GET", "/account")["balance"] == 9_998.0


def test_partial_close_leaves_the_rest_open(gateway, ticket):
    reply = gateway.close_position(ticket, volume=0.04)
    assert (reply["outcome"], reply["volume"]) == ("success", 0.04)
    [position] = gateway.positions()
    assert (position["ticket"], position["volume"]) == (ticket, 0.06)


def test_a_sell_is_closed_by_a_buy_at_the_ask(gateway):
    ticket = gateway.send(type="sell", price=BID)["order"]
    reply = gateway.close_position(ticket)
    assert (reply["outcome"], reply["price"]) == ("success", ASK)


def test_close_on_a_netting_account(gateway):
    gateway.load(scenario(mode="netting"))
    ticket = gateway.send(volume=0.3)["order"]
    assert gateway.close_position(ticket, volume=0.1)["outcome"] == "success"
    assert gateway.positions()[0]["volume"] == 0.2
    assert gateway.close_position(ticket)["outcome"] == "success"
    assert gateway.positions() == []


def test_closing_more_than_is_open_is_refused(gateway, ticket):
    reply = gateway.close_position(ticket, volume=0.2)
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == (
        "rejected", 10038, "TRADE_RETCODE_INVALID_CLOSE_VOLUME")
    assert gateway.positions()[0]["volume"] == 0.1


@pytest.mark.parametrize("action", ["close", "modify"])
def test_a_position_that_is_not_open_is_10036(gateway, ticket, action):
    gateway.close_position(ticket)
    for missing in (ticket, "999"):
        reply = gateway.ok("POST", f"/positions/{missing}/{action}", json=VALID_BODIES[action])
        assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == (
            "rejected", 10036, "TRADE_RETCODE_POSITION_CLOSED")
        assert reply["gateway_error"] == f"position {missing} is not open"


def test_close_without_a_quote_is_a_trade_reply_not_a_5xx(gateway, ticket):
    """A terminal that lost the symbol's quote: nothing is sent, answered as MT5 answers it."""
    gateway.mt5.symbol_info_tick = lambda symbol: None
    reply = gateway.close_position(ticket)
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == (
        "retry_fresh_price", 10021, "TRADE_RETCODE_PRICE_OFF")
    assert reply["gateway_error"] == "no quote for XAUUSDm: not sent"
    assert len(gateway.positions()) == 1


INVALID = {
    "modify without tp": ("modify", {"sl": 1995.0}, "tp"),
    "modify with a zero SL": ("modify", {"sl": 0, "tp": None}, "sl"),
    "modify with an unknown field": ("modify", {"sl": None, "tp": None, "trail": 5}, "trail"),
    "close with a zero volume": ("close", {"volume": 0}, "volume"),
    "close with a 32-character comment": ("close", {"comment": "c" * 32}, "comment"),
    "close with a negative deviation": ("close", {"deviation": -1}, "deviation"),
}


@pytest.mark.parametrize("action,body,field", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_body_is_422_naming_the_field(gateway, ticket, action, body, field):
    response = gateway.post(f"/positions/{ticket}/{action}", body)
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]
    assert gateway.positions()[0]["sl"] == 1990.0 and len(gateway.state()["deals"]) == 1


@pytest.mark.parametrize("action", ["close", "modify"])
def test_a_ticket_that_is_not_a_number_is_422(gateway, action):
    response = gateway.post(f"/positions/abc/{action}", VALID_BODIES[action])
    assert response.status_code == 422
    assert response.json()["error"] == "ticket must be a number, got 'abc'"
