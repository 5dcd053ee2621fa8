import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy, tempDir, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { CLASHES, IED_CLUSTER, PER_INCIDENT } from '../helpers/test-rules.js'
import { manualClock } from '../../src/clock.js'
import { createServices } from '../../src/services.js'
import { openStore } from '../../src/storage/store.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { replay } from '../../src/evaluate/replay.js'
import { classifyReport, type Report } from '../../src/reports/report.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import type { AlertChange } from '../../src/storage/alerts-repo.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

const HOUR = 3_600_000
const checked = checkRuleDir(writeRules({
  'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER,
  'hostile-acts/HOS-103-per-incident.yaml': PER_INCIDENT,
  'inter-communal/COM-101-clashes.yaml': CLASHES,
}), taxonomy)
const set = buildRuleSet(checked.rules, checked.version, 0)

function classified(id: string, occurredAt: string, over: Record<string, unknown> = {}): Report {
  const out = classifyReport(reportInputSchema.parse(report({ id, occurredAt, ...over })), { taxonomy, missions: DEFAULT_MISSIONS, now: Date.parse('2030-01-01T00:00:00Z') })
  if ('problems' in out) throw new Error(JSON.stringify(out.problems))
  return out.report
}

const clash = (id: string, occurredAt: string) => classified(id, occurredAt, { category: 'COM.CLASH', location: { route: undefined } })
const REPORTS = [
  classified('R1', '2026-03-01T08:00:00Z'),
  classified('R2', '2026-03-03T08:00:00Z'),
  clash('C1', '2026-03-04T06:00:00Z'),
  classified('R3', '2026-03-05T08:00:00Z'),
  clash('C2', '2026-03-06T06:00:00Z'),
  clash('C3', '2026-03-07T06:00:00Z'),
  classified('R4', '2026-04-02T08:00:00Z'),
]
const START = Date.parse('2026-03-01T00:00:00Z')
const END = Date.parse('2026-04-20T00:00:00Z')

/**
 * The service as it runs live, simulated: the expiry timer sweeps every hour (the service
 * sweeps every minute; whole hours suffice here, as every expiry falls on one), and each report
 * arrives the moment it happened.
 */
async function live(): Promise<AlertChange[]> {
  const store = openStore(path.join(tempDir(), 'live.db'), { synchronous: 'NORMAL' })
  const clock = manualClock(START)
  const services = createServices({ store, taxonomy, missions: DEFAULT_MISSIONS, rules: { current: () => set }, clock })
  try {
    for (let t = START; t <= END; t += HOUR) {
      clock.set(t)
      await services.sweep()
      for (const r of REPORTS.filter((x) => Date.parse(x.occurredAt) === t)) await services.ingest.createClassified(r)
    }
    return services.alerts.all().flatMap((a) => services.alerts.history(a.id)).sort((a, b) => a.seq - b.seq)
  } finally {
    await services.queue.close()
    store.close()
  }
}

const view = (c: AlertChange) => `${c.seq} ${new Date(c.at).toISOString()} ${c.kind} ${c.alert.indicatorId} ${c.alert.level} ${c.alert.grade} ${c.alert.status}`

describe('the replay\'s simulated clock', () => {
  it('makes alerts expire in the replay exactly when they would have expired live', async () => {
    const [expected, replayed] = await Promise.all([live(), replay({ reports: REPORTS, set, taxonomy, missions: DEFAULT_MISSIONS, until: END, snapshots: true })])
    expect(replayed.changes.map(view)).toEqual(expected.map(view))
    // Expiries fall between reports, where no report could have triggered them: the IED cluster
    // 14 days after R3, the clashes alert 7 days after C3, the incident alerts 7 days after each.
    const expiries = replayed.changes.filter((c) => c.kind === 'expired').map((c) => `${new Date(c.at).toISOString()} ${c.alert.indicatorId}`)
    expect(expiries).toContain('2026-03-19T08:00:00.000Z HOS-101')
    expect(expiries).toContain('2026-03-14T06:00:00.000Z COM-101')
    expect(expiries).toContain('2026-03-12T08:00:00.000Z HOS-103')
    expect(expiries).toContain('2026-04-09T08:00:00.000Z HOS-103')
  })
})
