/** A valid report with sensible defaults; `over` replaces fields (objects merged one level deep). */
export function report(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: 'MINUSMA-2026-000001',
    mission: 'MINUSMA',
    occurredAt: '2026-03-01T08:00:00Z',
    location: { lat: 16.2667, lon: -0.0447, precision: 'exact', admin1: 'Gao', admin2: 'Gao', route: 'MSR-1' },
    category: 'HOS.IED',
    source: { reliability: 'B', credibility: 2, sourceId: 'patrol-report' },
    narrative: 'IED strike on a logistics convoy.',
  }
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = base[k]
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? { ...(b as object), ...(v as object) } : v
  }
  return out
}

let counter = 0
/** A fresh report id, unique within the test run. */
export function nextId(prefix = 'MINUSMA-2026-'): string {
  counter += 1
  return `${prefix}${String(counter).padStart(6, '0')}`
}
