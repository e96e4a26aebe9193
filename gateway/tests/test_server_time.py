"""Broker server time to UTC: every time the gateway answers is UTC ms, converted with the
configured offset or, with `auto`, the one detected from a fresh tick."""
import pytest

from scenarios import HOUR_MS, MINUTE_MS, NOW, SYMBOL, T0, bar, scenario, symbol

OFFSETS = [0, 2, 3, -5, 5.5]


def answered_times(gateway, at: int = NOW) -> dict[str, int]:
    """The time of one moment, when an order was filled, as each kind of record reports it
    (history is asked for around `at`, where the gateway believes the fill was)."""
    assert gateway.send()["outcome"] == "success"
    window = {"from": at - MINUTE_MS, "to": at + MINUTE_MS}
    return {
        "tick": gateway.ok("GET", f"/symbols/{SYMBOL}/tick")["time_msc"],
        "position": gateway.positions()[0]["time_msc"],
        "history order": gateway.ok("GET", "/history/orders", params=window)["orders"][0]["time_setup_msc"],
        "history deal": gateway.ok("GET", "/history/deals", params=window)["deals"][0]["time_msc"],
        "lookup": gateway.ok("GET", "/orders/lookup", params={"magic": 7, "comment": "scalper-1", "since": at})
        ["order"]["time_done_msc"],
    }


def newest_bar_time(gateway) -> int | None:
    rates = gateway.ok("GET", f"/symbols/{SYMBOL}/rates", params={"count": 1})["rates"]
    return rates[0]["time_msc"] if rates else None


@pytest.mark.parametrize("hours", OFFSETS)
def test_configured_offset_gives_utc_everywhere(start_gateway, hours):
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": str(hours)},
                            scenario=scenario(server_utc_offset_hours=hours))
    assert set(answered_times(gateway).values()) == {NOW}
    assert newest_bar_time(gateway) == T0 - MINUTE_MS


@pytest.mark.parametrize("hours", OFFSETS)
def test_auto_offset_is_detected_from_a_fresh_tick(start_gateway, hours):
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "auto"},
                            scenario=scenario(server_utc_offset_hours=hours))
    assert gateway.ok("GET", "/health")["server_utc_offset_hours"] == hours
    assert set(answered_times(gateway).values()) == {NOW}
    assert newest_bar_time(gateway) == T0 - MINUTE_MS


def test_the_configured_offset_is_trusted_over_the_terminal(start_gateway):
    """Configured 0 against a server at UTC+2: server times are taken as UTC, two hours late, and
    no bar counts as closed (each looks two hours ahead of this machine's clock)."""
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "0"})
    assert set(answered_times(gateway, at=NOW + 2 * HOUR_MS).values()) == {NOW + 2 * HOUR_MS}
    assert newest_bar_time(gateway) is None


def test_auto_offset_rounds_a_slightly_skewed_server_clock_to_half_hours(start_gateway):
    """A server clock 40 s ahead of UTC+2 is UTC+2: times keep the skew, the offset does not."""
    skewed = 2 + 40 / 3600
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "auto"},
                            scenario=scenario(server_utc_offset_hours=skewed))
    assert gateway.ok("GET", "/health")["server_utc_offset_hours"] == 2.0
    assert gateway.ok("GET", f"/symbols/{SYMBOL}/tick")["time_msc"] == NOW + 40_000


def test_auto_without_a_fresh_tick_is_degraded_and_times_are_refused(start_gateway):
    """Only prices from 3 h 15 min ago: no offset can be trusted, so none is guessed."""
    stale = scenario([symbol(bars=[bar(T0 - 3 * HOUR_MS - 15 * MINUTE_MS, 2000, 2000, 2000, 2000)])])
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "auto"}, scenario=stale)
    health = gateway.ok("GET", "/health")
    assert (health["status"], health["terminal_connected"], health["server_utc_offset_hours"]) == (
        "degraded", True, None)
    response = gateway.client.get(f"/symbols/{SYMBOL}/tick")
    assert response.status_code == 503
    assert "server time offset not detected" in response.json()["error"]


def test_a_new_scenario_is_detected_afresh(start_gateway):
    gateway = start_gateway({"SCALPER_GATEWAY_SERVER_UTC_OFFSET": "auto"})
    assert gateway.ok("GET", "/health")["server_utc_offset_hours"] == 2.0
    gateway.load(scenario(server_utc_offset_hours=-3))
    assert gateway.ok("GET", "/health")["server_utc_offset_hours"] == -3.0
