import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { PERMISSIONS } from '../auth/roles.js'

const whoamiAnswer = z.object({
  keyId: z.string().nullable(),
  name: z.string(),
  role: z.string(),
  missions: z.array(z.string()).nullable().describe('null: every mission'),
  areas: z.array(z.string()).nullable().describe('null: every area of its missions'),
  permissions: z.array(z.string()),
})

/** Who the caller's key is and what it may do, so a client shows only that. */
export const whoamiRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get('/whoami', {
    schema: { summary: 'The calling key: id, name, role, missions, areas and permissions', tags: ['keys'], response: { 200: whoamiAnswer } },
    // Every role holds taxonomy:read: any valid key may ask who it is.
    config: { permission: 'taxonomy:read' },
  }, async (req) => {
    const p = req.principal
    return {
      keyId: p.keyId, name: p.name, role: p.role,
      missions: p.missions ? [...p.missions] : null,
      areas: null,
      permissions: PERMISSIONS.filter((x) => p.permissions.has(x)),
    }
  })
}
