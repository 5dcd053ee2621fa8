/** A backtest that cannot run as asked (bad options, rules that fail their check, no reports). */
export class BacktestError extends Error {
  override name = 'BacktestError'
}
