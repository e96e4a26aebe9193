"""Trades whose outcome the gateway cannot know (the terminal hangs past the trade timeout, the
link drops) answer 200 with outcome "unknown", never a 5xx; the lookup then tells what happened.
A terminal that is busy or gone is a 503 for reads. The trade timeout is 200 ms here."""
import time

import pytest

from scenarios import NOW

FAULTS = {
    # fault: (retcode, executed by the broker)
    "timeout": (10012, False),
    "lost_reply": (10012, True),
    "hang": (10012, True),
    "disconnect": (10031, False),
    "delay:600": (10012, True),
}
NAMES = {10012: "TRADE_RETCODE_TIMEOUT", 10031: "TRADE_RETCODE_CONNECTION"}
# Each trade route, on the open position `ticket`.
TRADES = {
    "order": lambda gateway, ticket: gateway.send(comment="again"),
    "modify": lambda gateway, ticket: gateway.modify(ticket, sl=1990.0, tp=None),
    "close": lambda gateway, ticket: gateway.close_position(ticket),
}


@pytest.mark.parametrize("fault,retcode,executed", [(f, *v) for f, v in FAULTS.items()], ids=FAULTS.keys())
def test_an_unknowable_trade_is_unknown_and_the_lookup_tells(gateway, fault, retcode, executed):
    gateway.faults(fault)
    reply = gateway.send()
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == ("unknown", retcode, NAMES[retcode])
    assert (reply["order"], reply["deal"], reply["type_filling"]) == (None, None, "FOK")
    assert reply["gateway_error"]
    # The lookup waits for the terminal, which is still busy with the request while it hangs.
    found = gateway.ok("GET", "/orders/lookup", params={"magic": 7, "comment": "scalper-1", "since": NOW})
    assert (found["found"] is not None) == executed
    assert len(gateway.state()["orders"]) == int(executed)
    assert gateway.state()["faults_injected"] == {fault.partition(":")[0]: 1}


def test_unknown_is_answered_at_the_trade_timeout_not_when_the_terminal_returns(gateway):
    gateway.faults("delay:5000")
    started = time.monotonic()
    assert gateway.send()["outcome"] == "unknown"
    assert time.monotonic() - started < 2.5


def test_latency_within_the_trade_timeout_is_waited_for(start_gateway):
    gateway = start_gateway({"SCALPER_GATEWAY_TRADE_TIMEOUT_MS": "3000"})
    gateway.faults("delay:300")
    started = time.monotonic()
    reply = gateway.send()
    assert time.monotonic() - started >= 0.3
    assert (reply["outcome"], reply["retcode"]) == ("success", 10009)


def test_the_disconnect_fault_reports_the_terminal_error(gateway):
    gateway.faults("disconnect")
    assert gateway.send()["last_error"] == [-10004, "No IPC connection"]
    # The gateway connects again on the next call.
    assert gateway.send()["outcome"] == "success"


@pytest.fixture
def lost(gateway):
    """A filled position, then the terminal's link to the gateway is gone."""
    ticket = gateway.send()["order"]
    gateway.connect(False)
    return gateway, ticket


@pytest.mark.parametrize("trade", TRADES.values(), ids=TRADES.keys())
def test_a_trade_without_a_terminal_is_unknown(lost, trade):
    gateway, ticket = lost
    reply = trade(gateway, ticket)
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == (
        "unknown", 10031, "TRADE_RETCODE_CONNECTION")
    assert reply["last_error"] == [-10003, "IPC initialize failed"]
    assert len(gateway.state()["orders"]) == 1 and gateway.state()["positions"][0]["sl"] is None


@pytest.mark.parametrize("path", ["/account", "/symbols", "/symbols/XAUUSDm", "/symbols/XAUUSDm/tick",
                                  "/symbols/XAUUSDm/rates?count=5", "/positions",
                                  f"/history/orders?from={NOW}&to={NOW}", f"/history/deals?from={NOW}&to={NOW}",
                                  f"/orders/lookup?magic=7&comment=x&since={NOW}"])
def test_a_read_without_a_terminal_is_503_never_an_empty_answer(lost, path):
    gateway, _ = lost
    response = gateway.client.get(path)
    assert response.status_code == 503
    assert response.json() == {"error": "terminal not connected", "last_error": [-10003, "IPC initialize failed"]}


def test_health_degrades_and_recovers_with_the_connection(lost):
    gateway, ticket = lost
    assert gateway.ok("GET", "/health")["status"] == "degraded"
    assert gateway.ok("GET", "/health")["terminal_connected"] is False
    gateway.connect(True)
    assert gateway.ok("GET", "/health")["status"] == "ok"
    assert [p["ticket"] for p in gateway.positions()] == [ticket]


@pytest.fixture
def held(start_gateway):
    """A filled trade whose reply holds the terminal for 5 s; reads give up on it after 300 ms."""
    gateway = start_gateway({"SCALPER_GATEWAY_READ_TIMEOUT_MS": "300"})
    gateway.faults("delay:5000")
    assert gateway.send()["outcome"] == "unknown"
    return gateway


def test_a_read_while_the_terminal_is_held_is_503_busy(held):
    response = held.client.get("/account")
    assert response.status_code == 503
    assert response.json()["error"] == "terminal busy: could not get the terminal within the read timeout"


@pytest.mark.parametrize("trade", TRADES.values(), ids=TRADES.keys())
def test_a_trade_while_the_terminal_is_held_is_not_sent(held, trade):
    """Its preparing reads could not get the terminal: nothing was sent, a fresh try is safe."""
    [position] = held.state()["positions"]
    reply = trade(held, str(position["ticket"]))
    assert (reply["outcome"], reply["retcode"], reply["retcode_name"]) == (
        "retry_fresh_price", 10024, "TRADE_RETCODE_TOO_MANY_REQUESTS")
    assert reply["gateway_error"] == "terminal busy: not sent"
    assert len(held.state()["orders"]) == 1  # only the held one


def test_a_read_the_terminal_does_not_answer_in_time_is_503(start_gateway):
    gateway = start_gateway({"SCALPER_GATEWAY_READ_TIMEOUT_MS": "300"})
    answer = gateway.mt5.account_info

    def hanging_account_info():
        time.sleep(0.6)
        return answer()

    gateway.mt5.account_info = hanging_account_info
    response = gateway.client.get("/account")
    assert response.status_code == 503
    assert response.json()["error"] == "terminal did not answer: no answer within 0.3 s"
