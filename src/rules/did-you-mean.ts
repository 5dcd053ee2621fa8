import { editDistance } from '../taxonomy/closest.js'

/**
 * " (did you mean 'x'?)" for the known name closest to a misspelt one, when it is close enough
 * to be a typo; '' otherwise. Rule files are written by hand, and most mistakes are spelling.
 */
export function didYouMean(name: string, known: Iterable<string>): string {
  let best: { k: string; d: number } | null = null
  for (const k of known) {
    const d = editDistance(name, k)
    if (!best || d < best.d) best = { k, d }
  }
  return best && best.d > 0 && best.d <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean '${best.k}'?)` : ''
}
