"""The simulated trade server's books: positions, history orders and deals, the balance in whole
cents (it only ever moves by whole-cent deal amounts), and the money rules of USD-quoted symbols."""
from dataclasses import dataclass, field

from .grid import round_to_step, to_cents, whole_points
from .market import SymbolSpec


@dataclass
class Position:
    ticket: int
    symbol: str
    side: str  # "buy" | "sell"
    volume: float
    price_open: float
    sl: float | None
    tp: float | None
    magic: int
    comment: str
    time_ms: int
    update_ms: int
    # SL/TP have been checked against the market up to and including this server millisecond.
    checked_until: int


@dataclass
class Order:
    ticket: int
    symbol: str
    side: str
    volume: float
    price: float
    position_id: int
    magic: int
    comment: str
    time_ms: int
    reason: int
    type_filling: int
    state: int


@dataclass
class Deal:
    ticket: int
    order: int
    position_id: int
    symbol: str
    side: str
    entry: int
    reason: int
    volume: float
    price: float
    commission_cents: int
    profit_cents: int
    magic: int
    comment: str
    time_ms: int
    # A money movement (a charge, a deposit…) has no side: its MT5 deal type instead.
    money_type: int | None = None


def opposite(side: str) -> str:
    return "sell" if side == "buy" else "buy"


def profit_cents(spec: SymbolSpec, side: str, volume: float, price_open: float, price_close: float) -> int:
    points = whole_points(price_close - price_open, spec.point)
    point_value = spec.tick_value * spec.point / spec.tick_size
    return to_cents((points if side == "buy" else -points) * point_value * volume)


def margin_cents(spec: SymbolSpec, volume: float, price: float) -> int:
    return to_cents(spec.contract_size * price * volume * spec.margin_rate)


def commission_cents(per_lot: float, volume: float) -> int:
    return -to_cents(per_lot * volume)


@dataclass
class Ledger:
    hedging: bool
    balance_cents: int
    next_ticket: int = 50_000_001
    positions: list[Position] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)

    def take_ticket(self) -> int:
        ticket = self.next_ticket
        self.next_ticket += 1
        return ticket

    def position(self, ticket: int) -> Position | None:
        return next((p for p in self.positions if p.ticket == ticket), None)

    def netting_position(self, symbol: str) -> Position | None:
        if self.hedging:
            return None
        return next((p for p in self.positions if p.symbol == symbol), None)

    def record_order(self, order: Order) -> None:
        self.orders.append(order)

    def record_deal(self, deal: Deal) -> Deal:
        self.balance_cents += deal.profit_cents + deal.commission_cents
        self.deals.append(deal)
        return deal

    def close_volume(self, spec: SymbolSpec, position: Position, volume: float, deal: Deal) -> Deal:
        """Books an OUT deal for `volume` lots of `position` and shrinks or removes the position."""
        booked = self.record_deal(deal)
        remaining = round_to_step(position.volume - volume, spec.volume_step)
        if remaining > 0:
            position.volume = remaining
        else:
            self.positions.remove(position)
        return booked
