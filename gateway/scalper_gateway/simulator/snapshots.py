"""The world as the MetaTrader5 package shows it: its named tuples and numpy rates, with times in
server seconds / milliseconds."""
import numpy as np

from . import constants as mt5
from . import records
from .grid import from_cents
from .ledger import Deal, Order, Position
from .scenario import World
from .trade_server import ServerReply

RATES_DTYPE = np.dtype([
    ("time", "<i8"), ("open", "<f8"), ("high", "<f8"), ("low", "<f8"), ("close", "<f8"),
    ("tick_volume", "<u8"), ("spread", "<i4"), ("real_volume", "<u8"),
])
ORDER_TYPES = {"buy": mt5.ORDER_TYPE_BUY, "sell": mt5.ORDER_TYPE_SELL}
DEAL_TYPES = {"buy": mt5.DEAL_TYPE_BUY, "sell": mt5.DEAL_TYPE_SELL}


def account_info(world: World) -> records.AccountInfo:
    now = world.clock.server_now_ms()
    valuation = world.server.valuation
    equity = valuation.equity_cents(now)
    margin = valuation.margin_cents()
    a = world.account
    return records.AccountInfo(
        login=a.login, trade_mode=a.trade_mode, leverage=a.leverage,
        margin_mode=mt5.ACCOUNT_MARGIN_MODE_RETAIL_HEDGING if a.hedging else mt5.ACCOUNT_MARGIN_MODE_RETAIL_NETTING,
        currency_digits=2, trade_allowed=True, trade_expert=True,
        balance=from_cents(world.ledger.balance_cents), credit=0.0,
        profit=from_cents(equity - world.ledger.balance_cents), equity=from_cents(equity),
        margin=from_cents(margin), margin_free=from_cents(equity - margin),
        margin_level=round(equity / margin * 100, 2) if margin else 0.0,
        name="Simulated Trader", server=a.server, currency=a.currency, company=a.company,
    )


def symbol_info(world: World, name: str, selected: bool) -> records.SymbolInfo:
    market = world.markets[name]
    s = market.spec
    quote = market.last_quote(world.clock.server_now_ms())
    bid, ask = (quote.bid, quote.ask) if quote else (0.0, 0.0)
    return records.SymbolInfo(
        name=s.name, visible=selected, select=selected, time=quote.time_ms // 1000 if quote else 0,
        digits=s.digits, spread=round((ask - bid) / s.point), spread_float=True,
        trade_calc_mode=mt5.SYMBOL_CALC_MODE_CFD, trade_mode=mt5.SYMBOL_TRADE_MODE_FULL,
        trade_stops_level=s.stops_level, trade_freeze_level=s.freeze_level, filling_mode=s.filling_mode,
        bid=bid, ask=ask, last=0.0, point=s.point, trade_tick_value=s.tick_value, trade_tick_size=s.tick_size,
        trade_contract_size=s.contract_size, volume_min=s.volume_min, volume_max=s.volume_max,
        volume_step=s.volume_step, margin_initial=0.0, margin_maintenance=0.0, currency_base=s.currency_base,
        currency_profit=s.currency_profit, currency_margin=s.currency_margin, description=s.name,
        path=f"Simulated\\{s.name}",
    )


def tick(world: World, name: str) -> records.Tick | None:
    quote = world.markets[name].last_quote(world.clock.server_now_ms())
    if quote is None:
        return None
    return records.Tick(quote.time_ms // 1000, quote.bid, quote.ask, 0.0, 0, quote.time_ms, 6, 0.0)


def rates(world: World, name: str, start_pos: int, count: int) -> np.ndarray:
    started = world.markets[name].started_bars(world.clock.server_now_ms())[start_pos:start_pos + count]
    rows = [(b.open_ms // 1000, b.open, b.high, b.low, b.close, b.tick_volume, b.spread, 0) for b in reversed(started)]
    return np.array(rows, dtype=RATES_DTYPE)


def position(world: World, p: Position) -> records.TradePosition:
    profit, current = world.server.valuation.floating(p, world.clock.server_now_ms())
    return records.TradePosition(
        ticket=p.ticket, time=p.time_ms // 1000, time_msc=p.time_ms, time_update=p.update_ms // 1000,
        time_update_msc=p.update_ms, type=ORDER_TYPES[p.side], magic=p.magic, identifier=p.ticket,
        reason=mt5.POSITION_REASON_CLIENT, volume=p.volume, price_open=p.price_open, sl=p.sl or 0.0,
        tp=p.tp or 0.0, price_current=current, swap=0.0, profit=from_cents(profit), symbol=p.symbol,
        comment=p.comment, external_id="",
    )


def order(o: Order) -> records.TradeOrder:
    seconds = o.time_ms // 1000
    return records.TradeOrder(
        ticket=o.ticket, time_setup=seconds, time_setup_msc=o.time_ms, time_done=seconds, time_done_msc=o.time_ms,
        time_expiration=0, type=ORDER_TYPES[o.side], type_time=mt5.ORDER_TIME_GTC, type_filling=o.type_filling,
        state=o.state, magic=o.magic, position_id=o.position_id, position_by_id=0, reason=o.reason,
        volume_initial=o.volume, volume_current=0.0, price_open=o.price, sl=0.0, tp=0.0, price_current=o.price,
        price_stoplimit=0.0, symbol=o.symbol, comment=o.comment, external_id="",
    )


def deal(d: Deal) -> records.TradeDeal:
    return records.TradeDeal(
        ticket=d.ticket, order=d.order, time=d.time_ms // 1000, time_msc=d.time_ms,
        type=DEAL_TYPES[d.side] if d.money_type is None else d.money_type,
        entry=d.entry, magic=d.magic, position_id=d.position_id, reason=d.reason, volume=d.volume, price=d.price,
        commission=from_cents(d.commission_cents), swap=0.0, profit=from_cents(d.profit_cents), fee=0.0,
        symbol=d.symbol, comment=d.comment, external_id="",
    )


def trade_request(request: dict) -> records.TradeRequest:
    return records.TradeRequest(**{field: request.get(field, "" if field in ("symbol", "comment") else 0)
                                   for field in records.TradeRequest._fields})


def send_result(reply: ServerReply, request: dict) -> records.OrderSendResult:
    return records.OrderSendResult(
        retcode=reply.retcode, deal=reply.deal, order=reply.order, volume=reply.volume, price=reply.price,
        bid=reply.bid, ask=reply.ask, comment=reply.comment, request_id=0, retcode_external=0,
        request=trade_request(request),
    )
