"""What every route works with: the settings, the terminal door, server time and the views, and
when its request arrived."""
import time
from dataclasses import dataclass

from fastapi import Request

from .errors import GatewayError
from .server_time import ServerTime
from .settings import Settings
from .terminal import Terminal
from .views import Views


@dataclass
class Gateway:
    settings: Settings
    terminal: Terminal
    server_time: ServerTime
    views: Views

    def visible_symbol(self, name: str):
        """symbol_info, selecting the symbol into Market Watch first when it is not visible."""
        answer = self.terminal.read("symbol_info", name)
        if answer.value is None:
            raise GatewayError(404, f"unknown symbol {name}", answer.last_error)
        if not answer.value.visible:
            self.terminal.read("symbol_select", name, True)
        return answer.value


def gateway(request: Request) -> Gateway:
    return request.app.state.gateway


class ArrivalStamp:
    """ASGI middleware: stamps each request with the moment it arrived (monotonic), on the event
    loop, before a sync route waits for a worker thread and then for the terminal: a trade's
    deadline runs from then, not from when its handler got going."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            scope.setdefault("state", {})["arrived_at"] = time.monotonic()
        await self.app(scope, receive, send)


def arrived_at(request: Request) -> float:
    """When the request arrived (ArrivalStamp), monotonic."""
    return request.state.arrived_at
