"""The filling mode comes from the symbol's allowed modes (FOK, then IOC, else RETURN); on 10030
the next allowed mode is tried, so 10030 reaches the caller only when no mode is left."""
import pytest

from scenarios import FOK, IOC, scenario, symbol

MODE_CODES = {"FOK": 0, "IOC": 1, "RETURN": 2}  # ORDER_FILLING_*

CASES = {
    # name: (symbol's filling bits, modes the broker refuses, mode of the answer, retcode)
    "FOK and IOC: FOK first": (FOK | IOC, [], "FOK", 10009),
    "FOK refused: IOC next": (FOK | IOC, ["FOK"], "IOC", 10009),
    "IOC only": (IOC, [], "IOC", 10009),
    "FOK only": (FOK, [], "FOK", 10009),
    "neither bit: RETURN": (0, [], "RETURN", 10009),
    "both refused: 10030 after IOC": (FOK | IOC, ["FOK", "IOC"], "IOC", 10030),
    "the only mode refused": (FOK, ["FOK"], "FOK", 10030),
    "RETURN refused": (0, ["RETURN"], "RETURN", 10030),
    "a mode the symbol lacks is never tried": (IOC, ["FOK"], "IOC", 10009),
}


@pytest.mark.parametrize("bits,refused,mode,retcode", CASES.values(), ids=CASES.keys())
def test_filling_mode_choice_and_fallback(gateway, bits, refused, mode, retcode):
    gateway.load(scenario([symbol(filling_mode=bits)], invalid_fill_modes=refused))
    reply = gateway.send()
    assert (reply["type_filling"], reply["retcode"]) == (mode, retcode)
    executed = gateway.state()["orders"]
    if retcode == 10009:
        assert [o["type_filling"] for o in executed] == [MODE_CODES[mode]]
    else:
        assert (reply["outcome"], reply["retcode_name"], executed) == (
            "rejected", "TRADE_RETCODE_INVALID_FILL", [])


def test_an_injected_10030_is_retried_with_the_next_mode(gateway):
    gateway.faults("retcode:10030")
    reply = gateway.send()
    assert (reply["outcome"], reply["type_filling"]) == ("success", "IOC")
    state = gateway.state()
    assert state["faults_injected"] == {"retcode:10030": 1}
    assert [o["type_filling"] for o in state["orders"]] == [MODE_CODES["IOC"]]


def test_only_10030_moves_on_to_the_next_mode(gateway):
    """Any other answer ends the send: the fault script's second entry is never reached."""
    gateway.faults("retcode:10006", "retcode:10030")
    reply = gateway.send()
    assert (reply["retcode"], reply["type_filling"]) == (10006, "FOK")
    assert gateway.state()["faults_injected"] == {"retcode:10006": 1}


def test_a_close_falls_back_the_same_way(gateway):
    gateway.load(scenario(invalid_fill_modes=["FOK"]))
    opened = gateway.send()
    closed = gateway.close_position(opened["order"])
    assert (closed["outcome"], closed["type_filling"]) == ("success", "IOC")
    assert gateway.positions() == []
