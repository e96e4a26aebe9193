"""Bearer-token auth for every route but /health, compared in constant time."""
import hmac

from fastapi import Request

from .errors import GatewayError


def bearer_auth(token: str):
    expected = token.encode()

    def check(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
            raise GatewayError(401, "missing or wrong bearer token")

    return check
