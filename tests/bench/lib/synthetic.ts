/**
 * Synthetic but realistic incident reports for the benchmarks: a seeded PRNG, three missions
 * (MINUSMA, MINUSCA, MONUSCO) with 30 admin2 areas at their real coordinates, routes and sites,
 * every taxonomy category weighted by how often missions report it, mission aliases now and then,
 * casualties mostly 0, Admiralty grades spread, and a ~1 KB JSON body.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { ALIASES_DIR } from '../../../src/paths.js'
import { reportInputSchema } from '../../../src/reports/report-schema.js'
import { classifyReport, type Report } from '../../../src/reports/report.js'
import type { Taxonomy } from '../../../src/taxonomy/taxonomy.js'

/** sfc32: small, fast, good enough for workloads; seeded so every run sees the same data. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed
  let b = 0x243f6a88 ^ (seed * 31)
  let c = 0xb7e15162 ^ (seed * 131)
  let d = 0xdeadbeef ^ (seed * 1031)
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    let t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    t = (t + d) | 0
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 16; i++) next()
  return next
}

export type Rng = () => number

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!

export function weighted<T>(items: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const total = items.reduce((s, [, w]) => s + w, 0)
  const cum: number[] = []
  let acc = 0
  for (const [, w] of items) { acc += w / total; cum.push(acc) }
  return (rng) => {
    const x = rng()
    for (let i = 0; i < cum.length; i++) if (x < cum[i]!) return items[i]![0]
    return items[items.length - 1]![0]
  }
}

interface Area {
  mission: string
  admin1: string
  admin2: string
  lat: number
  lon: number
  routes: string[]
  sites: string[]
  /** Relative incident intensity (hotspots report more). */
  weight: number
}

const A = (mission: string, admin1: string, admin2: string, lat: number, lon: number, routes: string[], sites: string[], weight: number): Area =>
  ({ mission, admin1, admin2, lat, lon, routes, sites, weight })

/** 30 admin2 areas: 10 in Mali (MINUSMA), 10 in CAR (MINUSCA), 10 in eastern DRC (MONUSCO). */
export const AREAS: readonly Area[] = [
  A('MINUSMA', 'Gao', 'Gao', 16.27, -0.04, ['MSR-1', 'RN15'], ['Camp Gao', 'Gao Airport'], 5),
  A('MINUSMA', 'Gao', 'Ansongo', 15.66, 0.5, ['RN17'], ['Camp Ansongo'], 3),
  A('MINUSMA', 'Gao', 'Bourem', 16.95, -0.35, ['MSR-1'], ['Camp Bourem'], 2),
  A('MINUSMA', 'Kidal', 'Kidal', 18.44, 1.41, ['MSR-1'], ['Camp Kidal', 'Kidal Airfield'], 4),
  A('MINUSMA', 'Kidal', 'Tessalit', 20.2, 1.01, ['MSR-1'], ['Camp Tessalit', 'Amachach Airfield'], 2),
  A('MINUSMA', 'Tombouctou', 'Tombouctou', 16.77, -3.01, ['RN32'], ['Camp Tombouctou', 'Tombouctou Airport'], 3),
  A('MINUSMA', 'Tombouctou', 'Goundam', 16.41, -3.67, ['RN32'], ['Goundam COB'], 1),
  A('MINUSMA', 'Mopti', 'Mopti', 14.49, -4.2, ['RN16', 'RN6'], ['Camp Sevare', 'Mopti IDP Site'], 5),
  A('MINUSMA', 'Mopti', 'Bandiagara', 14.35, -3.61, ['RN15'], ['Bandiagara TOB'], 4),
  A('MINUSMA', 'Menaka', 'Menaka', 15.92, 2.4, ['RN20'], ['Camp Menaka'], 3),
  A('MINUSCA', 'Bangui', 'Bangui', 4.36, 18.56, ['MSR-1', 'RN2'], ['Camp M\'Poko', 'Bangui M\'Poko Airport'], 3),
  A('MINUSCA', 'Ouham', 'Bossangoa', 6.49, 17.45, ['RN1'], ['Bossangoa TOB'], 2),
  A('MINUSCA', 'Ouham-Pende', 'Paoua', 7.24, 16.44, ['RN1'], ['Paoua COB', 'Paoua IDP Site'], 3),
  A('MINUSCA', 'Haute-Kotto', 'Bria', 6.54, 21.99, ['RN5'], ['Bria COB', 'PK3 IDP Site'], 4),
  A('MINUSCA', 'Ouaka', 'Bambari', 5.76, 20.67, ['RN2', 'RN5'], ['Bambari COB', 'Elevage IDP Site'], 5),
  A('MINUSCA', 'Mbomou', 'Bangassou', 4.74, 22.82, ['RN2'], ['Bangassou TOB'], 3),
  A('MINUSCA', 'Nana-Mambere', 'Bouar', 5.93, 15.6, ['MSR-1'], ['Bouar COB'], 2),
  A('MINUSCA', 'Vakaga', 'Birao', 10.28, 22.79, ['RN8'], ['Birao TOB'], 2),
  A('MINUSCA', 'Basse-Kotto', 'Alindao', 5.03, 21.21, ['RN2'], ['Alindao IDP Site'], 2),
  A('MINUSCA', 'Haut-Mbomou', 'Obo', 5.4, 26.49, ['RN2'], ['Obo TOB'], 1),
  A('MONUSCO', 'Nord-Kivu', 'Beni', 0.49, 29.47, ['RN4'], ['Beni Base', 'Mavivi Base'], 6),
  A('MONUSCO', 'Nord-Kivu', 'Butembo', 0.14, 29.29, ['RN2'], ['Butembo COB'], 3),
  A('MONUSCO', 'Nord-Kivu', 'Rutshuru', -1.19, 29.45, ['RN2'], ['Rutshuru COB', 'Kiwanja IDP Site'], 4),
  A('MONUSCO', 'Nord-Kivu', 'Masisi', -1.4, 28.82, ['RP529'], ['Masisi COB'], 3),
  A('MONUSCO', 'Nord-Kivu', 'Goma', -1.68, 29.22, ['RN2'], ['Goma Base', 'Bulengo IDP Site'], 3),
  A('MONUSCO', 'Ituri', 'Djugu', 1.92, 30.5, ['RN27'], ['Djugu COB', 'Plaine Savo IDP Site'], 5),
  A('MONUSCO', 'Ituri', 'Irumu', 1.45, 29.87, ['RN27', 'RN4'], ['Bunia Base', 'Komanda TOB'], 4),
  A('MONUSCO', 'Ituri', 'Mambasa', 1.36, 29.05, ['RN4'], ['Mambasa TOB'], 2),
  A('MONUSCO', 'Sud-Kivu', 'Uvira', -3.37, 29.14, ['RN5'], ['Uvira COB'], 3),
  A('MONUSCO', 'Sud-Kivu', 'Fizi', -4.3, 28.94, ['RN5'], ['Baraka TOB'], 2),
]

export const MISSIONS = ['MINUSMA', 'MINUSCA', 'MONUSCO'] as const

/** Every taxonomy sub-code, weighted by how often missions report it. */
const CATEGORY_WEIGHTS: readonly (readonly [string, number])[] = [
  ['HOS.DIRECT', 3], ['HOS.IED', 3], ['HOS.INDIRECT', 2], ['HOS.COMPLEX', 0.3], ['HOS.ABDUCT', 0.3], ['HOS.OBSTRUCT', 2],
  ['POC.KILL', 5], ['POC.SGBV', 3], ['POC.ABDUCT', 3], ['POC.DISPLACE', 2], ['POC.INCITE', 1],
  ['ARM.CLASH', 7], ['ARM.TERRITORY', 1.5], ['ARM.REMOTE', 1], ['ARM.IEDACT', 2], ['ARM.MOBIL', 3], ['ARM.CEASEFIRE', 1], ['ARM.AGREEMENT', 0.5],
  ['COM.CLASH', 3], ['COM.REPRISAL', 1.5], ['COM.RESOURCE', 2], ['COM.TENSION', 2], ['COM.DIALOGUE', 0.5],
  ['CRM.ROBBERY', 5], ['CRM.BURGLARY', 2], ['CRM.KIDNAP', 2], ['CRM.TRAFFIC', 2], ['CRM.HOMICIDE', 2],
  ['UNR.PROTEST', 2], ['UNR.RIOT', 1], ['UNR.ANTIUN', 1], ['UNR.REPRESS', 1], ['UNR.POLITICAL', 0.5],
  ['SAF.ROAD', 5], ['SAF.AIR', 0.3], ['SAF.WEAPON', 1], ['SAF.NATURAL', 1], ['SAF.OCCUP', 1],
  ['HLT.OUTBREAK', 2], ['HLT.ENV', 1], ['HLT.MEDEVAC', 1], ['HLT.MENTAL', 0.5],
]
export const CATEGORIES = CATEGORY_WEIGHTS.map(([c]) => c)
const pickCategory = weighted(CATEGORY_WEIGHTS)
const pickArea = weighted(AREAS.map((a) => [a, a.weight] as const))
const pickReliability = weighted([['A', 1], ['B', 5], ['C', 6], ['D', 2], ['E', 1], ['F', 1]] as const)
const pickCredibility = weighted([[1, 1], [2, 5], [3, 5], [4, 2], [5, 1], [6, 1]] as const)

/** Mission aliases (schemas/aliases), used by ~5% of reports, as analysts do. */
function loadAliases(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const f of fs.readdirSync(ALIASES_DIR)) {
    const doc = parseYaml(fs.readFileSync(path.join(ALIASES_DIR, f), 'utf8')) as { mission: string; aliases: Record<string, string> }
    const byCode: Record<string, string> = {}
    for (const [term, code] of Object.entries(doc.aliases ?? {})) if (!(code in byCode)) byCode[code] = term
    out[doc.mission] = byCode
  }
  return out
}
const ALIASES = loadAliases()

const TARGETS_BY_TOP: Record<string, string[][]> = {
  HOS: [['UN_MIL'], ['UN_CONVOY'], ['UN_PREMISES'], ['UN_MIL', 'UN_CONVOY'], ['UN_POL'], ['UN_CIV']],
  POC: [['CIVILIAN'], ['CIVILIAN', 'HUMANITARIAN']],
  ARM: [['STATE_FORCES', 'ARMED_GROUP'], ['ARMED_GROUP'], ['STATE_FORCES'], ['CIVILIAN']],
  COM: [['CIVILIAN']],
  CRM: [['CIVILIAN'], ['HUMANITARIAN'], ['UN_CIV'], ['UN_CONVOY'], ['CIVILIAN']],
  UNR: [['STATE_FORCES'], ['UN_PREMISES'], ['CIVILIAN']],
  SAF: [['UN_MIL'], ['UN_CIV'], []],
  HLT: [['UN_MIL'], ['UN_POL'], []],
}
const ACTORS: Record<string, string[]> = {
  MINUSMA: ['JNIM', 'ISGS', 'CMA', 'Dan Na Ambassagou', 'FAMa'],
  MINUSCA: ['3R', 'UPC', 'FPRC', 'anti-Balaka', 'FACA'],
  MONUSCO: ['ADF', 'CODECO', 'M23', 'Mai-Mai', 'FARDC'],
}
const WEAPONS = ['small arms', 'RPG', 'mortar', 'IED', 'machete', 'rocket', 'grenade']
const PHRASES = [
  'Patrol reported the incident at first light and secured the area before the QRF arrived.',
  'Local sources and the community alert network confirmed the event; casualty figures are provisional.',
  'Movement on the axis was suspended for several hours while the route was checked.',
  'Armed elements were seen withdrawing towards the bush north of the village after the incident.',
  'The battalion requested aerial reconnaissance and a medical evacuation was considered.',
  'Civilians fled towards the nearest UN base and the humanitarian coordinator was informed.',
  'A checkpoint manned by unidentified armed men was extorting road tax from trucks and motorbikes.',
  'The JOC was informed and the sector commander ordered increased presence patrols for 72 hours.',
  'Reports remain partially unconfirmed pending a joint assessment mission to the location.',
  'Tensions between farmers and herders over access to water points have been rising for weeks.',
]

export interface SyntheticOptions {
  seed: number
  /** Report id prefix; ids are `<prefix>-<n>` (n zero-padded). */
  prefix: string
}

/** One report as an analyst posts it (the POST /reports body), at time `t` (epoch ms). */
export function makeReport(rng: Rng, id: string, t: number, latest = t): Record<string, unknown> {
  const area = pickArea(rng)
  const code = pickCategory(rng)
  const top = code.slice(0, 3)
  const jitter = () => (rng() - 0.5) * 0.3
  const loc: Record<string, unknown> = {
    lat: Math.round((area.lat + jitter()) * 1e4) / 1e4,
    lon: Math.round((area.lon + jitter()) * 1e4) / 1e4,
    precision: rng() < 0.7 ? 'exact' : 'near',
    admin1: area.admin1,
    admin2: area.admin2,
    place: `${area.admin2} ${pick(rng, ['centre', 'north', 'south', 'east', 'west', 'market', 'outskirts'])}`,
  }
  const onRoute = ['HOS.IED', 'ARM.IEDACT', 'HOS.DIRECT', 'HOS.OBSTRUCT', 'SAF.ROAD', 'CRM.TRAFFIC', 'CRM.ROBBERY'].includes(code) ? 0.8 : 0.2
  if (rng() < onRoute) loc.route = pick(rng, area.routes)
  const atSite = ['HOS.INDIRECT', 'HLT.OUTBREAK', 'HLT.ENV', 'SAF.WEAPON', 'ARM.TERRITORY', 'POC.DISPLACE', 'UNR.ANTIUN'].includes(code) ? 0.85 : 0.15
  if (rng() < atSite) loc.site = pick(rng, area.sites)

  const un = top === 'HOS' || top === 'SAF' || top === 'HLT'
  const n = (p: number, max: number) => (rng() < p ? 1 + Math.floor(rng() * max) : 0)
  const casualties = {
    killed: { un: { military: un ? n(0.06, 2) : 0, police: 0, civilian: 0 }, civilian: n(top === 'POC' || top === 'COM' ? 0.45 : 0.08, 12), other: n(0.05, 5) },
    injured: { un: { military: un ? n(0.15, 4) : 0, police: un ? n(0.03, 2) : 0, civilian: 0 }, civilian: n(0.2, 10), other: 0 },
    abducted: { un: { military: 0, police: 0, civilian: code === 'HOS.ABDUCT' ? 1 : 0 }, civilian: code.endsWith('ABDUCT') || code === 'CRM.KIDNAP' ? 1 + Math.floor(rng() * 4) : 0, other: 0 },
  }
  const alias = rng() < 0.05 ? ALIASES[area.mission]?.[code] : undefined
  const report: Record<string, unknown> = {
    id,
    mission: area.mission,
    occurredAt: new Date(t).toISOString(),
    reportedAt: new Date(Math.max(t, Math.min(latest, t + Math.floor(rng() * 6 * 3_600_000)))).toISOString(),
    location: loc,
    category: alias ?? code,
    casualties,
    targets: pick(rng, TARGETS_BY_TOP[top] ?? [[]]),
    source: { reliability: pickReliability(rng), credibility: pickCredibility(rng), sourceId: `${area.mission.toLowerCase()}-src-${Math.floor(rng() * 40)}` },
    narrative: `${pick(rng, PHRASES)} ${pick(rng, PHRASES)} ${pick(rng, PHRASES)}`,
  }
  if (rng() < 0.4) report.actors = [{ name: pick(rng, ACTORS[area.mission]!), type: pick(rng, ['armed-group', 'armed-group', 'state-force', 'communal-militia', 'unknown'] as const) }]
  if (top === 'HOS' || top === 'ARM') report.weapons = [pick(rng, WEAPONS)]
  if (code === 'CRM.TRAFFIC' && rng() < 0.6) report.tags = ['checkpoint']
  return report
}

/**
 * A history of `count` reports at a constant rate ending at `end`, in occurredAt order.
 * Constant rate: a bigger history is a longer one, not a denser one (see README section).
 */
export function* historyInputs(opts: SyntheticOptions & { count: number; end: number; perDay: number }): Generator<Record<string, unknown>> {
  const rng = prng(opts.seed)
  const step = 86_400_000 / opts.perDay
  const start = opts.end - opts.count * step
  const width = String(opts.count).length
  for (let i = 0; i < opts.count; i++) {
    const t = Math.floor(start + i * step + rng() * step)
    yield makeReport(rng, `${opts.prefix}-${String(i).padStart(width, '0')}`, t, opts.end)
  }
}

/** Validates and classifies a synthetic input exactly as the ingest does. */
export function classify(input: Record<string, unknown>, taxonomy: Taxonomy, now: number): Report {
  const parsed = reportInputSchema.parse(input)
  const out = classifyReport(parsed, { taxonomy, missions: MISSIONS, now })
  if ('problems' in out) throw new Error(`synthetic report ${String(input.id)} refused: ${JSON.stringify(out.problems)}`)
  return out.report
}

/**
 * Bodies for the live load: pre-rendered reports with the id left out, so a request only joins
 * an id counter to a ready string (the load generator must spend as little CPU as possible).
 */
export function liveBodies(seed: number, n: number, timeOf: (i: number) => number): string[] {
  const rng = prng(seed)
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const r = makeReport(rng, 'X', timeOf(i))
    delete r.id
    delete r.reportedAt
    out.push(JSON.stringify(r).slice(1)) // '"mission":...}' : the id is prefixed per request
  }
  return out
}

/** Joins a unique id to a pre-rendered body. */
export const withId = (id: string, rest: string) => `{"id":"${id}",${rest}`
