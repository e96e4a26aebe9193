"""Health, account, the symbol list, a symbol's spec and its tick, as the terminal reports them."""
import pytest

from scenarios import ASK, BID, NOW, SYMBOL, scenario, symbol


def test_health_reports_a_connected_terminal_and_the_offset(gateway):
    assert gateway.ok("GET", "/health") == {
        "status": "ok", "terminal_connected": True, "server_utc_offset_hours": 2.0,
        "last_error": [1, "Success"], "terminal": "simulated",
    }


@pytest.mark.parametrize("mode,margin_mode", [("hedging", 2), ("netting", 0)])
@pytest.mark.parametrize("trade_mode,code", [("demo", 0), ("contest", 1), ("real", 2)])
def test_account_reports_the_margin_and_trade_modes(gateway, mode, margin_mode, trade_mode, code):
    gateway.load(scenario(mode=mode, trade_mode=trade_mode, login=555, server="Broker-Live",
                          company="Broker Ltd", currency="EUR", leverage=500, balance=2_500))
    assert gateway.ok("GET", "/account") == {
        "login": 555, "server": "Broker-Live", "company": "Broker Ltd", "currency": "EUR", "leverage": 500,
        "margin_mode": margin_mode, "trade_mode": code, "balance": 2500.0, "equity": 2500.0, "margin": 0.0,
        "margin_free": 2500.0,
    }


def test_account_values_an_open_position(gateway):
    gateway.send(volume=0.1)
    account = gateway.ok("GET", "/account")
    # 0.1 lot held at 2000.20 with 1 % margin; valued at the bid, 20 points below the fill.
    assert account["margin"] == pytest.approx(200.02)
    assert account["equity"] == pytest.approx(9_998.0)
    assert account["balance"] == 10_000.0
    assert account["margin_free"] == pytest.approx(9_998.0 - 200.02)


def test_symbols_lists_every_symbol_the_terminal_knows(gateway):
    gateway.load(scenario([symbol(), symbol("EURUSDm"), symbol("XAGUSDm", visible=False)]))
    assert gateway.ok("GET", "/symbols") == {"symbols": [SYMBOL, "EURUSDm", "XAGUSDm"]}


def test_symbol_spec(gateway):
    gateway.load(scenario([symbol(volume_step=0.02, trade_freeze_level=5, filling_mode=2, margin_rate=0.05)]))
    assert gateway.ok("GET", f"/symbols/{SYMBOL}") == {
        "name": SYMBOL, "digits": 2, "point": 0.01, "trade_tick_size": 0.01, "trade_tick_value": 1.0,
        "trade_contract_size": 100.0, "volume_min": 0.01, "volume_max": 200.0, "volume_step": 0.02,
        "trade_stops_level": 20, "trade_freeze_level": 5, "filling_mode": 2, "spread": 20, "trade_mode": 4,
        "currency_base": "XAU", "currency_profit": "USD", "currency_margin": "USD", "margin_initial": 0.0,
        "margin_rate": pytest.approx(0.05),
    }


def test_unknown_symbol_is_404_with_the_terminal_error(gateway):
    for path in ("/symbols/NOPE", "/symbols/NOPE/tick", "/symbols/NOPE/rates?count=5"):
        response = gateway.client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "unknown symbol NOPE", "last_error": [-4, "Terminal: Not found"]}


def test_tick_is_the_current_quote_at_utc_time(gateway):
    assert gateway.ok("GET", f"/symbols/{SYMBOL}/tick") == {"time_msc": NOW, "bid": BID, "ask": ASK, "last": 0.0}


def test_a_symbol_outside_market_watch_is_selected_before_its_tick_is_read(gateway):
    gateway.load(scenario([symbol(visible=False)]))
    assert gateway.ok("GET", f"/symbols/{SYMBOL}/tick")["bid"] == BID
