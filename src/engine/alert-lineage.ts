import type { AlertState } from '../alerts/alert.js'
import type { AlertStore } from './engine-stores.js'

/** Alert inputs are stored as `alert:<id>`. */
const ALERT_INPUT = /^alert:(\d+)$/

/** How far back a lineage is followed: as far as a cascade can reach (evaluator MAX_CASCADE_DEPTH). */
const MAX_DEPTH = 4

/**
 * The indicators an alert derives from: its own and those of every alert it counted, and of
 * theirs, up the chain. An escalation indicator never counts an alert whose lineage holds it,
 * so no alert is kept alive by alerts it produced (A feeds B, B feeds A back).
 */
export function lineageOf(alerts: Pick<AlertStore, 'inputIds' | 'get'> & { alertInputIds?(alertId: number): Iterable<string> }, alert: AlertState): string[] {
  // Only the alert inputs matter: a store that keeps them apart spares reading (and sorting) every
  // report a mission-wide alert counted. The order read does not change who is found: each level
  // of the walk is every alert at that many links, whatever order they come in.
  const inputsOf = alerts.alertInputIds ? (id: number) => alerts.alertInputIds!(id) : (id: number) => alerts.inputIds(id)
  const found = new Set<string>([alert.indicatorId])
  const seen = new Set<number>([alert.id])
  let frontier = [alert.id]
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: number[] = []
    for (const id of frontier) {
      for (const input of inputsOf(id)) {
        const m = ALERT_INPUT.exec(input)
        if (!m) continue
        const parent = Number(m[1])
        if (seen.has(parent)) continue
        seen.add(parent)
        const a = alerts.get(parent)
        if (!a) continue
        found.add(a.indicatorId)
        next.push(parent)
      }
    }
    frontier = next
  }
  return [...found]
}
