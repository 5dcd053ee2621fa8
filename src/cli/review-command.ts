import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openStore } from '../storage/store.js'
import { createPerformanceRepo } from '../storage/performance-repo.js'
import { indicatorPerformance, REVIEW_THRESHOLDS, type Spread } from '../alerts/indicator-performance.js'

type Out = { write(s: string): unknown }

export const REVIEW_USAGE = `usage: vigil review [--from <ISO date>] [--to <ISO date>] [--mission <code> ...]
                    [--false-alarm-share 0.5] [--overdue-share 0.3] [--min-alerts 3]
For HQ's periodic indicator review: per indicator with alerts raised in the period (default: the
last 90 days), the alerts raised, time to acknowledge and to first action (median / 90th
percentile, minutes), the share overdue and the dispositions; indicators whose false-alarm or
overdue share reaches the limit are flagged. Reads VIGIL_DB (default ./data/vigil.db).
`

const DAY_MS = 86_400_000
const mins = (s: Spread) => (s.median === null ? '-' : `${s.median} / ${s.p90}`)
const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`)

/** `vigil review`: the same figures as GET /indicators/:id/performance, for every indicator. */
export function reviewCommand(argv: string[], out: Out, err: Out, env: Record<string, string | undefined> = process.env, now = Date.now()): number {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' }, to: { type: 'string' }, mission: { type: 'string', multiple: true },
        'false-alarm-share': { type: 'string' }, 'overdue-share': { type: 'string' }, 'min-alerts': { type: 'string' },
      },
    }).values
  } catch (e) {
    err.write(`${(e as Error).message}\n${REVIEW_USAGE}`)
    return 2
  }
  const to = values.to ? Date.parse(values.to) : now
  const from = values.from ? Date.parse(values.from) : to - 90 * DAY_MS
  const limits = {
    falseAlarmShare: Number(values['false-alarm-share'] ?? REVIEW_THRESHOLDS.falseAlarmShare),
    overdueShare: Number(values['overdue-share'] ?? REVIEW_THRESHOLDS.overdueShare),
    minAlerts: Number(values['min-alerts'] ?? REVIEW_THRESHOLDS.minAlerts),
  }
  if (![from, to, limits.falseAlarmShare, limits.overdueShare, limits.minAlerts].every(Number.isFinite) || from > to) {
    err.write(`bad period or limit\n${REVIEW_USAGE}`)
    return 2
  }
  const missions = values.mission?.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean)
  const config = loadConfig(env)
  const store = openStore(config.dbPath, { synchronous: config.synchronous })
  try {
    const rows = createPerformanceRepo(store.reader).rows({ from, to, ...(missions?.length ? { missions } : {}) })
    const ids = [...new Set(rows.map((r) => r.indicatorId))]
    out.write(`Indicator review, ${new Date(from).toISOString().slice(0, 10)} to ${new Date(to).toISOString().slice(0, 10)}, ${missions?.length ? missions.join(', ') : 'all missions'}: ${rows.length} alert(s)\n\n`)
    const header = ['indicator', 'alerts', 'ack min (median / p90)', 'first action min (median / p90)', 'overdue', 'false alarms', 'useful', 'too-late', 'false-alarm', 'duplicate', 'not-actionable', 'none']
    const lines = [header]
    const flagged: string[] = []
    for (const id of ids) {
      const p = indicatorPerformance(rows.filter((r) => r.indicatorId === id), limits)
      const d = p.dispositions
      lines.push([id, String(p.alerts), mins(p.timeToAcknowledge), mins(p.timeToFirstAction), pct(p.overdue.share), pct(p.falseAlarmShare),
        ...[d.useful, d['too-late'], d['false-alarm'], d.duplicate, d['not-actionable'], d.none].map(String)])
      for (const f of p.flags) flagged.push(`  ${id}: ${f}`)
    }
    const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)))
    for (const l of lines) out.write(`${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`)
    out.write(flagged.length === 0 ? '\nNo indicator flagged.\n' : `\nFlagged for review (${flagged.length}):\n${flagged.join('\n')}\n`)
    return 0
  } finally {
    store.close()
  }
}
