"""The scenario the simulated terminal runs (POST /simulator/scenario) and the world built from
it: clock, market, books, trade server and faults. Times in a scenario are UTC ms; the world
keeps broker server time, as a real terminal does."""
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from . import constants as mt5
from .clock import SimClock
from .faults import FaultPlan, FaultRates, parse_fault
from .grid import to_cents
from .ledger import Ledger
from .market import MINUTE_MS, Bar, SymbolMarket, SymbolSpec, minute_of
from .trade_server import TradeRules, TradeServer

FILLING_MODES = {"FOK": mt5.ORDER_FILLING_FOK, "IOC": mt5.ORDER_FILLING_IOC, "RETURN": mt5.ORDER_FILLING_RETURN}
TRADE_MODES = {"demo": mt5.ACCOUNT_TRADE_MODE_DEMO, "contest": mt5.ACCOUNT_TRADE_MODE_CONTEST,
               "real": mt5.ACCOUNT_TRADE_MODE_REAL}


class ScenarioBar(BaseModel):
    # Without time_msc a bar opens one minute after the entry before it (the first: the clock's minute).
    time_msc: int | None = None
    open: float
    high: float
    low: float
    close: float
    spread: int = Field(0, ge=0)
    tick_volume: int = Field(1, ge=0)


class ScenarioSymbol(BaseModel):
    name: str = Field(min_length=1)
    digits: int = 2
    point: float = Field(0.01, gt=0)
    trade_tick_size: float = Field(0.01, gt=0)
    trade_tick_value: float = 1.0
    trade_contract_size: float = 100.0
    volume_min: float = 0.01
    volume_max: float = 200.0
    volume_step: float = Field(0.01, gt=0)
    trade_stops_level: int = 0
    trade_freeze_level: int = 0
    filling_mode: int = mt5.SYMBOL_FILLING_FOK | mt5.SYMBOL_FILLING_IOC
    margin_rate: float = 0.01
    currency_base: str = "XAU"
    currency_profit: str = "USD"
    currency_margin: str = "USD"
    visible: bool = True
    bars: list[ScenarioBar | None] = []


class ScenarioClock(BaseModel):
    manual: int | None = None
    wall_offset_ms: int | None = None

    @model_validator(mode="after")
    def one_kind(self):
        if (self.manual is None) == (self.wall_offset_ms is None):
            raise ValueError('clock takes exactly one of {"manual": start_ms} or {"wall_offset_ms": n}')
        return self


class ScenarioFaults(BaseModel):
    script: list[str] = []
    timeout_rate: float = Field(0.0, ge=0, le=1)
    lost_reply_rate: float = Field(0.0, ge=0, le=1)
    reject_rate: float = Field(0.0, ge=0, le=1)
    reject_retcode: int = mt5.TRADE_RETCODE_REJECT
    seed: int = 1

    @field_validator("script")
    @classmethod
    def known_faults(cls, script: list[str]) -> list[str]:
        for text in script:
            parse_fault(text)
        return script


class Scenario(BaseModel):
    mode: Literal["hedging", "netting"] = "hedging"
    balance: float = 10_000.0
    currency: str = "USD"
    leverage: int = Field(100, gt=0)
    login: int | str = 10_000_001
    trade_mode: int | Literal["demo", "contest", "real"] = "demo"
    server: str = "Simulated-Server"
    company: str = "Simulated Broker"
    server_utc_offset_hours: float = 0.0
    clock: ScenarioClock = ScenarioClock(wall_offset_ms=0)
    symbols: list[ScenarioSymbol] = [ScenarioSymbol(name="XAUUSDm", trade_stops_level=20)]
    market_open: bool = True
    commission_per_lot: float = 0.0
    faults: ScenarioFaults = ScenarioFaults()
    invalid_fill_modes: list[Literal["FOK", "IOC", "RETURN"]] = []
    rewrite_comments: bool = False


@dataclass(frozen=True)
class AccountSettings:
    login: int | str
    currency: str
    leverage: int
    trade_mode: int
    server: str
    company: str
    hedging: bool


@dataclass
class World:
    clock: SimClock
    account: AccountSettings
    markets: dict[str, SymbolMarket]
    ledger: Ledger
    server: TradeServer
    faults: FaultPlan


def build_world(scenario: Scenario) -> World:
    offset_ms = round(scenario.server_utc_offset_hours * 3_600_000)
    clock = SimClock(offset_ms, scenario.clock.manual, scenario.clock.wall_offset_ms or 0)
    first_minute = minute_of(clock.server_now_ms())
    markets = {s.name: SymbolMarket(_spec(s), _bars(s.bars, first_minute, offset_ms)) for s in scenario.symbols}
    trade_mode = scenario.trade_mode if isinstance(scenario.trade_mode, int) else TRADE_MODES[scenario.trade_mode]
    hedging = scenario.mode == "hedging"
    account = AccountSettings(scenario.login, scenario.currency, scenario.leverage, trade_mode, scenario.server,
                              scenario.company, hedging)
    ledger = Ledger(hedging=hedging, balance_cents=to_cents(scenario.balance))
    rules = TradeRules(scenario.commission_per_lot, scenario.market_open,
                       frozenset(FILLING_MODES[m] for m in scenario.invalid_fill_modes), scenario.rewrite_comments)
    f = scenario.faults
    faults = FaultPlan(f.script, FaultRates(f.timeout_rate, f.lost_reply_rate, f.reject_rate, f.reject_retcode, f.seed))
    return World(clock, account, markets, ledger, TradeServer(ledger, markets, rules), faults)


def _spec(symbol: ScenarioSymbol) -> SymbolSpec:
    return SymbolSpec(
        symbol.name, symbol.digits, symbol.point, symbol.trade_tick_size, symbol.trade_tick_value,
        symbol.trade_contract_size, symbol.volume_min, symbol.volume_max, symbol.volume_step,
        symbol.trade_stops_level, symbol.trade_freeze_level, symbol.filling_mode, symbol.margin_rate,
        symbol.currency_base, symbol.currency_profit, symbol.currency_margin, symbol.visible,
    )


def _bars(entries: list[ScenarioBar | None], first_minute: int, offset_ms: int) -> list[Bar]:
    """Scenario bars (UTC) to server-time bars; a null entry is a minute without prices."""
    bars: list[Bar] = []
    minute = first_minute
    for entry in entries:
        if entry is not None:
            if entry.time_msc is not None:
                minute = minute_of(entry.time_msc + offset_ms)
            bars.append(Bar(minute, entry.open, entry.high, entry.low, entry.close, entry.spread, entry.tick_volume))
        minute += MINUTE_MS
    return bars
