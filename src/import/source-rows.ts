import fs from 'node:fs'
import { readCsvRows } from './csv-reader.js'
import type { SourceRow } from './source-row.js'

/**
 * The rows of an external file, whatever its shape: a GeoJSON FeatureCollection (one row per
 * feature: its properties, with `latitude`/`longitude` from a Point geometry, which GeoJSON
 * writes as [lon, lat]) or a CSV file with a header line.
 */

/** True when the file is GeoJSON: by its name, or by a first character that CSV never starts with. */
export function isGeoJson(file: string): boolean {
  if (/\.(geo)?json$/i.test(file)) return true
  if (/\.csv$/i.test(file)) return false
  const fd = fs.openSync(file, 'r')
  try {
    const buf = Buffer.alloc(64)
    const n = fs.readSync(fd, buf, 0, 64, 0)
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{')
  } finally {
    fs.closeSync(fd)
  }
}

interface Feature {
  properties?: Record<string, unknown> | null
  geometry?: { type?: string; coordinates?: unknown } | null
}

function featureRow(f: Feature, i: number): SourceRow {
  const values: Record<string, unknown> = { ...(f.properties ?? {}) }
  const c = f.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates) ? f.geometry.coordinates : null
  if (c && typeof c[0] === 'number' && typeof c[1] === 'number') {
    values.longitude = c[0]
    values.latitude = c[1]
  }
  return { ref: `feature ${i + 1}`, values }
}

/**
 * The features of a GeoJSON file. The whole file is parsed at once: GeoJSON has no streaming
 * form, and extracts large enough to matter (a global GED) come as CSV.
 */
export function readGeoJsonRows(file: string): SourceRow[] {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { type?: string; features?: Feature[] }
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new Error(`${file}: not a GeoJSON FeatureCollection`)
  return doc.features.map(featureRow)
}

function* csvSourceRows(file: string): Generator<SourceRow> {
  for (const r of readCsvRows(file)) yield { ref: `line ${r.line}`, values: r.values }
}

/** Every row of a GeoJSON or CSV file, in file order. */
export function readSourceRows(file: string): Iterable<SourceRow> {
  return isGeoJson(file) ? readGeoJsonRows(file) : csvSourceRows(file)
}

/**
 * About how many rows a file holds, cheaply, for a progress bar: the features of a GeoJSON
 * collection are counted when read, and a CSV file's line breaks (a quoted line break counts
 * too, so this is an upper bound) minus the header.
 */
export function estimateRows(file: string): number {
  const fd = fs.openSync(file, 'r')
  try {
    const buf = Buffer.alloc(1 << 20)
    let lines = 0
    let n: number
    let last = 10
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++
      last = buf[n - 1]!
    }
    return Math.max(0, lines + (last === 10 ? 0 : 1) - 1)
  } finally {
    fs.closeSync(fd)
  }
}
