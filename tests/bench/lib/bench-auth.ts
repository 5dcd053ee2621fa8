/**
 * The benchmarks run the service as a mission runs it, with authentication on: every request
 * carries this bench-only analyst key (reports:write and alerts:read in every bench mission),
 * which the bench server adds to its database at start if it is missing. The bare baseline gets
 * the same header, so both parse the same requests.
 */
import { hashToken } from '../../../src/auth/tokens.js'
import { createKeysRepo } from '../../../src/storage/keys-repo.js'
import type { Store } from '../../../src/storage/store.js'
import { MISSIONS } from './synthetic.js'

/** Not a secret: bench databases are throwaway copies. Shaped like a real token. */
export const BENCH_TOKEN = 'vgl_bench-only-token-never-use-outside-the-bench0'

export const BENCH_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${BENCH_TOKEN}` }

export function ensureBenchKey(store: Store, now: number): void {
  const keys = createKeysRepo(store.writer)
  if (keys.active().some((k) => k.tokenHash === hashToken(BENCH_TOKEN))) return
  keys.create({ id: 'key_bench', name: 'bench', role: 'analyst', missions: [...MISSIONS], tokenHash: hashToken(BENCH_TOKEN), now, by: 'bench' })
}
