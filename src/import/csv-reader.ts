import fs from 'node:fs'
import { StringDecoder } from 'node:string_decoder'

/**
 * A small RFC 4180 reader: comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and doubled quotes (""), CRLF or LF line ends, a UTF-8 byte-order mark ignored.
 * Written here rather than pulled in as a dependency: the format is small and the importer
 * must say on which line a record went wrong.
 */

/** One record with the physical line it starts on (1-based), so problems point at the file. */
export interface CsvRecord {
  line: number
  fields: string[]
}

/** A quote that never closes: the rest of the file would be one field, so the file is refused. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError'
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`)
  }
}

/**
 * A push parser: feed it text in chunks of any size (a chunk may end inside a quoted field)
 * and it hands back the records completed so far.
 */
export class CsvParser {
  private field = ''
  private fields: string[] = []
  private quoted = false
  /** The previous character closed a quoted field's quote (or is the first of a "" pair). */
  private quoteSeen = false
  private started = false
  private line = 1
  private recordLine = 1
  private pendingCr = false
  private first = true

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = []
    let text = chunk
    if (this.first && text.length > 0) {
      this.first = false
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    for (let i = 0; i < text.length; i++) this.step(text[i]!, out)
    return out
  }

  /** Ends the input: the last record, which needs no line end. */
  end(): CsvRecord[] {
    if (this.quoted) throw new CsvSyntaxError(this.recordLine, 'a quoted field is never closed')
    const out: CsvRecord[] = []
    if (this.started) this.endRecord(out)
    return out
  }

  private step(ch: string, out: CsvRecord[]) {
    if (this.pendingCr) {
      this.pendingCr = false
      if (ch === '\n') return
    }
    if (this.quoted) {
      if (ch === '"') {
        this.quoted = false
        this.quoteSeen = true
        return
      }
      if (ch === '\n' || ch === '\r') this.line++
      if (ch === '\r') this.pendingCr = true
      this.field += ch === '\r' ? '\n' : ch
      return
    }
    if (ch === '"') {
      // A quote right after a closing quote is an escaped quote inside the field.
      if (this.quoteSeen) this.field += '"'
      this.quoted = true
      this.quoteSeen = false
      this.started = true
      return
    }
    this.quoteSeen = false
    if (ch === ',') {
      this.fields.push(this.field)
      this.field = ''
      this.started = true
      return
    }
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r') this.pendingCr = true
      if (this.started || this.field !== '') this.endRecord(out)
      this.line++
      this.recordLine = this.line
      return
    }
    this.field += ch
    this.started = true
  }

  private endRecord(out: CsvRecord[]) {
    this.fields.push(this.field)
    out.push({ line: this.recordLine, fields: this.fields })
    this.fields = []
    this.field = ''
    this.started = false
  }
}

/** Every record of a CSV text. */
export function parseCsv(text: string): CsvRecord[] {
  const p = new CsvParser()
  return [...p.push(text), ...p.end()]
}

/** A data row keyed by the header's column names, with its line. */
export interface CsvRow {
  line: number
  values: Record<string, string>
}

/** Reads a file in chunks, synchronously: a replay pulls its input from a plain iterator. */
export function* readFileRecords(file: string, chunkBytes = 1 << 20): Generator<CsvRecord> {
  const fd = fs.openSync(file, 'r')
  try {
    const parser = new CsvParser()
    const decoder = new StringDecoder('utf8')
    const buf = Buffer.alloc(chunkBytes)
    let n: number
    while ((n = fs.readSync(fd, buf, 0, chunkBytes, null)) > 0) yield* parser.push(decoder.write(buf.subarray(0, n)))
    yield* parser.push(decoder.end())
    yield* parser.end()
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Records after the first as objects keyed by the first record's column names (trimmed). A row
 * shorter than the header leaves the missing columns empty; extra cells are ignored.
 */
export function* keyedRows(records: Iterable<CsvRecord>): Generator<CsvRow> {
  let header: string[] | null = null
  for (const r of records) {
    if (!header) {
      header = r.fields.map((h) => h.trim())
      continue
    }
    const values: Record<string, string> = {}
    header.forEach((h, i) => { values[h] = r.fields[i] ?? '' })
    yield { line: r.line, values }
  }
}

/** The rows of a CSV file, keyed by its header. */
export function readCsvRows(file: string): Generator<CsvRow> {
  return keyedRows(readFileRecords(file))
}
