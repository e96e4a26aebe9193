"""A position whose POSITION_TICKET is no longer its POSITION_IDENTIFIER: the broker charged swap by
re-opening it (a netting reversal does the same). The engine names positions by identifier (the
port's ticket), so modify and close must find it by that and send MT5 its current ticket."""
import types

from harness import simulated_mt5_module

REOPEN_OFFSET = 1_000_000  # the re-opened position's ticket: its identifier + this


def reopened_mt5():
    """The simulated terminal as a broker that re-opened every position: same identifier, new
    ticket; order_send's `position` must name the new ticket, the old one is no open position."""
    inner = simulated_mt5_module()
    module = types.ModuleType("MetaTrader5")
    for name, value in vars(inner).items():
        if not name.startswith("__"):
            setattr(module, name, value)

    def positions_get(symbol=None, group=None, ticket=None):
        rows = inner.positions_get(symbol=symbol) if symbol else inner.positions_get()
        if rows is None:
            return None
        rows = tuple(p._replace(ticket=p.ticket + REOPEN_OFFSET) for p in rows)
        return tuple(p for p in rows if ticket is None or p.ticket == ticket)

    def order_send(request):
        position = request.get("position")
        if position:
            if position < REOPEN_OFFSET:
                return inner.order_send({**request, "position": 999_999_999})
            request = {**request, "position": position - REOPEN_OFFSET}
        return inner.order_send(request)

    module.positions_get = positions_get
    module.order_send = order_send
    return module


def test_close_by_identifier_closes_a_reopened_position(start_gateway):
    gateway = start_gateway(mt5=reopened_mt5())
    opened = gateway.send(volume=0.1)
    [position] = gateway.positions()
    assert position["identifier"] == opened["order"] != position["ticket"]
    reply = gateway.close_position(position["identifier"], comment="sx1-abc-1")
    assert reply["outcome"] == "success", reply
    assert gateway.positions() == []


def test_modify_by_identifier_moves_the_stop_of_a_reopened_position(start_gateway):
    gateway = start_gateway(mt5=reopened_mt5())
    gateway.send(volume=0.1, sl=1990.0)
    [position] = gateway.positions()
    reply = gateway.modify(position["identifier"], sl=1995.0, tp=None)
    assert reply["outcome"] == "success", reply
    [moved] = gateway.positions()
    assert moved["sl"] == 1995.0
