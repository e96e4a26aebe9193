"""POST /orders: the request MT5 gets, the trade reply (retcode, its name, the outcome class) for
what the broker answers, and the 422s for bodies that never reach the terminal."""
import pytest

from scenarios import ASK, BID, NOW, SYMBOL, T0, flat_bars, order, scenario, symbol

REPLY_FIELDS = {"outcome", "retcode", "retcode_name", "order", "deal", "volume", "price", "bid", "ask", "comment",
                "type_filling", "last_error"}


def test_a_market_buy_with_sl_and_tp(gateway):
    reply = gateway.send(sl=1990.5, tp=2010.25, magic=42, comment="entry-1", deviation=5)
    assert set(reply) == REPLY_FIELDS
    assert reply["order"].isdigit() and reply["deal"].isdigit() and reply["order"] != reply["deal"]
    assert {k: v for k, v in reply.items() if k not in ("order", "deal")} == {
        "outcome": "success", "retcode": 10009, "retcode_name": "TRADE_RETCODE_DONE", "volume": 0.1,
        "price": ASK, "bid": BID, "ask": ASK, "comment": "Request executed", "type_filling": "FOK",
        "last_error": [1, "Success"],
    }
    # On a hedging account the order ticket is the new position's id.
    assert gateway.positions() == [{
        "ticket": reply["order"], "identifier": reply["order"], "symbol": SYMBOL, "type": "buy", "volume": 0.1,
        "price_open": ASK, "price_current": BID, "sl": 1990.5, "tp": 2010.25, "profit": -2.0, "swap": 0.0,
        "magic": 42, "comment": "entry-1", "time_msc": NOW,
    }]


def test_a_market_sell_fills_at_the_bid_and_an_absent_level_is_no_level(gateway):
    reply = gateway.send(type="sell", price=BID, volume=0.25)
    assert (reply["outcome"], reply["price"], reply["volume"]) == ("success", BID, 0.25)
    [position] = gateway.positions()
    assert (position["type"], position["sl"], position["tp"]) == ("sell", None, None)


def test_a_comment_of_31_characters_is_kept_whole(gateway):
    comment = "c" * 31
    assert gateway.send(comment=comment)["outcome"] == "success"
    assert gateway.positions()[0]["comment"] == comment
    assert gateway.state()["orders"][0]["comment"] == comment


BROKER_ANSWERS = {
    # name: (order overrides, scenario overrides, retcode, retcode name, outcome)
    "volume off the step": ({"volume": 0.015}, {}, 10014, "TRADE_RETCODE_INVALID_VOLUME", "rejected"),
    "volume zero": ({"volume": 0}, {}, 10014, "TRADE_RETCODE_INVALID_VOLUME", "rejected"),
    "price moved past deviation": ({"price": ASK - 1, "deviation": 10}, {}, 10004, "TRADE_RETCODE_REQUOTE",
                                   "retry_fresh_price"),
    "SL inside the stops level": ({"sl": BID - 0.1}, {}, 10016, "TRADE_RETCODE_INVALID_STOPS", "rejected"),
    "TP on the wrong side": ({"tp": BID - 5}, {}, 10016, "TRADE_RETCODE_INVALID_STOPS", "rejected"),
    "not enough margin": ({"volume": 100}, {}, 10019, "TRADE_RETCODE_NO_MONEY", "rejected"),
    "market closed": ({}, {"market_open": False}, 10018, "TRADE_RETCODE_MARKET_CLOSED", "rejected"),
    "no quote this minute": ({}, {"symbols": [symbol(bars=flat_bars(T0 - 60_000, 1))]}, 10021,
                             "TRADE_RETCODE_PRICE_OFF", "retry_fresh_price"),
    "unknown symbol": ({"symbol": "EURUSD"}, {}, 10013, "TRADE_RETCODE_INVALID", "rejected"),
}


@pytest.mark.parametrize("overrides,world,retcode,name,outcome", BROKER_ANSWERS.values(), ids=BROKER_ANSWERS.keys())
def test_the_broker_answer_is_passed_on_with_its_name_and_class(gateway, overrides, world, retcode, name, outcome):
    gateway.load(scenario(**world))
    reply = gateway.send(**overrides)
    assert (reply["retcode"], reply["retcode_name"], reply["outcome"]) == (retcode, name, outcome)
    assert (reply["order"], reply["deal"], reply["price"]) == (None, None, None)
    assert gateway.state()["orders"] == []


INJECTED = [
    (10004, "TRADE_RETCODE_REQUOTE", "retry_fresh_price"),
    (10006, "TRADE_RETCODE_REJECT", "rejected"),
    (10008, "TRADE_RETCODE_PLACED", "success"),
    (10010, "TRADE_RETCODE_DONE_PARTIAL", "success"),
    (10012, "TRADE_RETCODE_TIMEOUT", "unknown"),
    (10017, "TRADE_RETCODE_TRADE_DISABLED", "rejected"),
    (10020, "TRADE_RETCODE_PRICE_CHANGED", "retry_fresh_price"),
    (10024, "TRADE_RETCODE_TOO_MANY_REQUESTS", "retry_fresh_price"),
    (10031, "TRADE_RETCODE_CONNECTION", "unknown"),
    (10045, "TRADE_RETCODE_FIFO_CLOSE", "rejected"),
    (12345, "TRADE_RETCODE_UNKNOWN_12345", "rejected"),
]


@pytest.mark.parametrize("retcode,name,outcome", INJECTED)
def test_every_retcode_is_named_and_classed(gateway, retcode, name, outcome):
    gateway.faults(f"retcode:{retcode}")
    reply = gateway.send()
    assert (reply["retcode"], reply["retcode_name"], reply["outcome"]) == (retcode, name, outcome)
    assert gateway.state()["faults_injected"] == {f"retcode:{retcode}": 1}


def test_a_rejection_is_not_retried(gateway):
    gateway.faults("retcode:10006")
    assert gateway.send()["outcome"] == "rejected"
    assert gateway.state()["orders"] == []
    assert gateway.send()["outcome"] == "success"


INVALID_BODIES = {
    # name: (body, the field the 422 names)
    "comment of 32 characters": (order(comment="c" * 32), "comment"),
    "side not buy or sell": (order(type="hold"), "type"),
    "negative volume": (order(volume=-0.1), "volume"),
    "volume not a number": (order(volume="lots"), "volume"),
    "negative price": (order(price=-1), "price"),
    "negative deviation": (order(deviation=-1), "deviation"),
    "fractional deviation": (order(deviation=1.5), "deviation"),
    "negative magic": (order(magic=-1), "magic"),
    "magic past 63 bits": (order(magic=2**63), "magic"),
    "zero SL": (order(sl=0), "sl"),
    "negative TP": (order(tp=-2000), "tp"),
    "empty symbol": (order(symbol=""), "symbol"),
    "missing magic": ({k: v for k, v in order().items() if k != "magic"}, "magic"),
    "missing comment": ({k: v for k, v in order().items() if k != "comment"}, "comment"),
    "unknown field": (order(expiration=0), "expiration"),
}


@pytest.mark.parametrize("body,field", INVALID_BODIES.values(), ids=INVALID_BODIES.keys())
def test_an_invalid_body_is_422_naming_the_field_and_never_sent(gateway, body, field):
    response = gateway.post("/orders", body)
    assert response.status_code == 422
    answer = response.json()
    assert (answer["error"], answer["last_error"]) == ("invalid request", None)
    assert [error["loc"][-1] for error in answer["detail"]] == [field]
    assert gateway.state()["orders"] == []


def test_a_body_that_is_not_json_is_422(gateway):
    response = gateway.client.post("/orders", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid request"
