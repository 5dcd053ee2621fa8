import { prng, type Prng } from './seeded.js'

/**
 * Client-side load for the child-process reliability tests: writers posting reports (single and
 * batch, plus retries of earlier ones) and a poller following the alert cursor, each keeping a
 * ledger of what the service acknowledged, so a test can check the database against it after a
 * crash. The service's URL is read on every request: it changes with each restart.
 */

export type Body = Record<string, unknown>

const CATEGORIES = ['HOS.IED', 'HOS.IED', 'ARM.IEDACT', 'COM.CLASH', 'COM.CLASH', 'POC.KILL', 'POC.ABDUCT', 'SAF.ROAD', 'HOS.DIRECT', 'ARM.CLASH'] as const
const ADMIN1 = ['Gao', 'Mopti'] as const
const ADMIN2 = ['Gao', 'Ansongo', 'Bourem'] as const
const ROUTES = ['MSR-1', 'MSR-2', 'MSR-3'] as const

/**
 * A report that occurred within the last ten minutes, in one of a few routes and districts so
 * that reports pile up into alerts. `now` is real time: the live service evaluates against it.
 */
export function liveReport(rand: Prng, id: string, now = Date.now()): Body {
  const route = rand.chance(0.8) ? { route: rand.pick(ROUTES) } : {}
  const injured = rand.chance(0.3) ? { injured: { civilian: rand.int(0, 4) } } : {}
  const killed = rand.chance(0.05) ? { killed: { un: { military: 1 } } } : {}
  return {
    id,
    mission: 'MINUSMA',
    occurredAt: new Date(now - rand.int(1_000, 600_000)).toISOString(),
    location: { lat: 16 + rand.next(), lon: -0.5 + rand.next(), admin1: rand.pick(ADMIN1), admin2: rand.pick(ADMIN2), ...route },
    category: rand.pick(CATEGORIES),
    casualties: { ...injured, ...killed },
    source: { reliability: rand.pick(['A', 'B', 'C', 'D', 'E', 'F']), credibility: rand.int(1, 6), sourceId: `src-${rand.int(1, 4)}` },
    narrative: `load report ${id}`,
  }
}

export interface Ledger {
  /** Reports the service answered 2xx for, with the first answer's alerts (a retry must get the same). */
  acked: Map<string, { body: Body; answer: unknown }>
  /** Reports sent without an answer (the service died or refused the connection): stored or not, never half. */
  doubt: Map<string, Body>
  /** Answers a healthy service must never give (non-2xx, changed replays): should stay empty. */
  unexpected: string[]
}

export function newLedger(): Ledger {
  return { acked: new Map(), doubt: new Map(), unexpected: [] }
}

const json = { 'content-type': 'application/json' }
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Writers posting reports until stopped; what was acknowledged lands in the ledger. */
export class Writers {
  private running = false
  private loops: Promise<void>[] = []
  /** Requests answered (any status), to let a test kill at a moment with traffic in flight. */
  answered = 0
  /** Reports in a request not yet settled: a retry of one of these would race its original. */
  private readonly inFlight = new Set<string>()

  /** `seed`: each client draws from its own generator, so its choices do not depend on the others' timing. */
  constructor(private readonly opts: { url: () => string; seed: number; ledger: Ledger; prefix: string }) {}

  start(clients: number) {
    this.running = true
    for (let i = 0; i < clients; i++) this.loops.push(this.loop(prng(this.opts.seed * 1000 + i), `${this.opts.prefix}-c${i}`))
  }

  async stop() {
    this.running = false
    await Promise.all(this.loops)
    this.loops = []
  }

  private async loop(rand: Prng, prefix: string) {
    let n = 0
    const fresh = () => liveReport(rand, `${prefix}-${String(++n).padStart(5, '0')}`)
    while (this.running) {
      const dice = rand.next()
      try {
        if (dice < 0.6) await this.single(fresh())
        else if (dice < 0.85) await this.batch(Array.from({ length: rand.int(2, 30) }, fresh))
        else await this.retry(rand)
      } catch {
        // The service is gone (killed, restarting): back off, the test decides when to stop.
        await pause(10)
      }
    }
  }

  /** Posts one report; 201 -> acknowledged. A failed request leaves it in doubt. */
  async single(body: Body) {
    const id = String(body.id)
    if (!this.opts.ledger.acked.has(id)) this.opts.ledger.doubt.set(id, body)
    this.inFlight.add(id)
    try {
      const res = await fetch(`${this.opts.url()}/reports`, { method: 'POST', headers: json, body: JSON.stringify(body) })
      const answer = await res.json() as { alerts?: unknown }
      this.answered++
      this.record(id, body, res.status, answer, res.headers.get('idempotent-replayed') === 'true')
    } finally {
      this.inFlight.delete(id)
    }
  }

  /** Posts reports as one batch; each 201 item -> acknowledged. */
  async batch(bodies: Body[]) {
    const ids = bodies.map((b) => String(b.id))
    bodies.forEach((b, i) => { if (!this.opts.ledger.acked.has(ids[i]!)) this.opts.ledger.doubt.set(ids[i]!, b) })
    for (const id of ids) this.inFlight.add(id)
    try {
      const res = await fetch(`${this.opts.url()}/reports/batch`, { method: 'POST', headers: json, body: JSON.stringify(bodies) })
      const answer = await res.json() as { results?: { id: string; status: number; replayed?: boolean; report?: unknown; alerts?: unknown }[] }
      this.answered++
      if (res.status !== 200 || !answer.results) {
        this.opts.ledger.unexpected.push(`batch answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
        return
      }
      answer.results.forEach((r, i) => this.record(ids[i]!, bodies[i]!, r.status, { report: r.report, alerts: r.alerts }, r.replayed === true))
    } finally {
      for (const id of ids) this.inFlight.delete(id)
    }
  }

  /** A client retrying: an acknowledged report (must replay the first answer) or one in doubt. */
  private async retry(rand: Prng) {
    const { ledger } = this.opts
    const pool = (ledger.doubt.size > 0 && rand.chance(0.5) ? [...ledger.doubt.values()] : [...ledger.acked.values()].map((a) => a.body))
      .filter((b) => !this.inFlight.has(String(b.id)))
    if (pool.length === 0) return
    await this.single(rand.pick(pool))
  }

  private record(id: string, body: Body, status: number, answer: unknown, replayed: boolean) {
    const { ledger } = this.opts
    if (status !== 201) {
      ledger.unexpected.push(`${id}: answered ${status}: ${JSON.stringify(answer).slice(0, 300)}`)
      return
    }
    const first = ledger.acked.get(id)
    if (first && JSON.stringify(first.answer) !== JSON.stringify(answer)) {
      ledger.unexpected.push(`${id}: a retry got another answer than the first: ${JSON.stringify(answer).slice(0, 300)} vs ${JSON.stringify(first.answer).slice(0, 300)}`)
    }
    if (first && !replayed) ledger.unexpected.push(`${id}: acknowledged before, but the retry was not marked Idempotent-Replayed`)
    if (!first) ledger.acked.set(id, { body, answer })
    ledger.doubt.delete(id)
  }
}

export interface SeenChange { seq: number; alertId: number; kind: string }

interface Page { changes: { seq: number; kind: string; alert: { id: number } }[]; nextCursor: number }

/** A JOC client following the change feed with its cursor, across restarts of the service. */
export class Poller {
  cursor = 0
  readonly seen: SeenChange[] = []
  private running = false
  private loopDone: Promise<void> = Promise.resolve()

  constructor(private readonly url: () => string) {}

  /** One page after the cursor; returns how many changes it held. Throws when the service is down. */
  async poll(): Promise<number> {
    const res = await fetch(`${this.url()}/alerts?after=${this.cursor}&limit=50&inhibited=include&silenced=include`)
    if (res.status !== 200) throw new Error(`poll answered ${res.status}`)
    const page = await res.json() as Page
    for (const c of page.changes) this.seen.push({ seq: c.seq, alertId: c.alert.id, kind: c.kind })
    this.cursor = page.nextCursor
    return page.changes.length
  }

  start() {
    this.running = true
    this.loopDone = (async () => {
      while (this.running) {
        try {
          if ((await this.poll()) === 0) await pause(15)
        } catch {
          await pause(15)
        }
      }
    })()
  }

  async stop() {
    this.running = false
    await this.loopDone
  }

  /** Polls until a page comes back empty: the poller has caught up with a quiet service. */
  async drain() {
    while ((await this.poll()) > 0) { /* next page */ }
  }
}
