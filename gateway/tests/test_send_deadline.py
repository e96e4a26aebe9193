"""A trade request's order_send starts within the trade timeout of the request's arrival, or not
at all: the engine gives up on a trade later than that, then looks the order up, and a send that
started after the lookup had looked would be a second order (the lookup, which needs the terminal
too, waits behind a send that started)."""
import threading
import time
import types

from harness import simulated_mt5_module

TRADE_S = 1.0


def slow_terminal():
    """The simulated module with a slow symbol read, recording when each order_send starts."""
    inner = simulated_mt5_module()
    module = types.ModuleType("MetaTrader5")
    for name, value in vars(inner).items():
        if not name.startswith("__"):
            setattr(module, name, value)
    module.sent_at = []
    module.read_delay_s = 0.0

    def symbol_info(name):
        time.sleep(module.read_delay_s)
        return inner.symbol_info(name)

    def order_send(request):
        module.sent_at.append(time.monotonic())
        return inner.order_send(request)

    module.symbol_info, module.order_send = symbol_info, order_send
    return module


def hold_terminal(gateway, seconds: float) -> None:
    """Another caller (another bot's request) holds the one terminal lock for `seconds`."""
    terminal = gateway.app.state.gateway.terminal
    threading.Thread(target=lambda: terminal._run(lambda: time.sleep(seconds), 10), daemon=True).start()
    time.sleep(0.02)


def start(start_gateway, mt5):
    # Reads may take longer than a trade here, so that one slow read uses up a trade's deadline.
    return start_gateway(env={"SCALPER_GATEWAY_READ_TIMEOUT_MS": "3000",
                              "SCALPER_GATEWAY_TRADE_TIMEOUT_MS": str(int(TRADE_S * 1000))}, mt5=mt5)


def test_an_order_whose_reads_outlast_its_deadline_is_not_sent(start_gateway):
    mt5 = slow_terminal()
    gateway = start(start_gateway, mt5)
    mt5.read_delay_s = TRADE_S + 0.2
    reply = gateway.send(volume=0.1)
    assert (reply["outcome"], reply["retcode"]) == ("retry_fresh_price", 10024), reply
    assert reply["gateway_error"] == "the terminal was not free before the request's deadline: not sent"
    assert mt5.sent_at == []
    mt5.read_delay_s = 0.0
    assert gateway.positions() == []


def test_an_order_whose_terminal_frees_in_time_is_sent_within_its_deadline(start_gateway):
    mt5 = slow_terminal()
    gateway = start(start_gateway, mt5)
    hold_terminal(gateway, 0.5)
    received = time.monotonic()
    reply = gateway.send(volume=0.1)
    assert reply["outcome"] == "success", reply
    assert 0.4 < mt5.sent_at[0] - received < TRADE_S


def test_the_deadline_runs_from_arrival_not_from_when_the_handler_got_a_thread(start_gateway):
    # A request waits before its handler runs when every worker thread is taken (many bots on one
    # terminal); here its dependencies take that long. Its send must not start after its deadline.
    from scalper_gateway.context import gateway as gateway_dependency

    mt5 = slow_terminal()
    harness = start(start_gateway, mt5)

    def waited_for_a_thread():
        time.sleep(TRADE_S + 0.2)
        return harness.app.state.gateway

    harness.app.dependency_overrides[gateway_dependency] = waited_for_a_thread
    reply = harness.send(volume=0.1)
    harness.app.dependency_overrides.clear()
    assert (reply["outcome"], reply["retcode"]) == ("retry_fresh_price", 10024), reply
    assert reply["gateway_error"] == "the terminal was not free before the request's deadline: not sent"
    assert mt5.sent_at == []
    assert harness.positions() == []
