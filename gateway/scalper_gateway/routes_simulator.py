"""The simulated terminal's control routes (SCALPER_GATEWAY_TERMINAL=simulated only): tests give
it a world, move its clock, script faults and drop its connection, then read what it executed.
They drive the simulator directly, not through the terminal lock, so they work while a trade hangs."""
from dataclasses import asdict

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .context import Gateway, gateway
from .errors import GatewayError
from .simulator import constants as mt5
from .simulator.faults import parse_fault
from .simulator.scenario import Scenario

router = APIRouter(prefix="/simulator")


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ms: int = Field(ge=0, le=366 * 86_400_000)


class Faults(BaseModel):
    model_config = ConfigDict(extra="forbid")
    script: list[str]

    @field_validator("script")
    @classmethod
    def known(cls, script: list[str]) -> list[str]:
        for text in script:
            parse_fault(text)
        return script


# The MT5 deal types that move money without a trade (the cancelled-deal types record trades).
MONEY_DEAL_TYPES = ("DEAL_TYPE_BALANCE", "DEAL_TYPE_CREDIT", "DEAL_TYPE_CHARGE", "DEAL_TYPE_CORRECTION",
                    "DEAL_TYPE_BONUS", "DEAL_TYPE_COMMISSION", "DEAL_TYPE_COMMISSION_DAILY",
                    "DEAL_TYPE_COMMISSION_MONTHLY", "DEAL_TYPE_COMMISSION_AGENT_DAILY",
                    "DEAL_TYPE_COMMISSION_AGENT_MONTHLY", "DEAL_TYPE_INTEREST", "DEAL_DIVIDEND",
                    "DEAL_DIVIDEND_FRANKED", "DEAL_TAX")


class Money(BaseModel):
    """A deal of no trade, booked now: a charge (DEAL_TYPE_COMMISSION_DAILY, DEAL_TAX…), a deposit…"""
    model_config = ConfigDict(extra="forbid")
    type: str
    amount: float = Field(ge=-1e9, le=1e9)
    comment: str = ""

    @field_validator("type")
    @classmethod
    def money_type(cls, name: str) -> str:
        if name not in MONEY_DEAL_TYPES:
            raise ValueError(f"{name} is not an MT5 deal type of a money movement: one of {', '.join(MONEY_DEAL_TYPES)}")
        return name


class Connection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connected: bool


def _simulator(gw: Gateway):
    return gw.terminal.mt5.terminal


@router.post("/scenario")
def scenario(body: Scenario, gw: Gateway = Depends(gateway)):
    _simulator(gw).load(body)
    gw.server_time.forget()
    return {"loaded": True, "symbols": [s.name for s in body.symbols]}


@router.post("/advance")
def advance(body: Advance, gw: Gateway = Depends(gateway)):
    try:
        _simulator(gw).advance(body.ms)
    except ValueError as exc:
        raise GatewayError(409, str(exc)) from None
    return {"utc_now_ms": _simulator(gw).utc_now_ms()}


@router.post("/faults")
def faults(body: Faults, gw: Gateway = Depends(gateway)):
    _simulator(gw).replace_faults(body.script)
    return {"script": body.script}


@router.post("/money")
def money(body: Money, gw: Gateway = Depends(gateway)):
    ticket = _simulator(gw).book_money(getattr(mt5, body.type), body.amount, body.comment)
    return {"ticket": str(ticket)}


@router.post("/connection")
def connection(body: Connection, gw: Gateway = Depends(gateway)):
    _simulator(gw).set_connected(body.connected)
    return {"connected": body.connected}


@router.get("/state")
def state(gw: Gateway = Depends(gateway)):
    world = _simulator(gw).world()
    return {
        "orders": [asdict(o) for o in world.ledger.orders],
        "deals": [asdict(d) for d in world.ledger.deals],
        "positions": [asdict(p) for p in world.ledger.positions],
        "balance": world.ledger.balance_cents / 100,
        "faults_injected": dict(world.faults.injected),
    }
