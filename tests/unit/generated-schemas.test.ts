import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generatedSchemas } from '../../src/schemas/json-schemas.js'
import { SCHEMAS_DIR } from '../../src/paths.js'
import { openApiDocument } from '../../src/schemas/openapi-document.js'

describe('generated JSON Schemas', () => {
  for (const [name, text] of Object.entries(generatedSchemas())) {
    it(`schemas/${name} is current (else: npm run schemas:build)`, () => {
      const file = path.join(SCHEMAS_DIR, name)
      expect(fs.existsSync(file), `schemas/${name} is missing`).toBe(true)
      expect(fs.readFileSync(file, 'utf8')).toBe(text)
    })
  }

  it('schemas/openapi.json is the document the service serves (else: npm run schemas:build)', async () => {
    const file = path.join(SCHEMAS_DIR, 'openapi.json')
    expect(fs.existsSync(file), 'schemas/openapi.json is missing').toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe(await openApiDocument())
  }, 60_000)
})
