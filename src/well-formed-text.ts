import { z } from 'zod'

export const NOT_WELL_FORMED = 'contains an unpaired surrogate (not valid Unicode)'

/**
 * Trimmed text of min..max characters that is well-formed Unicode: a lone surrogate would be
 * stored as U+FFFD, so what was stored would differ from what was sent.
 */
export function wellFormedText(max: number, min = 1) {
  return z.string().trim().min(min).max(max).refine((s) => s.isWellFormed(), NOT_WELL_FORMED)
}
