import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, taxonomy, type TestApp } from '../helpers/test-app.js'
import { report } from '../helpers/reports.js'
import { buildTaxonomy, TaxonomyError } from '../../src/taxonomy/taxonomy.js'

let t: TestApp
beforeAll(async () => { t = await testApp() })
afterAll(async () => { await t.close() })

const codes = [...taxonomy.codes.keys()]

describe('the harmonized taxonomy', () => {
  it('has the eight top categories, safety and health included, each with its subcategories', () => {
    expect([...taxonomy.tops.keys()].sort()).toEqual(['ARM', 'COM', 'CRM', 'HLT', 'HOS', 'POC', 'SAF', 'UNR'])
    expect(codes).toEqual(expect.arrayContaining(['HOS.IED', 'POC.KILL', 'SAF.ROAD', 'HLT.OUTBREAK', 'HLT.MENTAL', 'ARM.AGREEMENT']))
    expect(taxonomy.codes.get('ARM.AGREEMENT')!.polarity).toBe('mitigating')
    expect(taxonomy.codes.get('HOS.IED')!.fatalityCause).toBe('Malicious Act')
    expect(taxonomy.codes.get('SAF.ROAD')!.fatalityCause).toBe('Accident')
    expect(taxonomy.codes.get('HLT.OUTBREAK')!.fatalityCause).toBe('Illness')
  })

  it('GET /taxonomy returns the tree with its version', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/taxonomy' })
    expect(res.statusCode).toBe(200)
    expect(res.json().version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(res.json().categories).toHaveLength(8)
  })

  it.each(codes)('resolves %s over HTTP and accepts a report classified with it', async (code) => {
    const res = await t.app.inject({ method: 'GET', url: `/taxonomy/${code}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ code, level: 'sub' })
    expect(res.json().definition.length).toBeGreaterThan(10)
    const post = await t.app.inject({ method: 'POST', url: '/reports', payload: report({ id: `TAX-${code}`, category: code.toLowerCase() }) })
    expect(post.statusCode).toBe(201)
    expect(post.json().report.category).toBe(code)
  })

  it('returns a top category, and aliases with a subcategory', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/taxonomy/HOS' })).json()).toMatchObject({ code: 'HOS', level: 'top' })
    const ied = (await t.app.inject({ method: 'GET', url: '/taxonomy/HOS.IED' })).json()
    expect(ied.aliases.MINUSMA).toContain('eei')
  })

  it('answers an unknown code with a 404 and the closest codes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/taxonomy/HOS.IDE' })
    expect(res.statusCode).toBe(404)
    expect(res.json().closest).toContain('HOS.IED')
  })

  it('refuses an alias file that points to an unknown code', () => {
    const file = { version: '1.0.0', categories: [...taxonomy.categories] }
    expect(() => buildTaxonomy(file, [{ name: 'aliases/X.yaml', data: { mission: 'X', aliases: { foo: 'HOS.NOPE' } } }])).toThrow(TaxonomyError)
  })
})
