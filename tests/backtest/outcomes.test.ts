import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../src/paths.js'
import { fatalIncidents, readFatalIncidents } from '../../src/backtest/outcomes.js'

const FILE = path.join(ROOT, 'tests/fixtures/fatalities/un-peacekeeping-fatalities-minusca-2014-2015.csv')

describe('fatal incidents from the UN peacekeeping fatalities file', () => {
  it('keeps the mission\'s "Malicious Act" rows and groups them by date', () => {
    const { incidents, undated } = readFatalIncidents(FILE, 'MINUSCA')
    expect(incidents.map((i) => `${i.date} ${i.fatalities}`)).toEqual([
      '2014-10-09 1', '2015-02-08 1', '2015-08-02 1', '2015-08-08 7', '2015-10-06 1', '2015-11-10 1',
    ])
    expect(incidents[3]!.day).toBe(Date.UTC(2015, 7, 8))
    expect(undated).toBe(0)
  })

  it('gives another mission its own rows only', () => {
    expect(readFatalIncidents(FILE, 'MINUSMA').incidents.map((i) => i.date)).toEqual(['2015-01-27', '2015-03-08', '2015-05-25'])
  })

  it('counts rows whose date cannot be read instead of guessing one', () => {
    const row = (incident_date: string) => ({ line: 2, values: { incident_date, mission_acronym: 'MINUSCA', type_of_incident: 'Malicious Act' } })
    expect(fatalIncidents([row('2015-02-30'), row(''), row('2015-03-01')], 'MINUSCA')).toEqual({
      incidents: [{ date: '2015-03-01', day: Date.UTC(2015, 2, 1), fatalities: 1 }], undated: 2,
    })
  })
})
