import fs from 'node:fs'
import type { Clock } from '../clock.js'
import { loadGazetteers } from './gazetteer-loader.js'
import type { GazetteerProblem, GazetteerSet } from './gazetteer-types.js'

export interface GazetteerReloadAttempt {
  at: string
  /** What asked for it: startup, watch, SIGHUP, http. */
  trigger: string
  /** True when the set passed its check and is live. */
  ok: boolean
  /** True when a different set was swapped in. */
  changed: boolean
  version: string
  problems: GazetteerProblem[]
  warnings: GazetteerProblem[]
}

const EMPTY: GazetteerSet = { version: 'none', get: () => undefined, missions: () => [] }

/**
 * Holds the live gazetteers of every mission. A reload reads and checks every file first and
 * swaps the new set in only when it has no error; otherwise the running set stays live and the
 * failure is kept for GET /gazetteer/status, like the rules. A missing directory is no
 * gazetteer at all: reports keep their names as given.
 */
export class GazetteerRegistry {
  private live: GazetteerSet = EMPTY
  private loadedAt: number
  private lastAttempt: GazetteerReloadAttempt | null = null
  private lastFailure: GazetteerReloadAttempt | null = null

  constructor(readonly dir: string, private readonly clock: Clock) {
    this.loadedAt = clock()
  }

  /** The live set; read once per report so a swap never splits one. */
  current(): GazetteerSet {
    return this.live
  }

  /** Checks the directory and swaps the new set in when it is clean. Never throws. */
  reload(trigger = 'manual'): GazetteerReloadAttempt {
    const at = this.clock()
    const attempt: GazetteerReloadAttempt = { at: new Date(at).toISOString(), trigger, ok: false, changed: false, version: '', problems: [], warnings: [] }
    try {
      const loaded = fs.existsSync(this.dir) ? loadGazetteers(this.dir) : { set: EMPTY, problems: [] as [], warnings: [] }
      if (loaded.set) {
        attempt.ok = true
        attempt.version = loaded.set.version
        attempt.warnings = loaded.warnings
        if (loaded.set.version !== this.live.version) {
          this.live = loaded.set
          this.loadedAt = at
          attempt.changed = true
        }
      } else {
        attempt.problems = loaded.problems
      }
    } catch (err) {
      attempt.problems = [{ file: this.dir, line: 1, column: 1, path: '', message: `reload failed: ${(err as Error).message}`, severity: 'error' }]
    }
    this.lastAttempt = attempt
    if (!attempt.ok) this.lastFailure = attempt
    return attempt
  }

  /** The live version, its missions, the last attempt and the last refused one. */
  status() {
    return {
      version: this.live.version,
      loadedAt: new Date(this.loadedAt).toISOString(),
      missions: this.live.missions().map((m) => ({ mission: m, version: this.live.get(m)!.version })),
      dir: this.dir,
      lastAttempt: this.lastAttempt,
      lastFailure: this.lastFailure,
    }
  }
}
