import type { Problem } from '../errors.js'
import type { RowProblem } from './source-row.js'

/** One reason rows were refused, with how many and the first few rows, to find them in the file. */
export interface RejectionGroup {
  reason: string
  count: number
  examples: { ref: string; id: string | null; detail?: string }[]
}

const EXAMPLES = 5

/** Collects refused rows and groups them by reason, in order of first appearance. */
export class RejectionTally {
  private readonly groups = new Map<string, RejectionGroup>()
  rows = 0

  add(ref: string, id: string | null, problems: readonly RowProblem[]) {
    this.rows++
    for (const p of problems) {
      const g = this.groups.get(p.reason) ?? { reason: p.reason, count: 0, examples: [] }
      g.count++
      if (g.examples.length < EXAMPLES) g.examples.push({ ref, id, ...(p.detail !== undefined ? { detail: p.detail } : {}) })
      this.groups.set(p.reason, g)
    }
  }

  /** Most frequent reason first. */
  list(): RejectionGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count)
  }

  /** The tally again from its rows and list (a copy sent to a worker thread loses the class). */
  static of(rows: number, groups: readonly RejectionGroup[]): RejectionTally {
    const t = new RejectionTally()
    t.rows = rows
    for (const g of groups) t.groups.set(g.reason, g)
    return t
  }
}

/**
 * The validation problems of a refused report as row problems: the field path and message
 * (stable across rows, so they group), or the error's message with the id taken out.
 */
export function problemsOf(id: string | null, message: string, problems: readonly Problem[] = []): RowProblem[] {
  if (problems.length > 0) return problems.map((p) => ({ reason: p.path ? `${p.path}: ${p.message}` : p.message }))
  return [{ reason: id ? message.split(`'${id}'`).join('<id>').split(encodeURIComponent(id)).join('<id>') : message }]
}
