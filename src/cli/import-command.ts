import fs from 'node:fs'
import { loadConfig } from '../config.js'
import { systemClock } from '../clock.js'
import { createServices } from '../services.js'
import { cliGazetteers } from './cli-gazetteers.js'
import { openStore } from '../storage/store.js'
import { loadTaxonomy, type Taxonomy } from '../taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from '../paths.js'
import { checkRuleDir } from '../rules/rule-registry.js'
import { buildRuleSet } from '../rules/rule-set.js'
import { IMPORT_FORMATS, rowConverter, type ImportFormat } from '../import/import-format.js'
import { estimateRows, readSourceRows } from '../import/source-rows.js'
import { formatImportSummary, importToDb, importToNdjson, type ImportSource } from '../import/import-run.js'
import { HISTORIC_NOW } from '../import/validate-input.js'
import { progressBar, type ProgressStream } from '../import/progress.js'
import { parseCommandOrProblem } from './args.js'

import { IMPORT_USAGE } from './usage.js'

type Out = { write(s: string): unknown }


interface ImportArgs {
  file: string
  format: ImportFormat
  mission: string
  map?: string
  out?: string
  crosswalk?: string
}

function parse(argv: string[]): ImportArgs | string {
  const parsed = parseCommandOrProblem(argv, {
    positionals: { min: 1, max: 1, name: 'the file to import' },
    options: { format: { type: 'string' }, mission: { type: 'string' }, map: { type: 'string' }, out: { type: 'string' }, crosswalk: { type: 'string' } },
  })
  if (typeof parsed === 'string') return parsed
  const { values: v, positionals } = parsed
  if (!v.format || !(IMPORT_FORMATS as readonly string[]).includes(v.format)) return `--format must be one of ${IMPORT_FORMATS.join(', ')}`
  if (!v.mission || !/^[A-Z][A-Z0-9-]{1,15}$/.test(v.mission)) return '--mission must be a mission code such as MINUSCA'
  if (v.format === 'csv' && !v.map) return '--format csv needs --map <mapping.yaml>'
  if (!fs.existsSync(positionals[0]!)) return `${positionals[0]}: no such file`
  return {
    file: positionals[0]!, format: v.format as ImportFormat, mission: v.mission,
    ...(v.map ? { map: v.map } : {}), ...(v.out ? { out: v.out } : {}), ...(v.crosswalk ? { crosswalk: v.crosswalk } : {}),
  }
}

/** The rows of the file, the converter and the progress bar. */
function sourceOf(a: ImportArgs, taxonomy: Taxonomy, progress: ProgressStream): ImportSource {
  const convert = rowConverter({ format: a.format, mission: a.mission, taxonomy, ...(a.map ? { mapFile: a.map } : {}), ...(a.crosswalk ? { crosswalkFile: a.crosswalk } : {}) })
  const rows = readSourceRows(a.file)
  return { rows, convert, total: Array.isArray(rows) ? rows.length : estimateRows(a.file), progress: progressBar(progress) }
}

/** Into the configured database, through the same services as the service itself. */
async function intoDatabase(a: ImportArgs, source: ImportSource, taxonomy: Taxonomy, err: Out) {
  const config = loadConfig()
  const { rules, problems, version } = checkRuleDir(config.rulesDir, taxonomy)
  if (problems.length > 0) {
    err.write(`the rules in ${config.rulesDir} fail their check (vigil rules check); nothing imported\n`)
    return null
  }
  if (!config.missions.includes(a.mission)) {
    err.write(`mission ${a.mission} is not accepted here (VIGIL_MISSIONS: ${config.missions.join(', ')}); nothing imported\n`)
    return null
  }
  const set = buildRuleSet(rules, version, systemClock())
  const store = openStore(config.dbPath, { synchronous: config.synchronous, backgroundCheckpoint: true })
  const { set: gazetteers } = cliGazetteers(config.gazetteerDir, err)
  const services = createServices({ store, taxonomy, missions: config.missions, rules: { current: () => set }, clock: systemClock, gazetteers: () => gazetteers })
  try {
    return { summary: await importToDb(source, services.ingest), target: config.dbPath }
  } finally {
    await services.queue.close()
    store.close()
  }
}

/** `vigil import`: external event data into incident reports; returns the exit code. */
export async function importCommand(argv: string[], out: Out, err: Out, progress: ProgressStream): Promise<number> {
  const a = parse(argv)
  if (typeof a === 'string') {
    err.write(`vigil import: ${a}\n\n${IMPORT_USAGE}`)
    return 2
  }
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  let source: ImportSource
  try {
    source = sourceOf(a, taxonomy, progress)
  } catch (e) {
    err.write(`${(e as Error).message}\n`)
    return 2
  }
  let done
  if (a.out) {
    const config = loadConfig()
    const missions = config.missions.includes(a.mission) ? config.missions : [...config.missions, a.mission]
    const { place } = cliGazetteers(config.gazetteerDir, err)
    done = { summary: importToNdjson(source, a.out, { taxonomy, missions, now: HISTORIC_NOW, place }), target: a.out }
  } else {
    done = await intoDatabase(a, source, taxonomy, err)
    if (!done) return 2
  }
  out.write(formatImportSummary(done.summary, done.target))
  return done.summary.rejected > 0 ? 1 : 0
}
