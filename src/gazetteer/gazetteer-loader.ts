import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml'
import { didYouMean } from '../rules/did-you-mean.js'
import { buildGazetteer } from './gazetteer-build.js'
import { checkMission, checkSitesInAreas } from './gazetteer-check.js'
import { gazetteerMetaSchema } from './gazetteer-schema.js'
import {
  FEATURE_FILES, ProblemSink, parseFeatureFile, readAreas, readRoutes, readSites, type FeatureFileKind,
} from './geojson-features.js'
import { decodeUtf8 } from './json-text.js'
import type { Gazetteer, GazetteerMeta, GazetteerProblem, GazetteerSet } from './gazetteer-types.js'

/** A mission folder's name is the mission code, as reports write it. */
export const MISSION_CODE = /^[A-Z][A-Z0-9-]{1,15}$/
export const META_FILE = 'gazetteer.yaml'
const KNOWN_FILES = new Set([...Object.values(FEATURE_FILES).map((f) => f.file), META_FILE, 'README.md'])

type Problem = GazetteerProblem

function readMeta(file: string, bytes: Uint8Array): { meta: GazetteerMeta; problems: Problem[] } {
  const problem = (line: number, column: number, p: string, message: string): Problem => ({ file, line, column, path: p, message, severity: 'error' })
  const decoded = decodeUtf8(bytes)
  if ('badByte' in decoded) return { meta: {}, problems: [problem(1, 1, '', `not valid UTF-8: bad byte at byte offset ${decoded.badByte}`)] }
  const counter = new LineCounter()
  const doc = parseDocument(decoded.text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return { meta: {}, problems: doc.errors.map((e) => { const pos = counter.linePos(e.pos[0]); return problem(pos.line, pos.col, '', `syntax: ${e.message.split('\n')[0]}`) }) }
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 10 }) ?? {}
  } catch (err) {
    return { meta: {}, problems: [problem(1, 1, '', `syntax: ${(err as Error).message}`)] }
  }
  const parsed = gazetteerMetaSchema.safeParse(data)
  if (parsed.success) return { meta: parsed.data, problems: [] }
  return {
    meta: {},
    problems: parsed.error.issues.flatMap((issue) => {
      const p = issue.path.map(String)
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys(gazetteerMetaSchema.shape)
        return issue.keys.map((key) => {
          const pair = isMap(doc.contents) ? doc.contents.items.find((it) => isScalar(it.key) && it.key.value === key) : undefined
          const range = pair && isNode(pair.key) ? pair.key.range : undefined
          const pos = range ? counter.linePos(range[0]) : { line: 1, col: 1 }
          return problem(pos.line, pos.col, key, `unknown field '${key}'${didYouMean(key, known)}; known: ${known.join(', ')}`)
        })
      }
      const node = doc.getIn(p, true)
      const pos = isNode(node) && node.range ? counter.linePos(node.range[0]) : { line: 1, col: 1 }
      return [problem(pos.line, pos.col, p.join('.'), issue.message)]
    }),
  }
}

/** Content hash over file names and bytes: the same files always give the same version. */
function contentVersion(files: { name: string; bytes: Uint8Array }[]): string {
  const h = createHash('sha256')
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    h.update(`${f.name}\0`)
    h.update(f.bytes)
    h.update('\0')
  }
  return h.digest('hex').slice(0, 12)
}

/** Reads, checks and (when it has no errors) builds one mission's gazetteer. */
export function readMissionDir(dir: string, mission: string): { gazetteer: Gazetteer | null; problems: Problem[] } {
  const problems: Problem[] = []
  const files: { name: string; bytes: Uint8Array }[] = []
  const rel = (name: string) => `${mission}/${name}`
  if (!MISSION_CODE.test(mission)) {
    problems.push({ file: mission, line: 1, column: 1, path: '', message: 'a gazetteer folder is named for its mission code, e.g. MINUSCA (capitals, digits, hyphens)', severity: 'error' })
    return { gazetteer: null, problems }
  }
  for (const entry of fs.readdirSync(path.join(dir, mission), { withFileTypes: true })) {
    if (!KNOWN_FILES.has(entry.name)) {
      problems.push({ file: rel(entry.name), line: 1, column: 1, path: '', message: `ignored: a mission folder holds ${[...KNOWN_FILES].join(', ')}`, severity: 'warning' })
    }
  }
  const read = (name: string): Uint8Array | null => {
    try {
      const bytes = fs.readFileSync(path.join(dir, mission, name))
      files.push({ name, bytes })
      return bytes
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        problems.push({ file: rel(name), line: 1, column: 1, path: '', message: `cannot read: ${(err as Error).message}`, severity: 'error' })
      }
      return null
    }
  }
  const sinks = { areas: new ProblemSink(rel(FEATURE_FILES.areas.file)), sites: new ProblemSink(rel(FEATURE_FILES.sites.file)), routes: new ProblemSink(rel(FEATURE_FILES.routes.file)) }
  const raw = (kind: FeatureFileKind) => {
    const bytes = read(FEATURE_FILES[kind].file)
    return bytes ? parseFeatureFile(bytes, sinks[kind]) ?? [] : []
  }
  const features = {
    areas: readAreas(raw('areas'), sinks.areas),
    sites: readSites(raw('sites'), sinks.sites),
    routes: readRoutes(raw('routes'), sinks.routes),
  }
  checkMission(mission, features, sinks)
  let meta: GazetteerMeta = {}
  const metaBytes = read(META_FILE)
  if (metaBytes) {
    const m = readMeta(rel(META_FILE), metaBytes)
    meta = m.meta
    problems.push(...m.problems)
  }
  // Built from the features that passed their own checks even when others failed, to test where the sites lie.
  const gazetteer = buildGazetteer(mission, contentVersion(files), meta, features.areas, features.sites, features.routes)
  checkSitesInAreas(gazetteer, features.sites, sinks.sites)
  problems.push(...sinks.areas.problems, ...sinks.sites.problems, ...sinks.routes.problems)
  const failed = problems.some((p) => p.severity === 'error')
  return { gazetteer: failed ? null : gazetteer, problems }
}

const byPosition = (a: Problem, b: Problem) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column

/** Every mission folder of a gazetteer directory, read and checked. */
function readGazetteerDir(dir: string): { gazetteers: Gazetteer[]; problems: Problem[] } {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch (err) {
    return { gazetteers: [], problems: [{ file: dir, line: 1, column: 1, path: '', message: `cannot read the gazetteer directory: ${(err as Error).message}`, severity: 'error' }] }
  }
  const gazetteers: Gazetteer[] = []
  const problems: Problem[] = []
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = readMissionDir(dir, e.name)
    if (r.gazetteer) gazetteers.push(r.gazetteer)
    problems.push(...r.problems)
  }
  return { gazetteers, problems: problems.sort(byPosition) }
}

/** Every problem (errors and warnings) of every file below `dir`; never stops at the first. */
export function checkGazetteers(dir: string): GazetteerProblem[] {
  return readGazetteerDir(dir).problems
}

function gazetteerSet(gazetteers: Gazetteer[]): GazetteerSet {
  const byMission = new Map(gazetteers.map((g) => [g.mission, g]))
  const h = createHash('sha256')
  for (const g of gazetteers) h.update(`${g.mission}\0${g.version}\0`)
  const version = gazetteers.length === 0 ? 'none' : h.digest('hex').slice(0, 12)
  return { version, get: (m) => byMission.get(m), missions: () => [...byMission.keys()] }
}

/**
 * Loads every mission's gazetteer below `dir`, all or nothing: one error anywhere and no set is
 * returned, so a reload keeps the live set. Warnings do not stop a load; they come back beside it.
 */
export function loadGazetteers(dir: string):
  { set: GazetteerSet; problems: []; warnings: GazetteerProblem[] } | { set: null; problems: GazetteerProblem[] } {
  const { gazetteers, problems } = readGazetteerDir(dir)
  const errors = problems.filter((p) => p.severity === 'error')
  if (errors.length > 0) return { set: null, problems }
  return { set: gazetteerSet(gazetteers), problems: [], warnings: problems }
}
