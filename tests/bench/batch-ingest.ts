/**
 * 2. Batch and import ingest of the same reports (100k; 20k quick), each into an empty database
 * with the standard library and synchronous=FULL:
 *  - POST /reports/batch (1,000 per request, two requests in flight) against the service;
 *  - `vigil import` of the same reports as three CSV exports, one per mission, with a mapping;
 *  - baseline: raw better-sqlite3 inserts of the same rows into the reports table, 1,000 per
 *    transaction, same pragmas (openStore: WAL, synchronous=FULL, cache), no evaluation.
 * The engine-bound runs are time-boxed (the suite must end within 15 minutes): the figure is
 * the rate over what was done, with the projected time for all of it.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { stringify } from 'yaml'
import type { BenchContext } from './lib/context.js'
import { removeDb } from './lib/history.js'
import { one, row, summarize, type BenchResult, type Row } from './lib/stats.js'
import { classify, historyInputs, MISSIONS } from './lib/synthetic.js'
import { taxonomy } from './lib/engine.js'
import { startVigil } from './lib/vigil-server.js'
import { BENCH_HEADERS } from './lib/bench-auth.js'
import { openStore } from '../../src/storage/store.js'
import { cellOf } from '../../src/geo.js'
import { topOf } from '../../src/taxonomy/taxonomy.js'
import { fingerprint } from '../../src/reports/report.js'
import { ROOT, STANDARD_RULES_DIR } from '../../src/paths.js'

const PER_REQUEST = 1000
const IN_FLIGHT = 2
const PER_TRANSACTION = 1000

/** The reports table insert of src/storage/reports-repo.ts, 1,000 rows per transaction. */
function rawInserts(file: string, rows: Record<string, unknown>[]): number {
  removeDb(file)
  const store = openStore(file, { synchronous: 'FULL' })
  const db = store.writer
  const insert = db.prepare(`INSERT INTO reports
    (id, mission, category, top_category, occurred_at, lat, lon, cell, admin1, admin2, route, site,
     revision, status, fingerprint, body, received_at, updated_at)
    VALUES (@id, @mission, @category, @top, @occurredAt, @lat, @lon, @cell, @admin1, @admin2, @route, @site,
     @revision, 'active', @fingerprint, @body, @now, @now)`)
  const tx = db.transaction((chunk: Record<string, unknown>[]) => { for (const r of chunk) insert.run(r) })
  const t0 = performance.now()
  for (let i = 0; i < rows.length; i += PER_TRANSACTION) tx(rows.slice(i, i + PER_TRANSACTION))
  const s = (performance.now() - t0) / 1000
  store.close()
  removeDb(file)
  return rows.length / s
}

/** Posts the batches, IN_FLIGHT at a time, until all are sent or the budget is spent. */
async function postBatches(url: string, bodies: string[], budgetS: number) {
  const t0 = performance.now()
  let next = 0
  let accepted = 0
  let refused = 0
  const latencies: number[] = []
  const worker = async () => {
    while (next < bodies.length && (performance.now() - t0) / 1000 < budgetS) {
      const body = bodies[next++]!
      const s = performance.now()
      const res = await fetch(`${url}/reports/batch`, { method: 'POST', headers: { ...BENCH_HEADERS, 'content-type': 'application/json' }, body })
      const out = await res.json() as { accepted?: number; rejected?: number; replayed?: number }
      latencies.push(performance.now() - s)
      if (res.status !== 200) throw new Error(`POST /reports/batch answered ${res.status}: ${JSON.stringify(out).slice(0, 300)}`)
      accepted += out.accepted ?? 0
      refused += (out.rejected ?? 0) + (out.replayed ?? 0)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return { accepted, refused, seconds: (performance.now() - t0) / 1000, latencies }
}

/** The CSV export of one mission and the mapping that reads it. */
function writeCsv(dir: string, mission: string, inputs: Record<string, unknown>[]): string {
  const cols = ['event_id', 'date_time', 'lat', 'lon', 'region', 'district', 'place', 'route', 'site', 'type', 'reliability', 'credibility', 'source',
    'civ_killed', 'civ_injured', 'civ_abducted', 'oth_killed', 'un_mil_killed', 'un_mil_injured', 'un_pol_injured', 'un_civ_abducted', 'targets', 'weapons', 'actors', 'tags', 'summary']
  const q = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v)
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  const lines = [cols.join(',')]
  for (const r of inputs) {
    if (r.mission !== mission) continue
    const l = r.location as Record<string, unknown>
    const c = r.casualties as { killed: { civilian: number; other: number; un: { military: number } }; injured: { civilian: number; un: { military: number; police: number } }; abducted: { civilian: number; un: { civilian: number } } }
    const s = r.source as Record<string, unknown>
    lines.push([
      r.id, r.occurredAt, l.lat, l.lon, l.admin1, l.admin2, l.place, l.route, l.site, r.category, s.reliability, s.credibility, s.sourceId,
      c.killed.civilian, c.injured.civilian, c.abducted.civilian, c.killed.other, c.killed.un.military, c.injured.un.military, c.injured.un.police, c.abducted.un.civilian,
      ((r.targets as string[]) ?? []).join(';'), ((r.weapons as string[] | undefined) ?? []).join(';'),
      ((r.actors as { name: string }[] | undefined) ?? []).map((a) => a.name).join(';'), ((r.tags as string[] | undefined) ?? []).join(';'), r.narrative,
    ].map(q).join(','))
  }
  const file = path.join(dir, `${mission}.csv`)
  fs.writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

const MAPPING = {
  id: { column: 'event_id', prefix: '' },
  fields: {
    occurredAt: 'date_time', 'location.lat': 'lat', 'location.lon': 'lon', 'location.admin1': 'region', 'location.admin2': 'district',
    'location.place': 'place', 'location.route': 'route', 'location.site': 'site', category: 'type', 'source.reliability': 'reliability',
    'source.credibility': 'credibility', 'source.sourceId': 'source', 'casualties.killed.civilian': 'civ_killed', 'casualties.injured.civilian': 'civ_injured',
    'casualties.abducted.civilian': 'civ_abducted', 'casualties.killed.other': 'oth_killed', 'casualties.killed.un.military': 'un_mil_killed',
    'casualties.injured.un.military': 'un_mil_injured', 'casualties.injured.un.police': 'un_pol_injured', 'casualties.abducted.un.civilian': 'un_civ_abducted',
    targets: { column: 'targets', split: ';' }, weapons: { column: 'weapons', split: ';' }, actors: { column: 'actors', split: ';', actorType: 'armed-group' },
    tags: { column: 'tags', split: ';' }, narrative: 'summary',
  },
}

/** `vigil import` of each mission's CSV in turn into `db`, stopped when the budget is spent. */
async function runImport(db: string, csvs: string[], mapping: string, budgetS: number, log: (s: string) => void) {
  const t0 = performance.now()
  let stderr = ''
  let cut = false
  for (const [i, csv] of csvs.entries()) {
    const left = budgetS - (performance.now() - t0) / 1000
    if (left <= 0) { cut = true; break }
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'import', csv, '--format', 'csv', '--mission', MISSIONS[i]!, '--map', mapping], {
      cwd: ROOT,
      env: { ...process.env, VIGIL_DB: db, VIGIL_RULES_DIR: STANDARD_RULES_DIR, VIGIL_AUTH: 'off', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
    const timer = setTimeout(() => { cut = true; child.kill('SIGKILL') }, left * 1000)
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    clearTimeout(timer)
    if (!cut && code !== 0) throw new Error(`vigil import exited ${code}: ${out.slice(-500)} ${stderr.slice(-1500)}`)
    if (!cut) log(`    import ${MISSIONS[i]}: ${out.split('\n')[0]}`)
    if (cut) break
  }
  const seconds = (performance.now() - t0) / 1000
  const check = new Database(db, { readonly: true })
  const imported = check.prepare('SELECT count(*) FROM reports').pluck().get() as number
  check.close()
  return { imported, seconds, cut }
}

export async function batchIngest(ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now()
  const rows: Row[] = []
  const notes: string[] = []
  const extra: Record<string, unknown> = {}
  const n = ctx.batchReports
  const end = Date.now() - 3_600_000
  const inputs = [...historyInputs({ seed: 8, prefix: 'BATCH', count: n, end, perDay: 1000 })]
  const now = Date.now()
  const dbRows = inputs.map((input) => {
    const r = classify(input, taxonomy, now)
    return {
      id: r.id, mission: r.mission, category: r.category, top: topOf(r.category), occurredAt: Date.parse(r.occurredAt),
      lat: r.location.lat!, lon: r.location.lon!, cell: cellOf(r.location.lat!, r.location.lon!),
      admin1: r.location.admin1 ?? null, admin2: r.location.admin2 ?? null, route: r.location.route ?? null, site: r.location.site ?? null,
      revision: 1, fingerprint: fingerprint(r), body: JSON.stringify(r), now,
    }
  })

  // Baseline.
  const raw: number[] = []
  for (let i = 0; i < ctx.repeats; i++) raw.push(rawInserts(path.join(ctx.workDir, 'raw.db'), dbRows))
  const rawS = summarize(raw)
  ctx.shared.rawInsert = rawS
  ctx.log(`  raw inserts, ${PER_TRANSACTION}/transaction, FULL: ${raw.map((x) => Math.round(x)).join(', ')} rows/s`)
  rows.push(row({ figure: `raw better-sqlite3 inserts, ${n.toLocaleString('en-US')} rows, 1,000/tx, FULL`, unit: 'rows/s', value: rawS }))

  // POST /reports/batch.
  const bodies: string[] = []
  for (let i = 0; i < inputs.length; i += PER_REQUEST) bodies.push(JSON.stringify(inputs.slice(i, i + PER_REQUEST)))
  const db = path.join(ctx.workDir, 'batch.db')
  removeDb(db)
  const server = await startVigil({ db })
  const c0 = server.cpuSeconds()
  const b = await postBatches(server.url, bodies, ctx.budgets.batch)
  const serverCpu = (server.cpuSeconds() - c0) / b.seconds
  await server.stop()
  removeDb(db)
  const batchRate = b.accepted / b.seconds
  ctx.log(`  POST /reports/batch: ${b.accepted} accepted (${b.refused} refused) in ${b.seconds.toFixed(1)} s = ${Math.round(batchRate)} reports/s; server ${serverCpu.toFixed(2)} cores`)
  rows.push(row({
    figure: `POST /reports/batch (${PER_REQUEST}/request, ${IN_FLIGHT} in flight)`, unit: 'reports/s', value: one(batchRate),
    baseline: { label: 'raw inserts', value: rawS }, target: { on: 'ratio', op: '>=', limit: 0.5, text: '>= 0.5x' },
  }))
  if (b.accepted < n) notes.push(`batch: time-boxed at ${ctx.budgets.batch} s: ${b.accepted.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} reports; all of them would take ~${Math.round(n / batchRate / 60)} min at this rate`)
  if (b.refused > 0) notes.push(`batch: ${b.refused} items refused or replayed`)
  extra.batch = { ...b, latencies: undefined, requestMs: summarize(b.latencies), serverCpu }

  // vigil import.
  const importDir = path.join(ctx.workDir, 'import')
  fs.rmSync(importDir, { recursive: true, force: true })
  fs.mkdirSync(importDir, { recursive: true })
  const csvs = MISSIONS.map((m) => writeCsv(importDir, m, inputs))
  const mapping = path.join(importDir, 'mapping.yaml')
  fs.writeFileSync(mapping, stringify(MAPPING))
  const idb = path.join(importDir, 'import.db')
  try {
    const imp = await runImport(idb, csvs, mapping, ctx.budgets.import, ctx.log)
    const rate = imp.imported / imp.seconds
    ctx.log(`  vigil import: ${imp.imported} reports in ${imp.seconds.toFixed(1)} s = ${Math.round(rate)} reports/s${imp.cut ? ' (time-boxed)' : ''}`)
    rows.push(row({
      figure: 'vigil import (3 CSV exports, one per mission; process start included)', unit: 'reports/s', value: one(rate),
      baseline: { label: 'raw inserts', value: rawS }, target: { on: 'ratio', op: '>=', limit: 0.5, text: '>= 0.5x' },
    }))
    if (imp.cut) notes.push(`import: time-boxed at ${ctx.budgets.import} s: ${imp.imported.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} reports (killed at the budget; counted from the database); all would take ~${Math.round(n / rate / 60)} min`)
    extra.import = imp
  } catch (err) {
    notes.push(`import: could not run (${(err as Error).message.slice(0, 300)}); pending`)
  } finally {
    fs.rmSync(importDir, { recursive: true, force: true })
  }
  notes.push('batch and import go through the same ingest as POST /reports: validate, classify, store, evaluate against the standard library, group commit; n=1 (time-boxed runs)')
  return { name: 'batch-ingest', title: '2. Batch and import ingest', rows, notes, extra, seconds: (performance.now() - t0) / 1000 }
}
