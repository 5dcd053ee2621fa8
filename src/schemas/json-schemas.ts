import { z } from 'zod'
import { reportInputSchema } from '../reports/report-schema.js'
import { indicatorRuleSchema } from '../rules/rule-schema.js'
import { aliasFileSchema, taxonomyFileSchema } from '../taxonomy/taxonomy-schema.js'
import { areasFileSchema, routesFileSchema, sitesFileSchema } from '../gazetteer/gazetteer-schema.js'

const HEADER = 'GENERATED from the zod schemas in src/ by `npm run schemas:build`; do not edit.'

function render(schema: z.ZodType, id: string, title: string): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  const out = { $schema: json.$schema, $id: id, title, $comment: HEADER, ...json }
  return `${JSON.stringify(out, null, 2)}\n`
}

/** Every JSON Schema vigil publishes in schemas/, by file name, as the text to write. */
export function generatedSchemas(): Record<string, string> {
  return {
    'incident-report.schema.json': render(reportInputSchema, 'https://vigil.example/schemas/incident-report.schema.json', 'vigil incident report'),
    'indicator-rule.schema.json': render(indicatorRuleSchema, 'https://vigil.example/schemas/indicator-rule.schema.json', 'vigil indicator rule'),
    'taxonomy.schema.json': render(taxonomyFileSchema, 'https://vigil.example/schemas/taxonomy.schema.json', 'vigil harmonized threat taxonomy'),
    'mission-aliases.schema.json': render(aliasFileSchema, 'https://vigil.example/schemas/mission-aliases.schema.json', 'vigil mission vocabulary'),
    'gazetteer-areas.schema.json': render(areasFileSchema, 'https://vigil.example/schemas/gazetteer-areas.schema.json', 'vigil gazetteer: administrative areas (areas.geojson)'),
    'gazetteer-sites.schema.json': render(sitesFileSchema, 'https://vigil.example/schemas/gazetteer-sites.schema.json', 'vigil gazetteer: UN sites (sites.geojson)'),
    'gazetteer-routes.schema.json': render(routesFileSchema, 'https://vigil.example/schemas/gazetteer-routes.schema.json', 'vigil gazetteer: routes (routes.geojson)'),
  }
}
