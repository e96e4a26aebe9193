"""A simulated MetaTrader 5 terminal for tests: `scalper_gateway.simulator.MetaTrader5` stands in
for the official package when SCALPER_GATEWAY_TERMINAL=simulated; only the terminal is simulated."""
