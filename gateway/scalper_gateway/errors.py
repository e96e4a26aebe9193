"""Answers that are not trade replies: `{"error": ..., "last_error": [code, message] | null}`."""
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from .server_time import OffsetUnknown
from .terminal import TerminalBusy, TerminalTimeout, TerminalUnavailable


class GatewayError(Exception):
    def __init__(self, status: int, error: str, last_error=None):
        super().__init__(error)
        self.status = status
        self.error = error
        self.last_error = last_error


def error_body(error: str, last_error=None, **extra) -> dict:
    return {"error": error, "last_error": list(last_error) if last_error else None, **extra}


def install_error_handlers(app: FastAPI) -> None:
    def respond(status: int, error: str, last_error=None, **extra) -> JSONResponse:
        return JSONResponse(status_code=status, content=error_body(error, last_error, **extra))

    @app.exception_handler(GatewayError)
    async def gateway_error(_: Request, exc: GatewayError):
        return respond(exc.status, exc.error, exc.last_error)

    @app.exception_handler(TerminalUnavailable)
    async def unavailable(_: Request, exc: TerminalUnavailable):
        return respond(503, "terminal not connected", exc.last_error)

    @app.exception_handler(TerminalBusy)
    async def busy(_: Request, exc: TerminalBusy):
        return respond(503, "terminal busy: could not get the terminal within the read timeout")

    @app.exception_handler(TerminalTimeout)
    async def timeout(_: Request, exc: TerminalTimeout):
        return respond(503, f"terminal did not answer: {exc}")

    @app.exception_handler(OffsetUnknown)
    async def offset_unknown(_: Request, exc: OffsetUnknown):
        return respond(503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError):
        return respond(422, "invalid request", detail=jsonable_encoder(exc.errors()))
