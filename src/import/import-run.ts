import fs from 'node:fs'
import path from 'node:path'
import type { Ingest } from '../ingest/ingest.js'
import { fingerprint, type ClassifyContext } from '../reports/report.js'
import type { Progress } from './progress.js'
import { problemsOf, RejectionTally, type RejectionGroup } from './rejections.js'
import type { RowConverter, SourceRow } from './source-row.js'
import { validateInput } from './validate-input.js'

/** What an import did, for the final summary. */
export interface ImportSummary {
  rows: number
  imported: number
  /** Rows whose report was already stored (or written) with the same content: nothing changed. */
  duplicates: number
  rejected: number
  reasons: RejectionGroup[]
  seconds: number
}

export interface ImportSource {
  rows: Iterable<SourceRow>
  convert: RowConverter
  /** About how many rows there are, for the progress bar; null when unknown. */
  total: number | null
  progress?: Progress
}

/** Reports sent to the ingest per batch: its group commit then writes them in a few transactions. */
const BATCH = 500

function summary(rows: number, imported: number, duplicates: number, tally: RejectionTally, started: number): ImportSummary {
  return { rows, imported, duplicates, rejected: tally.rows, reasons: tally.list(), seconds: (performance.now() - started) / 1000 }
}

/**
 * Imports into the database through the normal ingest (the same batch intake as POST
 * /reports/batch): every report validated, classified against the real clock, stored and
 * evaluated exactly as if posted. A report already stored with the same content is a
 * duplicate and changes nothing, so importing a file twice is harmless.
 */
export async function importToDb(source: ImportSource, ingest: Pick<Ingest, 'batch'>): Promise<ImportSummary> {
  const started = performance.now()
  const tally = new RejectionTally()
  let rows = 0
  let imported = 0
  let duplicates = 0
  let batch: { ref: string; input: Record<string, unknown> }[] = []

  const flush = async () => {
    const results = await ingest.batch(batch.map((b) => b.input))
    results.forEach((r, i) => {
      if (r.status < 300) {
        if (r.replayed) duplicates++
        else imported++
      } else {
        tally.add(batch[i]!.ref, r.id, problemsOf(r.id, r.message ?? `refused (${r.status})`, r.problems))
      }
    })
    batch = []
  }

  source.progress?.start('importing', source.total)
  for (const row of source.rows) {
    rows++
    const c = source.convert(row)
    if (c.ok) batch.push({ ref: row.ref, input: c.input })
    else tally.add(row.ref, c.id, c.problems)
    if (batch.length >= BATCH) await flush()
    source.progress?.update(rows)
  }
  if (batch.length > 0) await flush()
  source.progress?.finish()
  return summary(rows, imported, duplicates, tally, started)
}

/**
 * Writes the reports as NDJSON instead (one report input per line, ready for POST
 * /reports/batch), after the same validation, against `ctx` (a clock far ahead for history).
 * The file appears only when complete.
 */
export function importToNdjson(source: ImportSource, out: string, ctx: ClassifyContext): ImportSummary {
  const started = performance.now()
  const tally = new RejectionTally()
  const seen = new Map<string, string>()
  let rows = 0
  let imported = 0
  let duplicates = 0
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
  const partial = `${out}.partial`
  const fd = fs.openSync(partial, 'w')
  try {
    let lines: string[] = []
    source.progress?.start('converting', source.total)
    for (const row of source.rows) {
      rows++
      source.progress?.update(rows)
      const c = source.convert(row)
      const v = c.ok ? validateInput(c.input, ctx) : c
      if (!v.ok) {
        tally.add(row.ref, v.id, v.problems)
        continue
      }
      const fp = fingerprint(v.report)
      const before = seen.get(v.report.id)
      if (before === fp) {
        duplicates++
        continue
      }
      if (before !== undefined) {
        tally.add(row.ref, v.report.id, [{ reason: 'the file holds this id twice with different content' }])
        continue
      }
      seen.set(v.report.id, fp)
      lines.push(JSON.stringify(v.input))
      imported++
      if (lines.length >= 1000) {
        fs.writeSync(fd, `${lines.join('\n')}\n`)
        lines = []
      }
    }
    if (lines.length > 0) fs.writeSync(fd, `${lines.join('\n')}\n`)
    source.progress?.finish()
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(partial, out)
  return summary(rows, imported, duplicates, tally, started)
}

/** Every rejection reason with its count and first rows, one per line, most frequent first. */
export function formatRejections(reasons: readonly RejectionGroup[]): string {
  if (reasons.length === 0) return ''
  const lines = ['rejected:']
  for (const g of reasons) {
    const where = g.examples.map((e) => `${e.ref}${e.id ? ` ${e.id}` : ''}${e.detail !== undefined ? ` [${e.detail}]` : ''}`).join('; ')
    lines.push(`  ${String(g.count).padStart(6)}  ${g.reason}  (${where}${g.count > g.examples.length ? '; ...' : ''})`)
  }
  return `${lines.join('\n')}\n`
}

/** The plain final summary: counts, then the rejections. */
export function formatImportSummary(s: ImportSummary, target: string): string {
  return `${s.rows} row(s) read in ${s.seconds.toFixed(1)}s: imported ${s.imported}, skipped as duplicates ${s.duplicates}, rejected ${s.rejected} (${target})\n${formatRejections(s.reasons)}`
}
