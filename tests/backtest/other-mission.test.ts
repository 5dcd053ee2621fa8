import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { taxonomy } from '../helpers/test-app.js'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'
import { DEFAULT_MISSIONS } from '../../src/config.js'
import { runCalibration } from '../../src/backtest/calibration-run.js'
import { runBacktest } from '../../src/backtest/backtest-run.js'
import { backtestCommand } from '../../src/cli/backtest-command.js'
import { checkRuleDir } from '../../src/rules/rule-registry.js'

/**
 * The standard library on another mission's data, with no gazetteer for it: the hand-made UNMISS
 * stream of tests/fixtures/other-mission/README.md (15 UCDP-shaped events, South Sudan, 2011-2012,
 * admin1 names only). Areas are the five states the reports name. Scored from UNMISS's deployment
 * (2011-07-09); training to 2012-06-30 (358 days, 1790 area-days), validation 2012-07-01 to
 * 2012-12-31 (184 days, 920 area-days); outcomes `* killed>=5`.
 *
 * ARM-005 as it is (operational medium at two clashes with state forces in a state within 30
 * days, expiring 30 days after the last):
 *   training: Jonglei raised 2011-07-15 (the warm-up clash of 06-20 and this one), covers 07-16 to
 *     08-13 (29 days); Unity raised 10-05, covers 10-06 to 11-03 (29). Outcomes: Jonglei 08-01
 *     detected (lead 17), Upper Nile 09-10 missed, Unity 11-20 missed (the alert expired 11-04).
 *     POD 1/3, 58 of 1790 area-days, lift (1/3)/(58/1790) = 10.29.
 *   validation: Upper Nile raised 2012-08-10 by the outcome itself (so that one is not detected: no
 *     self-prediction), covers 08-11 to 09-08 (29); the killing of 08-25 there is detected (lead
 *     15); Central Equatoria 10-01 missed. POD 1/3, 29 of 920, lift 10.57.
 */
const UNMISS = path.join(ROOT, 'tests/fixtures/other-mission/hand-made-unmiss-15-events-arm005-detects-1-of-3-each-period.csv')
const base = {
  reports: { kind: 'file' as const, file: UNMISS, format: 'ucdp-ged' as const }, rulesDir: STANDARD_RULES_DIR, taxonomy, missions: DEFAULT_MISSIONS,
  mission: 'UNMISS', to: '2012-12-31', split: '2012-07-01', outcomeSpecs: ['* killed>=5'], draws: 100, bootstrap: 100, seed: 1,
}

describe('another mission, no gazetteer: areas from the reports, scored from its deployment', () => {
  it('vigil calibrate measures a standard indicator on it, with the hand-worked answer', async () => {
    const c = await runCalibration({ ...base, indicators: ['ARM-005'], sweeps: [] })
    expect(c).toMatchObject({ scale: 'admin1-day', training: { from: '2011-07-09', to: '2012-06-30' }, validation: { from: '2012-07-01', to: '2012-12-31' } })
    const training = c.settings[0]!.row!.rules
    expect(training).toMatchObject({ steps: 1790, outcomes: 3, detected: 1, underWarning: 58, leadTimeDays: { median: 17 } })
    expect(training.lift).toBeCloseTo((1 / 3) / (58 / 1790), 10)
    expect(c.chosenValidation.rules).toMatchObject({ steps: 920, outcomes: 3, detected: 1, underWarning: 29, leadTimeDays: { median: 15 } })
    expect(c.chosenValidation.rules.lift).toBeCloseTo((1 / 3) / (29 / 920), 10)
  })

  it('vigil backtest replays the whole standard library on it without a crash and says what it cannot do', async () => {
    const out = { text: '', write(s: string) { out.text += s; return true } }
    const err = { text: '', write(s: string) { err.text += s; return true } }
    const code = await backtestCommand(['--reports', UNMISS, '--format', 'ucdp-ged', '--rules', STANDARD_RULES_DIR, '--mission', 'UNMISS',
      '--to', '2012-12-31', '--split', '2012-07-01', '--outcomes-from', 'reports', '--outcome', '* killed>=5', '--draws', '50', '--bootstrap', '50'],
    out, err, { isTTY: false, write: () => true } as never)
    expect(code).toBe(0)
    expect(err.text).toBe('no gazetteer for UNMISS (VIGIL_GAZETTEER_DIR): areas are the admin1 names or P-codes the reports give; '
      + 'no report is placed at a UN site by its coordinates and no area has neighbours, so indicators on UN sites see only reports that name their site, '
      + 'and those on bordering areas cannot fire\n')
    expect(out.text).toContain('scored from 2011-07-09, when UNMISS deployed; the days before are warm-up')
    // Five states, also those that never saw a warning or an outcome (Western Equatoria): 5 x 358 area-days of training.
    const r = await runBacktest(base)
    const training = r.summary.skill[0]!.periods.find((p) => p.name === 'training')!.byArea!.find((x) => x.scale === 'day')!
    expect(training.rules).toMatchObject({ steps: 1790, outcomes: 3 })
    expect(r.summary.skill[0]).toMatchObject({ events: 6, placed: 6 })
    // The event with no admin1 (a country-level killing) is replayed, and simply has no area.
    expect(r.summary.reports).toMatchObject({ read: 15, rejected: 0 })
  })

  it('a mission missing from the table of deployments is scored from its first report, and says so', async () => {
    const err = { text: '', write(s: string) { err.text += s; return true } }
    const out = { text: '', write(s: string) { out.text += s; return true } }
    const code = await backtestCommand(['--reports', UNMISS, '--format', 'ucdp-ged', '--rules', STANDARD_RULES_DIR, '--mission', 'UNXYZ',
      '--to', '2012-12-31', '--outcomes-from', 'reports', '--outcome', '* killed>=5', '--draws', '20', '--bootstrap', '20'], out, err, { isTTY: false, write: () => true } as never)
    expect(code).toBe(0)
    expect(err.text).toContain("UNXYZ is not in the table of deployments (src/backtest/mission-periods.ts): scored from the first report's day")
    expect(out.text).toMatch(/^UNXYZ 2011-06-20 to 2012-12-31: 15 reports replayed/)
  })
})

describe('the standard library names no place, actor or count of one mission', () => {
  it('no rule logic (taxonomy, match, scope, windows, thresholds) mentions a CAR prefecture, P-code, armed group or MINUSCA', () => {
    const { rules } = checkRuleDir(STANDARD_RULES_DIR, taxonomy)
    // The 17 prefectures (COD-AB names, accents dropped), their P-codes, the parties of the CAR conflict.
    const car = /\b(bangui|lobaye|sangha|mambere|kadei|nana|ouham|pende|kemo|gribizi|vakaga|bamingui|bangoran|kotto|mbomou|ombella|m'poko|ouaka|bambari|bria|seleka|balaka|upc|fprc|mpc|3r|cpc|lra|faca|minusca|cf\d\d|central african)\b/i
    for (const r of rules) {
      const { taxonomy: t, match, scope, window, trend, alerts, expires, maxDuration } = r.rule
      const logic = JSON.stringify({ t, match, scope, window, trend, when: alerts.map((a) => a.when), expires, maxDuration }).normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      expect(logic, r.file).not.toMatch(car)
    }
  })
})
