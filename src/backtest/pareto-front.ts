/**
 * The Pareto front of a calibration: the settings no other setting beats on both detection (POD,
 * higher is better) and time under warning (lower is better): the only ones worth choosing among.
 */

export interface TradeOff {
  pod: number | null
  timeUnderWarning: number | null
}

/** Whether `a` dominates `b`: at least as good on both, better on one. */
function dominates(a: TradeOff, b: TradeOff): boolean {
  const [pa, pb, ta, tb] = [a.pod ?? 0, b.pod ?? 0, a.timeUnderWarning ?? 0, b.timeUnderWarning ?? 0]
  return pa >= pb && ta <= tb && (pa > pb || ta < tb)
}

/** For each point, whether it lies on the front. */
export function paretoFront(points: readonly TradeOff[]): boolean[] {
  return points.map((p) => !points.some((q) => dominates(q, p)))
}
