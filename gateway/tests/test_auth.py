"""Every route but /health needs the bearer token: the route table is walked, so a new route
cannot slip in unauthenticated."""
import pytest
from fastapi.testclient import TestClient

from scalper_gateway.app import create_app
from scalper_gateway.settings import load_settings

from harness import DEFAULT_ENV, TOKEN, simulated_mt5_module
from scenarios import order

PUBLIC = {"/health"}


def private_routes() -> list[tuple[str, str]]:
    """From the OpenAPI document, which lists every route the app serves (FastAPI's own
    documentation routes are not in it: they reach no terminal)."""
    paths = create_app(load_settings(DEFAULT_ENV), simulated_mt5_module()).openapi()["paths"]
    return [(method.upper(), path.replace("{symbol}", "XAUUSDm").replace("{ticket}", "1"))
            for path, operations in paths.items() if path not in PUBLIC for method in operations]


ROUTES = private_routes()
WRONG_HEADERS = {
    "no header": {},
    "wrong token": {"authorization": "Bearer not-the-token"},
    "empty token": {"authorization": "Bearer "},
    "token as basic auth": {"authorization": f"Basic {TOKEN}"},
    "token without scheme": {"authorization": TOKEN},
    "token with a suffix": {"authorization": f"Bearer {TOKEN}x"},
}


def test_the_walk_covers_every_route_group():
    paths = {path for _, path in ROUTES}
    assert {"/account", "/symbols/XAUUSDm/rates", "/orders", "/positions/1/close", "/orders/lookup",
            "/history/deals", "/simulator/scenario", "/simulator/state"} <= paths


@pytest.mark.parametrize("headers", WRONG_HEADERS.values(), ids=WRONG_HEADERS.keys())
@pytest.mark.parametrize("method,path", ROUTES)
def test_private_route_refuses_a_missing_or_wrong_token(gateway, method, path, headers):
    anonymous = TestClient(gateway.app, headers=headers)
    response = anonymous.request(method, path, json=order())
    assert response.status_code == 401
    assert response.json() == {"error": "missing or wrong bearer token", "last_error": None}


def test_a_refused_trade_reaches_no_terminal(gateway):
    anonymous = TestClient(gateway.app)
    assert anonymous.post("/orders", json=order()).status_code == 401
    assert gateway.state()["orders"] == []


def test_auth_is_checked_before_the_body(gateway):
    """An unauthenticated caller learns nothing about the request format."""
    anonymous = TestClient(gateway.app)
    assert anonymous.post("/orders", json={"comment": "x" * 40}).status_code == 401


def test_health_is_public(gateway):
    anonymous = TestClient(gateway.app)
    response = anonymous.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_right_token_is_let_through(gateway):
    assert gateway.client.get("/account").status_code == 200
