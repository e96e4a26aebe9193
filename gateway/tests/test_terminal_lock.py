"""Every MT5 call runs under one lock, and last_error() is read right after each call: a burst
of concurrent reads and trades never has two package calls running at once, and no call is
followed by anything but its last_error()."""
from concurrent.futures import ThreadPoolExecutor

from harness import simulated_mt5_module
from recording_mt5 import RecordingMT5
from scenarios import NOW, SYMBOL

REQUESTS = [
    ("GET", "/account", None),
    ("GET", f"/symbols/{SYMBOL}", None),
    ("GET", f"/symbols/{SYMBOL}/tick", None),
    ("GET", f"/symbols/{SYMBOL}/rates?count=5", None),
    ("GET", "/positions", None),
    ("GET", f"/history/deals?from={NOW - 60_000}&to={NOW + 60_000}", None),
    ("GET", f"/orders/lookup?magic=7&comment=x&since={NOW}", None),
    ("GET", "/health", None),
] + [("POST", "/orders", {"symbol": SYMBOL, "type": "buy", "volume": 0.01, "price": 2000.2, "deviation": 10,
                          "magic": 7, "comment": f"burst-{i}"}) for i in range(8)]


# The burst queues 48 calls at one lock: with the tests' 200 ms trade timeout, a busy machine can hold
# a send past its deadline, which then refuses it unsent (10024, a test of its own). This test is
# about the lock, so its sends get the production default.
ROOMY_TRADE_TIMEOUT = {"SCALPER_GATEWAY_TRADE_TIMEOUT_MS": "10000"}


def test_concurrent_requests_never_overlap_at_the_terminal(start_gateway):
    mt5 = RecordingMT5(simulated_mt5_module())
    gateway = start_gateway(env=ROOMY_TRADE_TIMEOUT, mt5=mt5)
    mt5.calls.clear()

    def call(request):
        method, path, body = request
        return gateway.client.request(method, path, json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(call, REQUESTS * 3))

    assert statuses == [200] * len(statuses)
    assert mt5.calls.count("order_send") == 24
    assert mt5.most_at_once == 1
    called = mt5.calls[0::2]
    assert "last_error" not in called
    assert mt5.calls[1::2] == ["last_error"] * len(called)
    assert len(gateway.positions()) == 24
