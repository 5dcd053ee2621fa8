import fs from 'node:fs'
import path from 'node:path'
import type { KeyAdmin } from './key-admin.js'
import type { KeysRepo } from '../storage/keys-repo.js'

/**
 * A fresh install is secure and still starts with one command: when no admin key exists, one is
 * made and its token written to `file`, readable only by its owner. Returns the file when it did.
 */
export function ensureFirstAdminKey(deps: { keys: KeysRepo; admin: KeyAdmin; file: string; now: number }): string | null {
  if (deps.keys.activeAdminCount() > 0) return null
  const { key, token } = deps.admin.create({ name: 'first admin (created at first start)', role: 'admin' }, { keyId: null, name: 'vigil (first start)' }, deps.now)
  fs.mkdirSync(path.dirname(path.resolve(deps.file)), { recursive: true })
  fs.rmSync(deps.file, { force: true })
  fs.writeFileSync(deps.file, `${token}\n`, { mode: 0o600, flag: 'wx' })
  fs.chmodSync(deps.file, 0o600)
  return `${deps.file} (key ${key.id})`
}
