import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CsvParser, CsvSyntaxError, keyedRows, parseCsv, readCsvRows, readFileRecords } from '../../src/import/csv-reader.js'
import { tempDir } from '../helpers/test-app.js'
import { ROOT } from '../../src/paths.js'

const fields = (text: string) => parseCsv(text).map((r) => r.fields)

describe('CSV reader (RFC 4180)', () => {
  it('splits plain fields and lines, LF or CRLF, with or without a final line end', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']])
    expect(fields('a,b\r\n1,2')).toEqual([['a', 'b'], ['1', '2']])
    expect(fields('a,,\n')).toEqual([['a', '', '']])
  })

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    expect(fields('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\r\nlines"\n4,""\n')).toEqual([
      ['id', 'text'], ['1', 'a, b'], ['2', 'say "hi"'], ['3', 'two\nlines'], ['4', ''],
    ])
  })

  it('gives each record the line it starts on, counting line breaks inside quotes', () => {
    expect(parseCsv('h\n"x\ny"\nz\n\nw').map((r) => [r.line, r.fields[0]])).toEqual([[1, 'h'], [2, 'x\ny'], [4, 'z'], [6, 'w']])
  })

  it('ignores a byte-order mark and blank lines', () => {
    expect(fields('\uFEFFid\n\n1\n')).toEqual([['id'], ['1']])
  })

  it('reads the same records whatever the chunk boundaries (a chunk may end inside a quote or a CRLF)', () => {
    const text = 'a,b\r\n"1,\r\n""x""",2\r\n3,4'
    const p = new CsvParser()
    const chars = [...text].flatMap((c) => p.push(c))
    expect([...chars, ...p.end()]).toEqual(parseCsv(text))
  })

  it('refuses a quote that never closes, naming the line the record starts on', () => {
    expect(() => parseCsv('a\n1\n"open\nnever closed\n')).toThrow(new CsvSyntaxError(3, 'a quoted field is never closed'))
  })

  it('keys rows by the header and leaves missing cells empty', () => {
    const rows = [...keyedRows(parseCsv(' id , name \n1,x\n2\n'))]
    expect(rows).toEqual([{ line: 2, values: { id: '1', name: 'x' } }, { line: 3, values: { id: '2', name: '' } }])
  })

  it('streams a file in small chunks with the same result as reading it whole', () => {
    const file = path.join(ROOT, 'tests/fixtures/ucdp/ucdp-ged-23.1-car-19-events.csv')
    const whole = parseCsv(fs.readFileSync(file, 'utf8'))
    expect([...readFileRecords(file, 7)]).toEqual(whole)
    const rows = [...readCsvRows(file)]
    expect(rows).toHaveLength(19)
    // Real fields with line breaks inside quotes (UCDP event 157403).
    expect(rows.find((r) => r.values.id === '157403')!.values.where_description).toBe('Bambari-Gassimé axis\n\nin Ndassima, near Bambari')
  })

  it('decodes UTF-8 split across chunk boundaries', () => {
    const file = path.join(tempDir(), 'utf8.csv')
    fs.writeFileSync(file, 'préfecture\nOuham-Pendé\n')
    expect([...readFileRecords(file, 2)].map((r) => r.fields[0])).toEqual(['préfecture', 'Ouham-Pendé'])
  })
})
