import { Document, isMap, isScalar, parseDocument } from 'yaml'
import { BacktestError } from './backtest-error.js'
import type { Sweep, Setting } from './sweep-spec.js'

/**
 * A rule file's text with a setting applied: each swept value written over the old one in the
 * text itself (comments, layout and every other line kept as the author wrote them), so the
 * variant is checked and compiled exactly as the file would be, and `--write` saves a diff a
 * reviewer can read.
 */

/** A value as YAML writes it on its own (7d, 15, "a: b"). */
const yamlScalar = (value: unknown) => new Document(value).toString({ lineWidth: 0 }).trimEnd()

/** The text with the scalar at `path` replaced; a path to a collection is rewritten through the document. */
export function setInText(text: string, path: (string | number)[], value: unknown, file: string, label: string): string {
  const doc = parseDocument(text)
  if (!doc.hasIn(path)) throw new BacktestError(`--sweep ${label}: ${file} has nothing at ${path.join('.')}`)
  const node = doc.getIn(path, true)
  if (isScalar(node) && node.range) return text.slice(0, node.range[0]) + yamlScalar(value) + text.slice(node.range[1])
  doc.setIn(path, value)
  return doc.toString({ lineWidth: 0 })
}

/** The text with a top-level key set to a block (replaced where it is, else appended at the end). */
export function setTopLevelBlock(text: string, key: string, value: unknown): string {
  const doc = parseDocument(text)
  const block = new Document({ [key]: value }).toString({ lineWidth: 0 })
  const pair = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined
  if (pair && isScalar(pair.key) && pair.key.range && pair.value && (pair.value as { range?: [number, number, number] }).range) {
    const end = (pair.value as { range: [number, number, number] }).range[2]
    return text.slice(0, pair.key.range[0]) + block + text.slice(end).replace(/^\n/, '')
  }
  return `${text.endsWith('\n') ? text : `${text}\n`}${block}`
}

/** The text of `indicator`'s file with the setting's values at their paths. */
export function applySetting(text: string, file: string, indicator: string, sweeps: readonly Sweep[], setting: Setting): string {
  let out = text
  sweeps.forEach((s, i) => {
    if (s.indicator !== null && s.indicator !== indicator) return
    out = setInText(out, s.path, setting[i], file, s.label)
  })
  return out
}

/** The value each sweep has in the rule now (to mark the current setting); undefined where absent. */
export function currentValues(text: string, indicator: string, sweeps: readonly Sweep[]): unknown[] {
  const doc = parseDocument(text)
  return sweeps.map((s) => (s.indicator !== null && s.indicator !== indicator ? undefined : doc.getIn(s.path)))
}
