"""The simulated `MetaTrader5` module: the official package's functions and constants, served by
one process-wide simulated terminal (`terminal`), which the /simulator routes drive."""
from .constants import *  # noqa: F403 - the package's constants live at module level
from .terminal import SimulatedTerminal

terminal = SimulatedTerminal()

initialize = terminal.initialize
shutdown = terminal.shutdown
last_error = terminal.last_error
version = terminal.version
terminal_info = terminal.terminal_info
account_info = terminal.account_info
symbols_total = terminal.symbols_total
symbols_get = terminal.symbols_get
symbol_info = terminal.symbol_info
symbol_select = terminal.symbol_select
symbol_info_tick = terminal.symbol_info_tick
copy_rates_from_pos = terminal.copy_rates_from_pos
order_calc_margin = terminal.order_calc_margin
positions_total = terminal.positions_total
positions_get = terminal.positions_get
orders_get = terminal.orders_get
history_orders_get = terminal.history_orders_get
history_deals_get = terminal.history_deals_get
order_send = terminal.order_send
