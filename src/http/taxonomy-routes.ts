import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { errors } from '../errors.js'
import { closestCodes, type Taxonomy } from '../taxonomy/taxonomy.js'

export interface TaxonomyRoutesOptions {
  taxonomy: Taxonomy
}

/** The harmonized threat taxonomy, read-only. */
export const taxonomyRoutes: FastifyPluginAsync<TaxonomyRoutesOptions> = async (app, { taxonomy }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const aliasesOf = (code: string) => {
    const out: Record<string, string[]> = {}
    for (const [mission, table] of taxonomy.aliases) {
      const terms = [...table].filter(([, c]) => c === code).map(([alias]) => alias)
      if (terms.length > 0) out[mission] = terms
    }
    return out
  }

  // Each mission's own terms, term -> code, so a picker can offer them beside the codes.
  const allAliases = Object.fromEntries([...taxonomy.aliases].map(([mission, table]) => [mission, Object.fromEntries(table)]))

  r.get('/taxonomy', { schema: { summary: 'The taxonomy tree with its version, and each mission\'s aliases (term -> code)', tags: ['taxonomy'] }, config: { permission: 'taxonomy:read' } }, async () => ({
    version: taxonomy.version,
    categories: taxonomy.categories,
    aliases: allAliases,
  }))

  r.get('/taxonomy/:code', {
    schema: { summary: 'One taxonomy entry (top or sub code) with its mission aliases', tags: ['taxonomy'], params: z.object({ code: z.string().max(100) }) },
    config: { permission: 'taxonomy:read' },
  }, async (req) => {
    const code = req.params.code.toUpperCase()
    const top = taxonomy.tops.get(code)
    if (top) return { version: taxonomy.version, level: 'top', ...top }
    const sub = taxonomy.codes.get(code)
    if (sub) return { version: taxonomy.version, level: 'sub', ...sub, aliases: aliasesOf(code) }
    throw errors.TAXONOMY_CODE_NOT_FOUND(req.params.code, closestCodes(taxonomy, req.params.code, ''))
  })
}
