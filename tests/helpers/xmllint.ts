import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from '../../src/paths.js'
import { tempDir } from './test-app.js'

export const CAP_XSD = path.join(ROOT, 'schemas/cap/CAP-v1.2.xsd')

/**
 * Runs the real xmllint (Debian libxml2-utils; .ci/run installs it) on a document: well-formed,
 * and valid against `schema` when given. Returns xmllint's complaints, empty when it passed.
 */
export function xmllint(xml: string, schema?: string): string {
  const dir = tempDir('vigil-xml-')
  const file = path.join(dir, 'doc.xml')
  fs.writeFileSync(file, xml)
  try {
    const res = spawnSync('xmllint', ['--noout', '--nonet', ...(schema ? ['--schema', schema] : []), file], { encoding: 'utf8' })
    if (res.error) throw res.error
    return res.status === 0 ? '' : `${res.stderr}`.trim() || `xmllint exited ${res.status}`
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
