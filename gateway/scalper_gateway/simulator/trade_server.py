"""The simulated trade server: executes TRADE_ACTION_DEAL (open, add, reduce, reverse, close by
position) and TRADE_ACTION_SLTP requests against the books, with MT5's validation and retcodes."""
from dataclasses import dataclass

from . import constants as mt5
from .checks import RETCODE_TEXT, beyond_deviation, filling_refused, valid_stops, valid_volume
from .grid import round_to_step
from .ledger import Deal, Ledger, Order, Position, commission_cents, opposite, profit_cents
from .market import Quote, SymbolMarket, SymbolSpec
from .valuation import Valuation

SIDES = {mt5.ORDER_TYPE_BUY: "buy", mt5.ORDER_TYPE_SELL: "sell"}
ENTRY_IN, ENTRY_OUT, ENTRY_INOUT = mt5.DEAL_ENTRY_IN, mt5.DEAL_ENTRY_OUT, mt5.DEAL_ENTRY_INOUT


@dataclass(frozen=True)
class TradeRules:
    commission_per_lot: float
    market_open: bool
    refused_filling_modes: frozenset[int]
    rewrite_comments: bool


@dataclass(frozen=True)
class ServerReply:
    retcode: int
    order: int = 0
    deal: int = 0
    volume: float = 0.0
    price: float = 0.0
    bid: float = 0.0
    ask: float = 0.0
    comment: str = ""


@dataclass(frozen=True)
class Fill:
    symbol: str
    side: str
    volume: float
    price: float
    magic: int
    comment: str
    type_filling: int


def rejected(retcode: int, quote: Quote | None = None) -> ServerReply:
    bid, ask = (quote.bid, quote.ask) if quote else (0.0, 0.0)
    return ServerReply(retcode, bid=bid, ask=ask, comment=RETCODE_TEXT.get(retcode, f"retcode {retcode}"))


def level(spec: SymbolSpec, value: float | None) -> float | None:
    return None if not value else round_to_step(value, spec.tick_size)


class TradeServer:
    def __init__(self, ledger: Ledger, markets: dict[str, SymbolMarket], rules: TradeRules):
        self.ledger = ledger
        self.markets = markets
        self.rules = rules
        self.valuation = Valuation(ledger, markets)

    def execute(self, request: dict, now_ms: int) -> ServerReply:
        action = request.get("action")
        if action == mt5.TRADE_ACTION_SLTP:
            return self._modify(request, now_ms)
        if action != mt5.TRADE_ACTION_DEAL or request.get("type") not in SIDES:
            return rejected(mt5.TRADE_RETCODE_INVALID)
        if request.get("position"):
            return self._close(request, now_ms)
        return self._open(request, now_ms)

    def _market(self, symbol: str, now_ms: int, type_filling: int | None) -> tuple[SymbolSpec, Quote] | int:
        """Checks every request shares: known symbol, filling mode, open market, a quote this minute."""
        market = self.markets.get(symbol)
        if market is None:
            return mt5.TRADE_RETCODE_INVALID
        if type_filling is not None and filling_refused(market.spec, type_filling, self.rules.refused_filling_modes):
            return mt5.TRADE_RETCODE_INVALID_FILL
        if not self.rules.market_open:
            return mt5.TRADE_RETCODE_MARKET_CLOSED
        quote = market.live_quote(now_ms)
        if quote is None:
            return mt5.TRADE_RETCODE_PRICE_OFF
        return market.spec, quote

    def _open(self, request: dict, now_ms: int) -> ServerReply:
        type_filling = request.get("type_filling", mt5.ORDER_FILLING_FOK)
        checked = self._market(request.get("symbol", ""), now_ms, type_filling)
        if isinstance(checked, int):
            return rejected(checked)
        spec, quote = checked
        side = SIDES[request["type"]]
        volume = float(request.get("volume", 0))
        if not valid_volume(spec, volume):
            return rejected(mt5.TRADE_RETCODE_INVALID_VOLUME, quote)
        volume = round_to_step(volume, spec.volume_step)
        price = quote.ask if side == "buy" else quote.bid
        if beyond_deviation(spec, price, float(request.get("price", 0)), int(request.get("deviation", 0))):
            return rejected(mt5.TRADE_RETCODE_REQUOTE, quote)
        sl, tp = level(spec, request.get("sl")), level(spec, request.get("tp"))
        existing = self.ledger.netting_position(spec.name)
        resulting = side if existing is None or existing.side == side or volume > existing.volume else existing.side
        only_reduces = existing is not None and existing.side != side and resulting == existing.side
        if not only_reduces and not valid_stops(spec, resulting, sl, tp, quote.bid, quote.ask):
            return rejected(mt5.TRADE_RETCODE_INVALID_STOPS, quote)
        if self._no_money(spec, side, volume, price, now_ms):
            return rejected(mt5.TRADE_RETCODE_NO_MONEY, quote)

        order = self.ledger.take_ticket()
        comment = self._stored_comment(request.get("comment", ""), order)
        fill = Fill(spec.name, side, volume, price, int(request.get("magic", 0)), comment, type_filling)
        self._record_order(order, fill, existing.ticket if existing else order, mt5.ORDER_REASON_CLIENT, now_ms)
        if existing is None:
            deal = self._open_position(spec, order, fill, sl, tp, now_ms)
        else:
            deal = self._net(spec, existing, order, fill, sl, tp, now_ms)
        return ServerReply(mt5.TRADE_RETCODE_DONE, order, deal.ticket, volume, price, quote.bid, quote.ask,
                           RETCODE_TEXT[mt5.TRADE_RETCODE_DONE])

    def _close(self, request: dict, now_ms: int) -> ServerReply:
        position = self.ledger.position(int(request["position"]))
        if position is None:
            return rejected(self._missing_position_retcode(int(request["position"])))
        type_filling = request.get("type_filling", mt5.ORDER_FILLING_FOK)
        checked = self._market(position.symbol, now_ms, type_filling)
        if isinstance(checked, int):
            return rejected(checked)
        spec, quote = checked
        side = opposite(position.side)
        if SIDES[request["type"]] != side or request.get("symbol", position.symbol) != position.symbol:
            return rejected(mt5.TRADE_RETCODE_INVALID, quote)
        volume = float(request.get("volume") or position.volume)
        if not valid_volume(spec, volume):
            return rejected(mt5.TRADE_RETCODE_INVALID_VOLUME, quote)
        if volume > position.volume + 1e-7:
            return rejected(mt5.TRADE_RETCODE_INVALID_CLOSE_VOLUME, quote)
        volume = round_to_step(volume, spec.volume_step)
        price = quote.ask if side == "buy" else quote.bid
        if beyond_deviation(spec, price, float(request.get("price", 0)), int(request.get("deviation", 0))):
            return rejected(mt5.TRADE_RETCODE_REQUOTE, quote)
        order = self.ledger.take_ticket()
        comment = self._stored_comment(request.get("comment", ""), order)
        fill = Fill(spec.name, side, volume, price, int(request.get("magic") or position.magic), comment, type_filling)
        self._record_order(order, fill, position.ticket, mt5.ORDER_REASON_CLIENT, now_ms)
        deal = self.close_part(spec, position, order, fill, mt5.DEAL_REASON_CLIENT, now_ms)
        return ServerReply(mt5.TRADE_RETCODE_DONE, order, deal.ticket, volume, price, quote.bid, quote.ask,
                           RETCODE_TEXT[mt5.TRADE_RETCODE_DONE])

    def _modify(self, request: dict, now_ms: int) -> ServerReply:
        position = self.ledger.position(int(request.get("position") or 0))
        if position is None:
            return rejected(self._missing_position_retcode(int(request.get("position") or 0)))
        checked = self._market(position.symbol, now_ms, None)
        if isinstance(checked, int):
            return rejected(checked)
        spec, quote = checked
        sl, tp = level(spec, request.get("sl")), level(spec, request.get("tp"))
        if (sl, tp) == (position.sl, position.tp):
            return rejected(mt5.TRADE_RETCODE_NO_CHANGES, quote)
        if not valid_stops(spec, position.side, sl, tp, quote.bid, quote.ask):
            return rejected(mt5.TRADE_RETCODE_INVALID_STOPS, quote)
        # The old levels have been settled up to now; the new ones apply from here on.
        position.sl, position.tp, position.update_ms = sl, tp, now_ms
        return ServerReply(mt5.TRADE_RETCODE_DONE, volume=position.volume, bid=quote.bid, ask=quote.ask,
                           comment=RETCODE_TEXT[mt5.TRADE_RETCODE_DONE])

    def _no_money(self, spec: SymbolSpec, side: str, volume: float, price: float, now_ms: int) -> bool:
        before = self.valuation.margin_cents()
        after = self.valuation.margin_after_cents(spec.name, side, volume, price)
        free_after = (
            self.valuation.equity_cents(now_ms) + commission_cents(self.rules.commission_per_lot, volume) - after
        )
        return after > before and free_after < 0

    def _missing_position_retcode(self, ticket: int) -> int:
        was_position = any(deal.position_id == ticket for deal in self.ledger.deals)
        return mt5.TRADE_RETCODE_POSITION_CLOSED if was_position else mt5.TRADE_RETCODE_INVALID

    def _stored_comment(self, comment: str, order: int) -> str:
        return f"broker#{order}" if self.rules.rewrite_comments else comment[:31]

    def _record_order(self, ticket: int, fill: Fill, position_id: int, reason: int, now_ms: int) -> None:
        self.ledger.record_order(Order(
            ticket, fill.symbol, fill.side, fill.volume, fill.price, position_id, fill.magic, fill.comment,
            now_ms, reason, fill.type_filling, mt5.ORDER_STATE_FILLED,
        ))

    def _deal(self, order: int, position_id: int, fill: Fill, entry: int, reason: int, profit: int,
              now_ms: int) -> Deal:
        return Deal(
            self.ledger.take_ticket(), order, position_id, fill.symbol, fill.side, entry, reason, fill.volume,
            fill.price, commission_cents(self.rules.commission_per_lot, fill.volume), profit, fill.magic,
            fill.comment, now_ms,
        )

    def _open_position(self, spec: SymbolSpec, order: int, fill: Fill, sl, tp, now_ms: int) -> Deal:
        self.ledger.positions.append(Position(
            order, spec.name, fill.side, fill.volume, fill.price, sl, tp, fill.magic, fill.comment,
            now_ms, now_ms, now_ms,
        ))
        return self.ledger.record_deal(self._deal(order, order, fill, ENTRY_IN, mt5.DEAL_REASON_CLIENT, 0, now_ms))

    def close_part(self, spec: SymbolSpec, position: Position, order: int, fill: Fill, reason: int,
                   now_ms: int) -> Deal:
        profit = profit_cents(spec, position.side, fill.volume, position.price_open, fill.price)
        deal = self._deal(order, position.ticket, fill, ENTRY_OUT, reason, profit, now_ms)
        return self.ledger.close_volume(spec, position, fill.volume, deal)

    def _net(self, spec: SymbolSpec, position: Position, order: int, fill: Fill, sl, tp, now_ms: int) -> Deal:
        """Netting: the symbol's one position grows (weighted open price), shrinks, closes or reverses."""
        position.update_ms = now_ms
        if fill.side == position.side:
            total = round_to_step(position.volume + fill.volume, spec.volume_step)
            weighted = (position.price_open * position.volume + fill.price * fill.volume) / total
            position.price_open = round_to_step(weighted, spec.tick_size)
            position.volume = total
            position.sl = sl if sl is not None else position.sl
            position.tp = tp if tp is not None else position.tp
            return self.ledger.record_deal(
                self._deal(order, position.ticket, fill, ENTRY_IN, mt5.DEAL_REASON_CLIENT, 0, now_ms))
        if fill.volume <= position.volume + 1e-7:
            return self.close_part(spec, position, order, fill, mt5.DEAL_REASON_CLIENT, now_ms)
        closed = profit_cents(spec, position.side, position.volume, position.price_open, fill.price)
        position.side = fill.side
        position.volume = round_to_step(fill.volume - position.volume, spec.volume_step)
        position.price_open = fill.price
        position.sl, position.tp = sl, tp
        position.time_ms = position.checked_until = now_ms
        return self.ledger.record_deal(
            self._deal(order, position.ticket, fill, ENTRY_INOUT, mt5.DEAL_REASON_CLIENT, closed, now_ms))
