"""Fixtures: `gateway` is the real app on a fresh simulated terminal loaded with the default
scenario; `start_gateway(env=..., mt5=...)` starts one with other settings or a wrapped module."""
import warnings

import pytest

# Starlette's TestClient works on the httpx the [test] extra pins; its advice to move on is noise here.
warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")

from harness import GatewayHarness, simulated_mt5_module  # noqa: E402 - after the filter it needs


@pytest.fixture
def start_gateway():
    started: list[GatewayHarness] = []

    def start(env: dict[str, str] | None = None, mt5=None, scenario: dict | None = None) -> GatewayHarness:
        harness = GatewayHarness(env or {}, mt5 if mt5 is not None else simulated_mt5_module())
        started.append(harness)
        harness.load(scenario)
        return harness

    yield start
    for harness in started:
        harness.close()


@pytest.fixture
def gateway(start_gateway) -> GatewayHarness:
    return start_gateway()
