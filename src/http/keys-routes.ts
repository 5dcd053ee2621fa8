import type { FastifyPluginAsync } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { wellFormedText } from '../well-formed-text.js'
import { ROLES } from '../auth/roles.js'
import { presentKey, type KeyAdmin } from '../auth/key-admin.js'
import type { KeysRepo } from '../storage/keys-repo.js'
import type { WriteQueue } from '../storage/write-queue.js'
import type { Clock } from '../clock.js'

export interface KeysRoutesOptions {
  admin: KeyAdmin
  keys: KeysRepo
  queue: WriteQueue
  clock: Clock
}

const createBody = z.strictObject({
  name: wellFormedText(200).describe('who holds the key, e.g. "JMAC Gao"'),
  role: z.enum(ROLES),
  missions: z.array(z.string().max(20)).max(50).optional().describe('required for analyst and joc keys'),
  areas: z.array(z.string().max(100)).max(50).optional()
    .describe('areas within those missions the key may see (P-code or name, e.g. CF43 for a sector desk); default every area'),
  org: z.string().max(64).optional().describe('a partner key\'s organisation (required for partner, e.g. ocha): what is released to it is what it sees'),
}).meta({ id: 'Key' })

/** Access keys, for admins. The token is shown once, in the answer to its creation. */
export const keysRoutes: FastifyPluginAsync<KeysRoutesOptions> = async (app, { admin, keys, queue, clock }) => {
  const r = app.withTypeProvider<ZodTypeProvider>()
  const actor = (req: { principal: { keyId: string | null; name: string }; id: string }) => ({ keyId: req.principal.keyId, name: req.principal.name, requestId: req.id })

  r.post('/keys', {
    schema: { summary: 'Create an access key (the token is shown once)', tags: ['keys'], body: createBody },
    config: { permission: 'keys:manage', audit: 'key.create' },
  }, async (req, reply) => {
    const out = await queue.run(() => admin.create(req.body, actor(req), clock()))
    req.audited = true
    req.log.info({ keyId: out.key.id, role: out.key.role }, 'key created')
    return reply.code(201).header('location', `/keys/${out.key.id}`).send({ key: presentKey(out.key), token: out.token })
  })

  r.get('/keys', { schema: { summary: 'Every key, without tokens', tags: ['keys'] }, config: { permission: 'keys:manage' } }, async () => ({
    keys: keys.list().map(presentKey),
  }))

  r.delete('/keys/:id', {
    schema: { summary: 'Revoke a key (at once)', tags: ['keys'], params: z.object({ id: z.string().max(40) }) },
    config: { permission: 'keys:manage', audit: 'key.revoke' },
  }, async (req) => {
    const key = await queue.run(() => admin.revoke(req.params.id, actor(req), clock()))
    req.audited = true
    req.log.info({ keyId: key.id }, 'key revoked')
    return { key: presentKey(key) }
  })
}
