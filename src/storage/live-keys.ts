import type { CommitSignal } from '../commit-signal.js'
import { CommitCached } from './commit-cached.js'
import type { ApiKey, KeysRepo } from './keys-repo.js'

/**
 * The live (unrevoked) keys by token hash, held in memory: every request looks its key up, and a
 * database read per request cost a caught-up poll as much as the poll itself. The set is read
 * again after every commit of this process (HTTP key creation and revocation run through the
 * write queue, so they take effect on the next request) and, for `vigil keys` in another
 * process, when the database changed: a revocation there takes effect within 100 ms, and a
 * token not found asks at once, so a key just created there works at once.
 */
export function createLiveKeys(keys: KeysRepo, signal: CommitSignal) {
  const live = new CommitCached(() => {
    const active = keys.active()
    return { byHash: new Map(active.map((k) => [k.tokenHash, k])), ids: new Set(active.map((k) => k.id)) }
  }, signal, keys.dataVersion)
  return {
    activeByHash(hash: string): ApiKey | null {
      return live.current().byHash.get(hash) ?? live.current(true).byHash.get(hash) ?? null
    },
    /** Whether a key is still live: an open stream asks, so a revocation ends it. */
    isLive(id: string): boolean {
      return live.current().ids.has(id)
    },
  }
}

export type LiveKeys = ReturnType<typeof createLiveKeys>
