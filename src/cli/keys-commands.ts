import os from 'node:os'
import { loadConfig } from '../config.js'
import { openStore } from '../storage/store.js'
import { createKeysRepo } from '../storage/keys-repo.js'
import { createAuditRepo } from '../storage/audit-repo.js'
import { createKeyAdmin, presentKey } from '../auth/key-admin.js'
import { ROLES, type Role } from '../auth/roles.js'
import { VigilError } from '../errors.js'
import { GazetteerRegistry } from '../gazetteer/gazetteer-registry.js'
import { lookUpArea } from '../gazetteer/area-lookup.js'
import { oneOf, parseCommand, required, UsageError } from './args.js'

import { KEYS_USAGE } from './usage.js'

type Out = { write(s: string): unknown }


type KeysArgs =
  | { sub: 'create'; role: Role; name: string; missions: string[]; areas: string[]; org?: string }
  | { sub: 'list' }
  | { sub: 'revoke'; id: string }

/** The command line of `vigil keys`, checked before the database is opened. */
function parseKeys(argv: string[]): KeysArgs {
  const [sub, ...rest] = argv
  if (sub === 'create') {
    const { values } = parseCommand(rest, { options: { role: { type: 'string' }, name: { type: 'string' }, mission: { type: 'string', multiple: true }, area: { type: 'string', multiple: true }, org: { type: 'string' } } })
    const role = oneOf('--role', values.role, ROLES)
    const name = required('--name', values.name, 'who holds the key, e.g. "JMAC Gao"')
    const missions = (values.mission ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean)
    const areas = (values.area ?? []).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean)
    return { sub, role, name, missions, areas, ...(values.org ? { org: values.org } : {}) }
  }
  if (sub === 'list') {
    parseCommand(rest, {})
    return { sub }
  }
  if (sub === 'revoke') {
    const { positionals } = parseCommand(rest, { positionals: { min: 1, max: 1, name: 'the key id to revoke, e.g. key_3f9a1c2b7d10' } })
    return { sub, id: positionals[0]! }
  }
  throw new UsageError(sub === undefined ? 'missing command: create, list or revoke' : `unknown command '${sub}'`)
}

/**
 * `vigil keys create|list|revoke`: manages access keys directly in the database (the service may
 * be running: SQLite's WAL lets both write). Every change is audited as done by this command.
 */
export function keysCommand(argv: string[], out: Out, err: Out, env: Record<string, string | undefined> = process.env): number {
  let a: KeysArgs
  try {
    a = parseKeys(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    err.write(`vigil keys: ${e.message}\n\n${KEYS_USAGE}`)
    return 2
  }
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
    if (a.sub === 'create') {
      const made = store.writer.transaction(() => admin.create({ name: a.name, role: a.role, missions: a.missions, areas: a.areas, ...(a.org ? { org: a.org } : {}) }, actor, Date.now()))()
      const where = `${made.key.areas ? `, areas: ${made.key.areas.join(',')}` : ''}${made.key.org ? `, org: ${made.key.org}` : ''}`
      out.write(`created ${made.key.id} (${made.key.role}, missions: ${(made.key.missions ?? ['*']).join(',')}${where}) for ${made.key.name}\n`)
      out.write(`token (shown once, keep it secret): ${made.token}\n`)
      return 0
    }
    if (a.sub === 'list') {
      for (const k of keys.list().map(presentKey)) {
        out.write(`${k.id}  ${k.role.padEnd(8)} ${k.missions.join(',').padEnd(20)} ${k.active ? 'active ' : 'revoked'}  ${k.name}\n`)
      }
      return 0
    }
    const key = store.writer.transaction(() => admin.revoke(a.id, actor, Date.now()))()
    out.write(`revoked ${key.id} (${key.name})\n`)
    return 0
  } catch (e) {
    if (!(e instanceof VigilError)) throw e
    err.write(`${e.message}${e.problems.length ? `: ${e.problems.map((p) => `${p.path} ${p.message}`).join('; ')}` : ''}\n`)
    return 1
  } finally {
    store.close()
  }
}
