import type { Clock } from '../clock.js'
import { loadRoutingFile, type RoutingCheckOptions, type RoutingProblem } from './routing-loader.js'
import { EMPTY_ROUTING, type Routing } from './routing-tree.js'

export interface RoutingReloadAttempt {
  at: string
  trigger: string
  ok: boolean
  changed: boolean
  version: string
  /** The file does not exist: nothing is routed (not a failure). */
  missing: boolean
  problems: RoutingProblem[]
}

/**
 * Holds the live routing. A reload checks the whole file first and swaps it in only when it has
 * no problem; otherwise the running routing stays live (like the rules).
 */
export class RoutingRegistry {
  private live: Routing = EMPTY_ROUTING
  private loadedAt: number
  private lastAttempt: RoutingReloadAttempt | null = null
  private lastFailure: RoutingReloadAttempt | null = null

  constructor(readonly file: string, private readonly clock: Clock, private readonly opts: RoutingCheckOptions = {}) {
    this.loadedAt = clock()
  }

  current(): Routing {
    return this.live
  }

  reload(trigger = 'manual'): RoutingReloadAttempt {
    const at = this.clock()
    const attempt: RoutingReloadAttempt = { at: new Date(at).toISOString(), trigger, ok: false, changed: false, version: '', missing: false, problems: [] }
    try {
      const loaded = loadRoutingFile(this.file, this.opts)
      if (loaded.ok) {
        attempt.ok = true
        attempt.version = loaded.routing.version
        attempt.missing = loaded.missing === true
        // Always swapped in: a secret file may have changed under the same routing text.
        attempt.changed = loaded.routing.version !== this.live.version
        this.live = loaded.routing
        if (attempt.changed) this.loadedAt = at
      } else {
        attempt.version = loaded.version
        attempt.problems = loaded.problems
      }
    } catch (err) {
      attempt.problems = [{ file: this.file, line: 1, column: 1, path: '', message: `reload failed: ${(err as Error).message}` }]
    }
    this.lastAttempt = attempt
    if (!attempt.ok) this.lastFailure = attempt
    return attempt
  }

  /** Installs a routing directly (tests). */
  install(routing: Routing) {
    this.live = routing
    this.loadedAt = this.clock()
  }

  status() {
    return {
      version: this.live.version,
      loadedAt: new Date(this.loadedAt).toISOString(),
      file: this.file,
      receivers: [...this.live.receivers.keys()],
      lastAttempt: this.lastAttempt,
      lastFailure: this.lastFailure,
    }
  }
}
