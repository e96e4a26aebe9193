"""GET /orders/lookup, what the engine asks before any resend: magic + comment among history
orders, then active orders, then open positions; then, for a comment the broker rewrote, magic +
symbol + side + volume inside the lookup window after `since`."""
import pytest

from scalper_gateway.simulator import constants as C
from scalper_gateway.simulator.records import TradeOrder
from scenarios import MINUTE_MS, NOW, SYMBOL, scenario

NOT_FOUND = {"found": None, "match": None, "order": None}


def lookup(gateway, **params) -> dict:
    return gateway.ok("GET", "/orders/lookup", params={"magic": 7, "comment": "scalper-1", "since": NOW, **params})


def test_found_by_comment_among_history_orders(gateway):
    sent = gateway.send()
    assert lookup(gateway) == {"found": "history_order", "match": "comment", "order": {
        "ticket": sent["order"], "symbol": SYMBOL, "type": "buy", "volume_initial": 0.1, "volume_current": 0.0,
        "price_open": 2000.2, "state": "filled", "position_id": sent["order"], "magic": 7, "comment": "scalper-1",
        "time_setup_msc": NOW, "time_done_msc": NOW,
    }}


def test_found_among_open_positions_while_history_lags(gateway):
    """A terminal whose history has not synced the fill yet still shows the position."""
    sent = gateway.send()
    gateway.mt5.history_orders_get = lambda *args, **kwargs: ()
    found = lookup(gateway)
    assert (found["found"], found["match"]) == ("position", "comment")
    assert {k: found["order"][k] for k in ("ticket", "position_id", "state", "volume_initial", "comment")} == {
        "ticket": sent["order"], "position_id": sent["order"], "state": "filled", "volume_initial": 0.1,
        "comment": "scalper-1",
    }


def test_found_among_active_orders_while_the_server_works_it(gateway):
    """Accepted but not finished (after 10008 PLACED, or while a dealer or an exchange works it): MT5
    keeps it among the active orders, not in history, and it opened no position yet. Not found would
    invite a resend and two fills; its state says it is not final."""
    server_now_ms = NOW + 2 * 3_600_000  # the scenario's server clock is UTC+2
    in_flight = TradeOrder(
        ticket=50_000_123, time_setup=server_now_ms // 1000, time_setup_msc=server_now_ms, time_done=0,
        time_done_msc=0, time_expiration=0, type=C.ORDER_TYPE_BUY, type_time=C.ORDER_TIME_GTC,
        type_filling=C.ORDER_FILLING_FOK, state=C.ORDER_STATE_PLACED, magic=7, position_id=0, position_by_id=0,
        reason=0, volume_initial=0.1, volume_current=0.1, price_open=2000.2, sl=0.0, tp=0.0,
        price_current=2000.2, price_stoplimit=0.0, symbol=SYMBOL, comment="scalper-1", external_id="",
    )
    gateway.mt5.orders_get = lambda *args, **kwargs: (in_flight,)
    found = lookup(gateway, since=NOW - MINUTE_MS)
    assert (found["found"], found["match"]) == ("active_order", "comment")
    assert {k: found["order"][k] for k in ("ticket", "state", "magic", "comment")} == {
        "ticket": "50000123", "state": "placed", "magic": 7, "comment": "scalper-1",
    }


MISSES = {
    "another magic": {"magic": 8},
    "another comment": {"comment": "scalper-2"},
    "since after the order": {"since": NOW + 1},
}


@pytest.mark.parametrize("params", MISSES.values(), ids=MISSES.keys())
def test_not_found(gateway, params):
    gateway.send()
    assert lookup(gateway, **params) == NOT_FOUND


def test_a_position_opened_before_since_is_not_the_order_looked_for(gateway):
    gateway.send()
    gateway.mt5.history_orders_get = lambda *args, **kwargs: ()
    assert lookup(gateway, since=NOW + 1) == NOT_FOUND


def test_found_when_the_server_clock_runs_ahead_of_this_machine(start_gateway):
    """The server clock is 30 s fast: the fill is stamped 30 s after this machine's now, and must
    still be found once its position is gone, or the engine would send the order a second time."""
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "auto"},
                            scenario=scenario(server_utc_offset_hours=2 + 30 / 3600))
    assert gateway.ok("GET", "/health")["server_utc_offset_hours"] == 2.0
    gateway.close_position(gateway.send()["order"])
    found = lookup(gateway)
    assert (found["found"], found["order"]["time_setup_msc"]) == ("history_order", NOW + 30_000)


@pytest.fixture
def rewritten(gateway):
    """A broker that replaces every order comment with its own."""
    gateway.load(scenario(rewrite_comments=True))
    sent = gateway.send()
    assert gateway.positions()[0]["comment"] == f"broker#{sent['order']}"
    return gateway, sent


HINT = {"symbol": SYMBOL, "type": "buy", "volume": 0.1}


def test_a_rewritten_comment_is_found_by_the_fallback(rewritten):
    gateway, sent = rewritten
    found = lookup(gateway, **HINT)
    assert (found["found"], found["match"]) == ("history_order", "fallback")
    assert (found["order"]["ticket"], found["order"]["comment"]) == (sent["order"], f"broker#{sent['order']}")


FALLBACK_MISSES = {
    "no hint": {},
    "a partial hint": {"symbol": SYMBOL, "type": "buy"},
    "another symbol": {**HINT, "symbol": "EURUSDm"},
    "another side": {**HINT, "type": "sell"},
    "another volume": {**HINT, "volume": 0.11},
    "another magic": {**HINT, "magic": 8},
    "since after the order": {**HINT, "since": NOW + 1},
    # The lookup window is 120 s: an order 121 s after `since` is not the one sent then.
    "filled past the window": {**HINT, "since": NOW - 121_000},
}


@pytest.mark.parametrize("params", FALLBACK_MISSES.values(), ids=FALLBACK_MISSES.keys())
def test_the_fallback_needs_every_hint_to_match_inside_the_window(rewritten, params):
    gateway, _ = rewritten
    assert lookup(gateway, **params) == NOT_FOUND


def test_the_fallback_never_takes_a_close_for_an_open(rewritten):
    """A close of the same size is a sell of the same magic and symbol: it opened no position."""
    gateway, sent = rewritten
    gateway.close_position(sent["order"], comment="sx1-abc-1")
    assert lookup(gateway, **{**HINT, "type": "sell"}) == NOT_FOUND


def test_the_fallback_never_takes_another_order_the_engine_sent(gateway):
    """An open whose comment is another of the engine's ids is that decision's order, not this one."""
    gateway.send(comment="se1-2a")
    assert lookup(gateway, **HINT, comment="se1-2b") == NOT_FOUND
    gateway.send(comment="by hand")
    found = lookup(gateway, **HINT, comment="se1-2b")
    assert (found["match"], found["order"]["comment"]) == ("fallback", "by hand")


def test_the_fallback_window_is_the_configured_one(start_gateway):
    gateway = start_gateway({"SCALPER_GATEWAY_LOOKUP_WINDOW_MS": str(5 * MINUTE_MS)},
                            scenario=scenario(rewrite_comments=True))
    gateway.send()
    assert lookup(gateway, **HINT, since=NOW - 4 * MINUTE_MS)["match"] == "fallback"
    assert lookup(gateway, **HINT, since=NOW - 6 * MINUTE_MS) == NOT_FOUND


def test_an_exact_comment_wins_over_the_fallback(gateway):
    """Two buys of the same size: the one whose comment matches is the answer, not the first."""
    gateway.send(comment="first")
    wanted = gateway.send(comment="scalper-1")
    found = lookup(gateway, **HINT)
    assert (found["match"], found["order"]["ticket"]) == ("comment", wanted["order"])


@pytest.mark.parametrize("missing", ["magic", "comment", "since"])
def test_magic_comment_and_since_are_required(gateway, missing):
    params = {k: v for k, v in {"magic": 7, "comment": "scalper-1", "since": NOW}.items() if k != missing}
    response = gateway.client.get("/orders/lookup", params=params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", missing]]
