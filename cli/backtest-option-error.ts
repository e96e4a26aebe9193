// Bad input to `scalper backtest`: one line naming the option at fault (exit code 2), found before
// anything is computed or written.
export class BacktestOptionError extends Error {
  override name = 'BacktestOptionError';
}
