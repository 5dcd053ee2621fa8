import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testApp, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'

let t: TestApp
beforeEach(async () => { t = await testApp() })
afterEach(async () => { await t.close() })

const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/reports', payload: body as object })

describe('POST /reports', () => {
  it('stores a report classified against the taxonomy and returns it', async () => {
    const res = await post(report())
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body.report).toMatchObject({ id: 'MINUSMA-2026-000001', category: 'HOS.IED', categoryTerm: 'HOS.IED', revision: 1, status: 'active' })
    expect(body.report.casualties.killed.un).toEqual({ military: 0, police: 0, civilian: 0 })
    const got = await t.app.inject({ method: 'GET', url: '/reports/MINUSMA-2026-000001' })
    expect(got.statusCode).toBe(200)
    expect(got.json().report.category).toBe('HOS.IED')
    expect(got.json().history).toHaveLength(1)
  })

  it('resolves a mission alias and keeps the original term', async () => {
    const res = await post(report({ category: 'eei', categories: ['Embuscade'] }))
    expect(res.statusCode).toBe(201)
    expect(res.json().report).toMatchObject({ category: 'HOS.IED', categoryTerm: 'eei', categories: ['HOS.DIRECT'], categoryTerms: ['Embuscade'] })
  })

  it('answers an unknown category with a 400 that lists the closest codes', async () => {
    const res = await post(report({ category: 'HOS.IDE' }))
    expect(res.statusCode).toBe(400)
    const p = res.json().problems[0]
    expect(p.path).toBe('category')
    expect(p.detail.closest).toContain('HOS.IED')
  })
})
