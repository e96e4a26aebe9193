"""MT5 records as the protocol's JSON: tickets as strings, times as UTC ms, enums as names."""
from .server_time import ServerTime

ORDER_TYPES = ("BUY", "SELL", "BUY_LIMIT", "SELL_LIMIT", "BUY_STOP", "SELL_STOP", "BUY_STOP_LIMIT",
               "SELL_STOP_LIMIT", "CLOSE_BY")
ORDER_STATES = ("STARTED", "PLACED", "CANCELED", "PARTIAL", "FILLED", "REJECTED", "EXPIRED", "REQUEST_ADD",
                "REQUEST_MODIFY", "REQUEST_CANCEL")
DEAL_ENTRIES = ("IN", "OUT", "INOUT", "OUT_BY")
DEAL_REASONS = ("CLIENT", "MOBILE", "WEB", "EXPERT", "SL", "TP", "SO", "ROLLOVER", "VMARGIN", "SPLIT")
# Money movements the broker books as deals of their own that count as trading costs or income
# (the protocol's charges); deposits, withdrawals, credit, bonuses, corrections and an agent's
# commissions are not among them.
CHARGE_TYPES = ("DEAL_TYPE_CHARGE", "DEAL_TYPE_COMMISSION", "DEAL_TYPE_COMMISSION_DAILY",
                "DEAL_TYPE_COMMISSION_MONTHLY", "DEAL_TYPE_INTEREST", "DEAL_DIVIDEND", "DEAL_DIVIDEND_FRANKED",
                "DEAL_TAX")


def _names(mt5, prefix: str, names) -> dict[int, str]:
    return {getattr(mt5, prefix + name): name.lower() for name in names if hasattr(mt5, prefix + name)}


class Views:
    def __init__(self, mt5, server_time: ServerTime):
        self.time = server_time
        self.order_types = _names(mt5, "ORDER_TYPE_", ORDER_TYPES)
        self.order_states = _names(mt5, "ORDER_STATE_", ORDER_STATES)
        self.deal_types = _names(mt5, "DEAL_TYPE_", ("BUY", "SELL"))
        self.deal_entries = _names(mt5, "DEAL_ENTRY_", DEAL_ENTRIES)
        self.deal_reasons = _names(mt5, "DEAL_REASON_", DEAL_REASONS)
        self.position_types = _names(mt5, "POSITION_TYPE_", ("BUY", "SELL"))
        self.charge_types = {getattr(mt5, name): name for name in CHARGE_TYPES if hasattr(mt5, name)}

    def _utc(self, server_ms: int) -> int | None:
        return self.time.to_utc_ms(server_ms) if server_ms else None

    def position(self, p) -> dict:
        return {
            "ticket": str(p.ticket), "identifier": str(p.identifier), "symbol": p.symbol,
            "type": self.position_types.get(p.type, str(p.type)), "volume": p.volume, "price_open": p.price_open,
            "price_current": p.price_current, "sl": p.sl or None, "tp": p.tp or None, "profit": p.profit,
            "swap": p.swap, "magic": p.magic, "comment": p.comment, "time_msc": self._utc(p.time_msc),
        }

    def order(self, o) -> dict:
        return {
            "ticket": str(o.ticket), "symbol": o.symbol, "type": self.order_types.get(o.type, str(o.type)),
            "volume_initial": o.volume_initial, "volume_current": o.volume_current, "price_open": o.price_open,
            "state": self.order_states.get(o.state, str(o.state)), "position_id": str(o.position_id),
            "magic": o.magic, "comment": o.comment, "time_setup_msc": self._utc(o.time_setup_msc),
            "time_done_msc": self._utc(o.time_done_msc),
        }

    def order_from_position(self, p) -> dict:
        """An open position seen as the (filled) market order that opened it."""
        return {
            "ticket": str(p.identifier), "symbol": p.symbol, "type": self.position_types.get(p.type, str(p.type)),
            "volume_initial": p.volume, "volume_current": 0.0, "price_open": p.price_open, "state": "filled",
            "position_id": str(p.identifier), "magic": p.magic, "comment": p.comment,
            "time_setup_msc": self._utc(p.time_msc), "time_done_msc": self._utc(p.time_msc),
        }

    def is_trade_deal(self, d) -> bool:
        """Buy and sell deals; balance, credit and other money movements are left out."""
        return d.type in self.deal_types

    def deal(self, d) -> dict:
        return {
            "ticket": str(d.ticket), "order": str(d.order), "position_id": str(d.position_id), "symbol": d.symbol,
            "type": self.deal_types[d.type], "entry": self.deal_entries.get(d.entry, str(d.entry)),
            "reason": self.deal_reasons.get(d.reason, str(d.reason)), "volume": d.volume, "price": d.price,
            "commission": d.commission, "swap": d.swap, "fee": getattr(d, "fee", 0.0), "profit": d.profit,
            "magic": d.magic, "comment": d.comment, "time_msc": self._utc(d.time_msc),
        }

    def is_charge(self, d) -> bool:
        return d.type in self.charge_types

    def charge(self, d) -> dict:
        """A charge's whole effect on the balance, whichever of its fields the broker booked it in."""
        amount = d.profit + d.commission + d.swap + getattr(d, "fee", 0.0)
        return {"ticket": str(d.ticket), "type": self.charge_types[d.type], "amount": round(amount, 2),
                "time_msc": self._utc(d.time_msc)}

    def rate(self, r) -> dict:
        return {
            "time_msc": self.time.to_utc_ms(int(r["time"]) * 1000), "open": float(r["open"]),
            "high": float(r["high"]), "low": float(r["low"]), "close": float(r["close"]),
            "tick_volume": int(r["tick_volume"]), "spread": int(r["spread"]), "real_volume": int(r["real_volume"]),
        }

    @staticmethod
    def account(a) -> dict:
        fields = ("login", "server", "company", "currency", "leverage", "margin_mode", "trade_mode", "balance",
                  "equity", "margin", "margin_free")
        return {name: getattr(a, name) for name in fields}

    @staticmethod
    def symbol(s, margin_rate: float | None) -> dict:
        fields = ("name", "digits", "point", "trade_tick_size", "trade_tick_value", "trade_contract_size",
                  "volume_min", "volume_max", "volume_step", "trade_stops_level", "trade_freeze_level",
                  "filling_mode", "spread", "trade_mode", "currency_base", "currency_profit", "currency_margin",
                  "margin_initial")
        return {**{name: getattr(s, name) for name in fields}, "margin_rate": margin_rate}
