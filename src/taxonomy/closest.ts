/** Edit distance between two strings (Levenshtein), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const cur = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
    }
    prev = cur
  }
  return prev[t.length]!
}

/**
 * The `n` distinct codes whose keys are closest to `term`. A key that contains the term (or the
 * reverse) ranks first, so "ied" finds HOS.IED and ARM.IEDACT before near-misses by spelling.
 */
export function closestBy(term: string, candidates: { key: string; code: string }[], n: number): string[] {
  const q = term.trim().toLowerCase()
  const scored = candidates.map(({ key, code }) => {
    const k = key.toLowerCase()
    const contains = q.length >= 2 && (k.includes(q) || q.includes(k))
    return { code, score: (contains ? 0 : 1000) + editDistance(q, k) }
  })
  scored.sort((x, y) => x.score - y.score || x.code.localeCompare(y.code))
  const out: string[] = []
  for (const { code } of scored) {
    if (!out.includes(code)) out.push(code)
    if (out.length === n) break
  }
  return out
}
