"""What every route works with: the settings, the terminal door, server time and the views."""
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
