import fs from 'node:fs'
import path from 'node:path'
import { SCHEMAS_DIR } from '../paths.js'
import { generatedSchemas } from '../schemas/json-schemas.js'
import { openApiDocument } from '../schemas/openapi-document.js'

/** Writes (or, with check, compares) every generated JSON Schema and the OpenAPI document; returns the exit code. */
export async function buildSchemas(opts: { check: boolean }): Promise<number> {
  let stale = 0
  const generated = { ...generatedSchemas(), 'openapi.json': await openApiDocument() }
  for (const [name, text] of Object.entries(generated)) {
    const file = path.join(SCHEMAS_DIR, name)
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null
    if (current === text) continue
    if (opts.check) {
      process.stderr.write(`schemas/${name} is stale: run npm run schemas:build\n`)
      stale++
    } else {
      fs.writeFileSync(file, text)
      process.stdout.write(`wrote schemas/${name}\n`)
    }
  }
  return stale === 0 ? 0 : 1
}
