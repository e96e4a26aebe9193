"""Closed M1 bars: oldest first, at UTC times, the forming bar never included."""
import pytest

from scenarios import MINUTE_MS, SYMBOL, T0, bar, scenario, symbol

# Five closed minutes before T0, then the minute T0 the clock is 30 s into (a bull bar).
CLOSED = [bar(T0 - (5 - i) * MINUTE_MS, 2000 + i, 2000.5 + i, 1999.5 + i, 2000.25 + i, tick_volume=10 + i)
          for i in range(5)]
FORMING = bar(T0, 2010, 2012, 2009, 2011, tick_volume=99)
NEXT = bar(T0 + MINUTE_MS, 2011, 2011, 2011, 2011)


def rates(gateway, count: int) -> list[dict]:
    return gateway.ok("GET", f"/symbols/{SYMBOL}/rates", params={"count": count})["rates"]


def expected(entry: dict) -> dict:
    return {"time_msc": entry["time_msc"], "open": entry["open"], "high": entry["high"], "low": entry["low"],
            "close": entry["close"], "tick_volume": entry["tick_volume"], "spread": entry["spread"],
            "real_volume": 0}


@pytest.fixture
def market(gateway):
    gateway.load(scenario([symbol(bars=[*CLOSED, FORMING, NEXT])]))
    return gateway


@pytest.mark.parametrize("count,closed", [(1, CLOSED[-1:]), (3, CLOSED[-3:]), (5, CLOSED), (500, CLOSED)])
def test_the_newest_closed_bars_oldest_first(market, count, closed):
    assert rates(market, count) == [expected(entry) for entry in closed]


def test_the_forming_bar_joins_with_its_full_range_once_its_minute_closes(market):
    assert all(rate["time_msc"] < T0 for rate in rates(market, 10))
    market.advance(MINUTE_MS)
    newest = rates(market, 10)[-1]
    # Seen forming at 30 s it had not reached its high yet (the bull path runs O→L→H→C).
    assert newest == expected(FORMING)


def test_the_newest_bar_counts_as_forming_until_a_later_minute_has_a_tick(gateway):
    """A minute without prices: the terminal's newest bar may be the one just closed, but nothing
    says its minute is over, so it is left out as the engine's adapter leaves it out."""
    gateway.load(scenario([symbol(bars=[*CLOSED, None])]))
    assert rates(gateway, 10) == [expected(entry) for entry in CLOSED[:-1]]


def test_gaps_in_history_are_skipped_not_filled(gateway):
    gateway.load(scenario([symbol(bars=[CLOSED[0], None, CLOSED[2], CLOSED[3], CLOSED[4], FORMING])]))
    assert [rate["time_msc"] for rate in rates(gateway, 10)] == [CLOSED[i]["time_msc"] for i in (0, 2, 3, 4)]


@pytest.mark.parametrize("count", ["0", "5001", "-1", "many", None])
def test_count_is_validated(market, count):
    response = market.client.get(f"/symbols/{SYMBOL}/rates", params={} if count is None else {"count": count})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid request"
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "count"]]
