import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

let t: TestApp
beforeEach(async () => { t = await testApp() })
afterEach(async () => { await t.close() })

const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/reports', payload: body as object })
const paths = (res: { json(): unknown }) => (res.json() as { problems: { path: string }[] }).problems.map((p) => p.path)

describe('victims by sex and age', () => {
  it('stores a breakdown that adds up to each group\'s total', async () => {
    const casualties = {
      killed: { civilian: 3, un: { military: 1 }, breakdown: { civilian: { female: { adult: 1, child: 1 }, unknown: { unknown: 1 } }, un: { male: { adult: 1 } } } },
      abducted: { civilian: 2, breakdown: { civilian: { female: { child: 2 } } } },
    }
    const res = await post(report({ casualties }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report.casualties.killed.breakdown.civilian).toEqual({ female: { adult: 1, child: 1 }, unknown: { unknown: 1 } })
    expect(res.json().report.casualties.abducted.breakdown).toEqual({ civilian: { female: { child: 2 } } })
  })

  it('answers a breakdown that disagrees with its total with a 400 naming every group that disagrees', async () => {
    const res = await post(report({
      casualties: {
        killed: { civilian: 3, breakdown: { civilian: { female: { adult: 1 } } } },
        injured: { un: { police: 2 }, breakdown: { un: { male: { adult: 1 } } } },
        abducted: { other: 0, breakdown: { other: { male: { child: 1 } } } },
      },
    }))
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VIGIL_VALIDATION')
    expect(paths(res).sort()).toEqual(['casualties.abducted.breakdown.other', 'casualties.injured.breakdown.un', 'casualties.killed.breakdown.civilian'])
    const msg = res.json().problems.find((p: { path: string }) => p.path === 'casualties.killed.breakdown.civilian').message
    expect(msg).toContain('adds up to 1 but casualties.killed.civilian is 3')
  })

  const bad: [string, unknown, string][] = [
    ['an unknown sex', { killed: { civilian: 1, breakdown: { civilian: { woman: { adult: 1 } } } } }, 'casualties.killed.breakdown.civilian.woman'],
    ['an unknown age group', { killed: { civilian: 1, breakdown: { civilian: { female: { elderly: 1 } } } } }, 'casualties.killed.breakdown.civilian.female.elderly'],
    ['a negative cell', { killed: { civilian: 0, breakdown: { civilian: { female: { adult: -1 } } } } }, 'casualties.killed.breakdown.civilian.female.adult'],
    ['a fractional cell', { injured: { civilian: 1, breakdown: { civilian: { male: { child: 0.5 } } } } }, 'casualties.injured.breakdown.civilian.male.child'],
    ['an unknown victim group', { killed: { civilian: 1, breakdown: { police: { male: { adult: 1 } } } } }, 'casualties.killed.breakdown.police'],
  ]
  for (const [name, casualties, path] of bad) {
    it(`rejects ${name} with a 400 naming ${path}`, async () => {
      const res = await post(report({ casualties }))
      expect(res.statusCode).toBe(400)
      expect(paths(res)).toContain(path)
    })
  }

  it('keeps a report without a breakdown exactly as before', async () => {
    const res = await post(report({ casualties: { killed: { civilian: 2 } } }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report.casualties.killed).toEqual({ un: { military: 0, police: 0, civilian: 0 }, civilian: 2, other: 0 })
    expect(res.json().report).not.toHaveProperty('sensitivity')
    expect(res.json().report).not.toHaveProperty('casevac')
  })
})

describe('source channel', () => {
  it('stores the channel a report came through', async () => {
    const res = await post(report({ source: { channel: 'female-engagement-team' } }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report.source.channel).toBe('female-engagement-team')
  })

  it('rejects an unknown channel with a 400 naming source.channel', async () => {
    const res = await post(report({ source: { channel: 'carrier-pigeon' } }))
    expect(res.statusCode).toBe(400)
    expect(paths(res)).toEqual(['source.channel'])
  })
})

describe('sensitivity and releasability', () => {
  it('stores the sensitivity and the organisations the report is released to', async () => {
    const res = await post(report({ sensitivity: 'public', releasableTo: ['ocha', 'unicef'] }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report).toMatchObject({ sensitivity: 'public', releasableTo: ['ocha', 'unicef'] })
  })

  it('rejects an unknown sensitivity and a malformed organisation', async () => {
    const res = await post(report({ sensitivity: 'secret', releasableTo: ['OCHA Bangui'] }))
    expect(res.statusCode).toBe(400)
    expect(paths(res).sort()).toEqual(['releasableTo.0', 'sensitivity'])
  })

  it('refuses to release a restricted report to partners, alongside any other problem', async () => {
    const res = await post(report({ sensitivity: 'restricted', releasableTo: ['ocha'], category: 'NOPE' }))
    expect(res.statusCode).toBe(400)
    expect(paths(res).sort()).toEqual(['category', 'releasableTo'])
    const restricted = await post(report({ sensitivity: 'restricted', releasableTo: [] }))
    expect(restricted.statusCode).toBe(201)
  })
})

describe('CASEVAC timings', () => {
  const casevac = { injuredAt: '2026-03-01T08:00:00Z', lifeSupportAt: '2026-03-01T08:40:00Z', surgeryAt: '2026-03-01T09:50:00Z', evacuatedAt: '2026-03-01T09:30:00Z' }

  it('stores the timings of an evacuation', async () => {
    const res = await post(report({ casualties: { injured: { un: { military: 1 } } }, casevac }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report.casevac).toEqual(casevac)
  })

  const bad: [string, Record<string, unknown>, string[]][] = [
    ['life support before the injury', { lifeSupportAt: '2026-03-01T07:59:00Z' }, ['casevac.lifeSupportAt']],
    ['surgery before life support', { surgeryAt: '2026-03-01T08:30:00Z' }, ['casevac.surgeryAt']],
    ['evacuation completed before the injury', { evacuatedAt: '2026-03-01T07:00:00Z' }, ['casevac.evacuatedAt']],
    ['no time of injury', { injuredAt: undefined }, ['casevac.injuredAt']],
    ['a time without time zone', { surgeryAt: '2026-03-01T10:00:00' }, ['casevac.surgeryAt']],
    ['an unknown timing', { arrivedAt: '2026-03-01T10:00:00Z' }, ['casevac.arrivedAt']],
    ['a timing in the future', { evacuatedAt: '2026-03-09T10:00:00Z' }, ['casevac.evacuatedAt']],
  ]
  for (const [name, over, expected] of bad) {
    it(`rejects ${name} with a 400 naming ${expected.join(', ')}`, async () => {
      const body = { ...casevac, ...over }
      for (const [k, v] of Object.entries(over)) if (v === undefined) delete (body as Record<string, unknown>)[k]
      const res = await post(report({ casevac: body }))
      expect(res.statusCode).toBe(400)
      expect(paths(res)).toEqual(expected)
    })
  }
})
