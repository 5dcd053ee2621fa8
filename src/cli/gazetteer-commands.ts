import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { checkGazetteers, MISSION_CODE, readMissionDir } from '../gazetteer/gazetteer-loader.js'
import {
  areasFromBoundaries, codAbDefaults, featureCollectionText, mergeFeatures, siteCsvLayout, sitesFromGeoPko,
  sitesFromPlainCsv, type Feature, type ImportResult,
} from '../gazetteer/gazetteer-import.js'
import { FEATURE_FILES } from '../gazetteer/geojson-features.js'
import { decodeUtf8, parseJsonText } from '../gazetteer/json-text.js'
import { keyedRows, parseCsv } from '../import/csv-reader.js'
import type { GazetteerProblem } from '../gazetteer/gazetteer-types.js'

type Out = { write(s: string): unknown }

export const GAZETTEER_DIR = path.join('schemas', 'gazetteer')

export const GAZETTEER_USAGE = `usage: vigil gazetteer check [dir]
       vigil gazetteer import --areas <file.geojson> --level 1|2 [--name-field X] [--pcode-field Y] [--parent-field Z] --out <dir>
       vigil gazetteer import --sites <file.csv> [--mission M] --out <dir>

  check     every problem of every mission folder below dir (default ${GAZETTEER_DIR}), as
            file:line:column  path  message; exit 1 on errors (warnings do not fail)
  --areas   boundaries as GeoJSON with P-codes (an OCHA COD-AB); the fields default to COD-AB's:
            admin1Name/admin1Pcode for level 1, admin2Name/admin2Pcode/admin1Pcode for level 2.
            Replaces that level's areas in areas.geojson; other levels and alternate names stay.
  --sites   a CSV of sites: Geo-PKO deployments (mission, year, location, latitude, longitude,
            hq; one site per location of --mission) or plain (id,name,kind,lat,lon,radiusKm
            [,altNames split on ;]). Replaces sites.geojson; alternate names of the same ids stay.
  --out     the mission folder, named for its mission code: ${GAZETTEER_DIR}/<MISSION>
            (default: ${GAZETTEER_DIR}/<--mission>)

The import then checks the mission folder and exits 1 if it has errors.
`

/** One problem as an editor can jump to it: `file:line:column  path  message`, the file under `dir`. */
export function formatGazetteerProblem(p: GazetteerProblem, dir: string): string {
  return `${path.join(dir, p.file)}:${p.line}:${p.column}  ${p.path || '-'}  ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`
}

function printProblems(problems: GazetteerProblem[], dir: string, err: Out): { errors: number; warnings: number } {
  for (const p of problems) err.write(`${formatGazetteerProblem(p, dir)}\n`)
  const errors = problems.filter((p) => p.severity === 'error').length
  return { errors, warnings: problems.length - errors }
}

/** `vigil gazetteer check [dir]`: exit 1 when any file has an error. */
export function gazetteerCheck(dir: string, out: Out, err: Out): number {
  const problems = checkGazetteers(dir)
  const missions = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).length : 0
  const { errors, warnings } = printProblems(problems, dir, err)
  out.write(`${missions} mission folder(s) checked, ${errors} error(s), ${warnings} warning(s)\n`)
  return errors === 0 ? 0 : 1
}

interface ImportArgs {
  out: string
  mission: string
  areas?: { file: string; level: 1 | 2; nameField: string; pcodeField: string; parentField?: string }
  sites?: string
}

function parseImportArgs(argv: string[]): ImportArgs | string {
  let v
  try {
    v = parseArgs({
      args: argv,
      options: {
        areas: { type: 'string' }, sites: { type: 'string' }, level: { type: 'string' }, out: { type: 'string' }, mission: { type: 'string' },
        'name-field': { type: 'string' }, 'pcode-field': { type: 'string' }, 'parent-field': { type: 'string' },
      },
    }).values
  } catch (err) {
    return (err as Error).message
  }
  if (!v.areas === !v.sites) return 'give one of --areas <file.geojson> or --sites <file.csv>'
  const out = v.out ?? (v.mission ? path.join(GAZETTEER_DIR, v.mission) : undefined)
  if (!out) return 'give --out <dir> (a folder named for the mission code, e.g. schemas/gazetteer/MINUSCA)'
  const mission = path.basename(path.resolve(out))
  if (!MISSION_CODE.test(mission)) return `--out must end in a folder named for the mission code, e.g. ${GAZETTEER_DIR}/MINUSCA (got ${mission})`
  if (v.mission && v.mission !== mission) return `--mission ${v.mission} differs from the --out folder's name ${mission}`
  const input = (v.areas ?? v.sites)!
  if (!fs.existsSync(input)) return `${input}: no such file`
  if (v.sites) return { out, mission, sites: v.sites }
  if (v.level !== '1' && v.level !== '2') return '--areas needs --level 1 or --level 2'
  const level = Number(v.level) as 1 | 2
  const d = codAbDefaults(level)
  const parentField = v['parent-field'] ?? d.parentField
  return {
    out, mission,
    areas: { file: v.areas!, level, nameField: v['name-field'] ?? d.nameField, pcodeField: v['pcode-field'] ?? d.pcodeField, ...(parentField ? { parentField } : {}) },
  }
}

function readText(file: string): string {
  const decoded = decodeUtf8(fs.readFileSync(file))
  if ('badByte' in decoded) throw new Error(`${file}: not valid UTF-8 (bad byte at byte offset ${decoded.badByte})`)
  return decoded.text
}

/** The features already in a mission file, so an import keeps what it does not replace. */
function existingFeatures(file: string): Feature[] {
  if (!fs.existsSync(file)) return []
  const parsed = parseJsonText(readText(file))
  if (!('value' in parsed)) throw new Error(`${file} is not valid JSON; fix or remove it before importing (vigil gazetteer check)`)
  const fc = parsed.value as { features?: unknown }
  return Array.isArray(fc.features) ? (fc.features as Feature[]) : []
}

function importAreas(a: NonNullable<ImportArgs['areas']>, target: string): ImportResult & { kept: number } {
  const parsed = parseJsonText(readText(a.file))
  if (!('value' in parsed)) return { features: [], skipped: [`${a.file}: invalid JSON: ${parsed.message}`], kept: 0 }
  const imported = areasFromBoundaries(parsed.value, a)
  const existing = existingFeatures(target)
  const all = mergeFeatures(existing, imported.features, (f) => f.properties.level === a.level, (f) => f.properties.pcode)
  return { features: all, skipped: imported.skipped, kept: all.length - imported.features.length }
}

function importSites(file: string, mission: string, target: string): ImportResult & { kept: number } {
  const records = parseCsv(readText(file))
  const layout = siteCsvLayout(records[0]?.fields.map((f) => f.trim()) ?? [])
  if (!layout) return { features: [], skipped: [`${file}: expected Geo-PKO columns (mission, year, location, latitude, longitude, hq) or id,name,kind,lat,lon,radiusKm`], kept: 0 }
  const rows = keyedRows(records)
  const imported = layout === 'geo-pko' ? sitesFromGeoPko(rows, mission) : sitesFromPlainCsv(rows)
  if (layout === 'geo-pko' && imported.features.length === 0) imported.skipped.push(`${file}: no rows for mission ${mission}`)
  const features = mergeFeatures(existingFeatures(target), imported.features, () => true, (f) => f.properties.id)
  return { ...imported, features, kept: 0 }
}

/** `vigil gazetteer import ...`: 0 imported and clean, 1 rows skipped or the folder fails its check, 2 bad usage. */
export function gazetteerImport(argv: string[], out: Out, err: Out): number {
  const a = parseImportArgs(argv)
  if (typeof a === 'string') {
    err.write(`${a}\n\n${GAZETTEER_USAGE}`)
    return 2
  }
  const kind = a.areas ? 'areas' : 'sites'
  const target = path.join(a.out, FEATURE_FILES[kind].file)
  let result
  try {
    result = a.areas ? importAreas(a.areas, target) : importSites(a.sites!, a.mission, target)
  } catch (e) {
    err.write(`${(e as Error).message}\n`)
    return 1
  }
  for (const s of result.skipped) err.write(`skipped: ${s}\n`)
  if (result.features.length === 0) {
    err.write('nothing to import\n')
    return 1
  }
  fs.mkdirSync(a.out, { recursive: true })
  fs.writeFileSync(target, featureCollectionText(result.features))
  out.write(`wrote ${result.features.length - result.kept} ${kind}${result.kept > 0 ? ` (and kept ${result.kept} others)` : ''} to ${target}\n`)
  const dir = path.dirname(path.resolve(a.out))
  const { problems } = readMissionDir(dir, a.mission)
  const { errors, warnings } = printProblems(problems, path.dirname(a.out), err)
  out.write(`checked ${a.out}: ${errors} error(s), ${warnings} warning(s)\n`)
  return errors === 0 && result.skipped.length === 0 ? 0 : 1
}

/** `vigil gazetteer <check|import> ...` */
export function gazetteerCommand(argv: string[], out: Out, err: Out): number {
  const [sub, ...rest] = argv
  if (sub === 'check') return gazetteerCheck(rest[0] ?? GAZETTEER_DIR, out, err)
  if (sub === 'import') return gazetteerImport(rest, out, err)
  if (sub === '--help' || sub === 'help') {
    out.write(GAZETTEER_USAGE)
    return 0
  }
  err.write(GAZETTEER_USAGE)
  return 2
}
