import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { PERMISSIONS, ROLES, type Principal } from '../auth/roles.js'

/** What `GET /whoami` answers: the caller's key as the service sees it. The web board reads it. */
export const whoamiSchema = z.object({
  keyId: z.string().nullable().describe('null when authentication is off'),
  name: z.string(),
  role: z.enum(ROLES),
  missions: z.array(z.string()).nullable().describe('the missions the key may touch; null = all'),
  areas: z.array(z.string()).nullable().describe('the areas the key is limited to; null = all'),
  permissions: z.array(z.enum(PERMISSIONS)).describe('what the key may do, e.g. reports:write, alerts:act'),
  org: z.string().nullable().optional().describe('a partner key\'s organisation'),
}).meta({ id: 'Whoami' })

export type Whoami = z.infer<typeof whoamiSchema>

/** Area-scoped keys carry their areas on the principal; keys without them cover every area. */
function areasOf(p: Principal): string[] | null {
  const areas = (p as Principal & { areas?: readonly string[] | null }).areas
  return areas ? [...areas] : null
}

/** Who am I: any valid key may ask, so a newcomer learns why a route answers 403. */
export const whoamiRoute: FastifyPluginAsync = async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get('/whoami', {
    schema: { summary: "The caller's key: role, missions, areas and permissions", tags: ['access'], response: { 200: whoamiSchema } },
    config: { permission: 'authenticated' },
  }, async (req): Promise<Whoami> => {
    const p = req.principal
    return {
      keyId: p.keyId,
      name: p.name,
      role: p.role,
      missions: p.missions === null ? null : [...p.missions],
      areas: areasOf(p),
      permissions: PERMISSIONS.filter((x) => p.permissions.has(x)),
      ...(p.org ? { org: p.org } : {}),
    }
  })
}
