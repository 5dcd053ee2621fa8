import os from 'node:os'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openStore } from '../storage/store.js'
import { createKeysRepo } from '../storage/keys-repo.js'
import { createAuditRepo } from '../storage/audit-repo.js'
import { createKeyAdmin, presentKey } from '../auth/key-admin.js'
import { ROLES, type Role } from '../auth/roles.js'
import { VigilError } from '../errors.js'
import { GazetteerRegistry } from '../gazetteer/gazetteer-registry.js'
import { lookUpArea } from '../gazetteer/area-lookup.js'

type Out = { write(s: string): unknown }

const USAGE = `usage:
  vigil keys create --role analyst|joc|hq|admin --name "JMAC Gao" [--mission MINUSMA ...] [--area CF43 ...]
  vigil keys list
  vigil keys revoke <key-id>
(the database is VIGIL_DB, default ./data/vigil.db)
`

/**
 * `vigil keys create|list|revoke`: manages access keys directly in the database (the service may
 * be running: SQLite's WAL lets both write). Every change is audited as done by this command.
 */
export function keysCommand(argv: string[], out: Out, err: Out, env: Record<string, string | undefined> = process.env): number {
  const [sub, ...rest] = argv
  const config = loadConfig(env)
  const store = openStore(config.dbPath, { synchronous: config.synchronous })
  const actor = { keyId: null, name: `cli:${os.userInfo().username}` }
  const keys = createKeysRepo(store.writer)
  // Areas are checked against the gazetteers the service uses (P-codes stored, however spelt).
  const gazetteers = new GazetteerRegistry(config.gazetteerDir, Date.now)
  gazetteers.reload('cli')
  const resolveArea = (missions: readonly string[], name: string) => {
    const found = lookUpArea(gazetteers.current(), missions, name)
    return 'key' in found ? { key: found.key } : found
  }
  const admin = createKeyAdmin({ keys, audit: createAuditRepo(store.writer), missions: config.missions, resolveArea })
  try {
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' }, mission: { type: 'string', multiple: true }, area: { type: 'string', multiple: true } } })
      if (!values.role || !(ROLES as readonly string[]).includes(values.role) || !values.name) {
        err.write(USAGE)
        return 2
      }
      const missions = (values.mission ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean)
      const areas = (values.area ?? []).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean)
      const made = store.writer.transaction(() => admin.create({ name: values.name!, role: values.role as Role, missions, areas }, actor, Date.now()))()
      const where = made.key.areas ? `, areas: ${made.key.areas.join(',')}` : ''
      out.write(`created ${made.key.id} (${made.key.role}, missions: ${(made.key.missions ?? ['*']).join(',')}${where}) for ${made.key.name}\n`)
      out.write(`token (shown once, keep it secret): ${made.token}\n`)
      return 0
    }
    if (sub === 'list') {
      for (const k of keys.list().map(presentKey)) {
        out.write(`${k.id}  ${k.role.padEnd(8)} ${k.missions.join(',').padEnd(20)} ${k.active ? 'active ' : 'revoked'}  ${k.name}\n`)
      }
      return 0
    }
    if (sub === 'revoke' && rest[0]) {
      const key = store.writer.transaction(() => admin.revoke(rest[0]!, actor, Date.now()))()
      out.write(`revoked ${key.id} (${key.name})\n`)
      return 0
    }
    err.write(USAGE)
    return 2
  } catch (e) {
    if (!(e instanceof VigilError)) throw e
    err.write(`${e.message}${e.problems.length ? `: ${e.problems.map((p) => `${p.path} ${p.message}`).join('; ')}` : ''}\n`)
    return 1
  } finally {
    store.close()
  }
}
