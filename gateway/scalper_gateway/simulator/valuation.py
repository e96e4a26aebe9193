"""Valuing the books at the current quotes: floating profit, equity, margin (held at each
position's open price, as the TS paper broker does)."""
from .grid import round_to_step
from .ledger import Ledger, Position, margin_cents, profit_cents
from .market import SymbolMarket


def closing_price(side: str, bid: float, ask: float) -> float:
    """A position closes on the other side of the book: a buy at the Bid, a sell at the Ask."""
    return bid if side == "buy" else ask


class Valuation:
    def __init__(self, ledger: Ledger, markets: dict[str, SymbolMarket]):
        self.ledger = ledger
        self.markets = markets

    def floating(self, position: Position, now_ms: int) -> tuple[int, float]:
        """(profit in cents, current closing price) of an open position."""
        market = self.markets[position.symbol]
        quote = market.last_quote(now_ms)
        if quote is None:
            return 0, position.price_open
        price = closing_price(position.side, quote.bid, quote.ask)
        return profit_cents(market.spec, position.side, position.volume, position.price_open, price), price

    def position_margin_cents(self, position: Position) -> int:
        return margin_cents(self.markets[position.symbol].spec, position.volume, position.price_open)

    def margin_cents(self) -> int:
        return sum(self.position_margin_cents(p) for p in self.ledger.positions)

    def equity_cents(self, now_ms: int) -> int:
        return self.ledger.balance_cents + sum(self.floating(p, now_ms)[0] for p in self.ledger.positions)

    def margin_after_cents(self, symbol: str, side: str, volume: float, price: float) -> int:
        """Account margin once an order of `side` `volume` at `price` has been filled."""
        spec = self.markets[symbol].spec
        existing = self.ledger.netting_position(symbol)
        before = self.margin_cents()
        if existing is None:
            return before + margin_cents(spec, volume, price)
        if existing.side == side:
            return before + margin_cents(spec, volume, price)
        without = before - self.position_margin_cents(existing)
        net = round_to_step(volume - existing.volume, spec.volume_step)
        if net > 0:
            return without + margin_cents(spec, net, price)
        return without + margin_cents(spec, -net, existing.price_open)
