import { describe, expect, it } from 'vitest'
import { taxonomy, writeRules } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { IED_CLUSTER } from '../helpers/test-rules.js'
import { replay } from '../../src/evaluate/replay.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'
import { buildRuleSet } from '../../src/rules/rule-set.js'
import { classifyReport, type Report } from '../../src/reports/report.js'
import { reportInputSchema } from '../../src/reports/report-schema.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'

const checked = checkRuleDir(writeRules({ 'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER }), taxonomy)
const set = buildRuleSet(checked.rules, checked.version, 0)

function classified(over: Record<string, unknown>): Report {
  const out = classifyReport(reportInputSchema.parse(report(over)), { taxonomy, missions: DEFAULT_MISSIONS, now: Date.parse('2030-01-01T00:00:00Z') })
  if ('problems' in out) throw new Error(JSON.stringify(out.problems))
  return out.report
}

const ied = (id: string, day: string, over: Record<string, unknown> = {}) => classified({ id, occurredAt: `2026-03-${day}T08:00:00Z`, ...over })

describe('replay (reports in, alerts and every alert change out)', () => {
  it('evaluates an array in occurredAt order with the clock at each report, then sweeps at `until`', async () => {
    const out = await replay({
      reports: [ied('R3', '05'), ied('R1', '01'), ied('R2', '03')],
      set, taxonomy, missions: DEFAULT_MISSIONS, until: Date.parse('2026-03-25T00:00:00Z'),
    })
    expect(out.replayed).toBe(3)
    expect(out.changes.map((c) => `${c.kind} ${c.level} ${c.grade} ${c.inputIds.join(',')}`)).toEqual([
      'raised tactical medium R2', 'escalated operational high R3', 'expired operational high ',
    ])
    // Raised when R2 happened; expired 14 days after the last input, at that moment as the live
    // expiry timer would end it, not when the final sweep came round.
    expect(out.changes[0]!.at).toBe(Date.parse('2026-03-03T08:00:00Z'))
    expect(out.changes[2]!.at).toBe(Date.parse('2026-03-19T08:00:00Z'))
    expect(out.alerts).toHaveLength(1)
    expect(out.alerts[0]).toMatchObject({ status: 'expired', count: 3, ruleSetVersion: set.version })
    expect(out.inputs.get(out.alerts[0]!.id)).toEqual(['R1', 'R2', 'R3'])
  })

  it('keeps compact change records unless snapshots are asked for, the same changes either way', async () => {
    const reports = [ied('R3', '05'), ied('R1', '01'), ied('R2', '03')]
    const until = Date.parse('2026-03-25T00:00:00Z')
    const compact = await replay({ reports, set, taxonomy, missions: DEFAULT_MISSIONS, until })
    const full = await replay({ reports, set, taxonomy, missions: DEFAULT_MISSIONS, until, snapshots: true })
    expect(compact.changes.every((c) => !('alert' in c))).toBe(true)
    expect(full.changes.map(({ alert: _a, ...record }) => record)).toEqual(compact.changes)
    // A record says what the snapshot says of the alert after the change.
    for (const c of full.changes) {
      expect(c).toMatchObject({ indicatorId: c.alert.indicatorId, level: c.alert.level, grade: c.alert.grade, status: c.alert.status, summary: c.alert.summary, identity: c.alert.identity, scope: c.alert.scope })
    }
    expect(full.changes.map((c) => c.status)).toEqual(['open', 'open', 'expired'])
  })

  it('without `until`, leaves the alerts as they stood at the last report', async () => {
    const out = await replay({ reports: [ied('R1', '01'), ied('R2', '03')], set, taxonomy, missions: DEFAULT_MISSIONS })
    expect(out.alerts.map((a) => a.status)).toEqual(['open'])
  })

  it('reports a refused report instead of stopping, and stores a repeated identical one once', async () => {
    const out = await replay({
      reports: [ied('R1', '01'), ied('R1', '01'), ied('R1', '02', { narrative: 'other content' }), ied('R2', '03')],
      set, taxonomy, missions: DEFAULT_MISSIONS,
    })
    expect(out.replayed).toBe(2)
    expect(out.rejected).toEqual([{ id: 'R1', message: expect.stringContaining("report 'R1' already exists with different content") }])
    expect(out.alerts.map((a) => a.count)).toEqual([2])
  })

  it('refuses a stream out of occurredAt order rather than moving the clock backwards', async () => {
    function* stream() {
      yield ied('R2', '03')
      yield ied('R1', '01')
    }
    await expect(replay({ reports: stream(), set, taxonomy, missions: DEFAULT_MISSIONS })).rejects.toThrow('replay input out of order: R1')
  })
})
