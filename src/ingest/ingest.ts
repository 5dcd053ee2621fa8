import { errors, type Problem, VigilError } from '../errors.js'
import { classifyReport, fingerprint, validateReport, type Report } from '../reports/report.js'
import type { ReportInput } from '../reports/report-schema.js'
import { zodProblems } from '../zod-problems.js'
import type { Placer } from '../reports/report-place.js'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import type { ReportsRepo } from '../storage/reports-repo.js'
import type { JobOutcome, WriteQueue } from '../storage/write-queue.js'
import type { Clock } from '../clock.js'
import { presentReport, type PresentedReport } from './present-report.js'
import { BadNdjsonLine } from './ndjson.js'
import type { AlertChangeSummary } from '../engine/alert-change.js'

/** What evaluation made of one report change: the alert changes it caused, already stored. */
export type { AlertChangeSummary }

/**
 * Evaluates a report change against the live indicators. Runs inside the write transaction of
 * the change, so a report and the alerts it causes commit together or not at all.
 */
export interface Evaluator {
  reportChanged(change: { before: Report | null; after: Report | null; reportId: string }, now: number): AlertChangeSummary[] | Promise<AlertChangeSummary[]>
}

export interface WriteResult {
  report: PresentedReport
  alerts: AlertChangeSummary[]
}

export interface BatchItemResult {
  index: number
  id: string | null
  status: number
  /** True when this item repeated a report already stored: nothing new was written. */
  replayed?: boolean
  report?: PresentedReport
  alerts?: AlertChangeSummary[]
  code?: string
  message?: string
  problems?: Problem[]
}

/** Runs in a write's transaction once it has finished: its audit record. */
export type AfterWrite = (outcome: JobOutcome) => void

/** Throws (e.g. 403) for a report the caller may not write, once it is classified and placed. */
export type Authorize = (report: Report) => void

export interface BatchOptions {
  /** Throws (e.g. 403) for a report the caller may not write. */
  authorize?: Authorize
  /** The `after` hook for one item's write. */
  after?: (report: Report) => AfterWrite
}

export interface IngestDeps {
  reports: ReportsRepo
  queue: WriteQueue
  taxonomy: Taxonomy
  missions: readonly string[]
  clock: Clock
  evaluator: () => Evaluator
  onEvaluated?: (seconds: number) => void
  /** Resolves each report's place against its mission's gazetteer. */
  place?: Placer
}

export { zodProblems }

/**
 * Reports of a batch stored and evaluated in one write-queue job, so one transaction (one
 * commit, one fsync at synchronous=FULL) holds them, where one job per report commits every few
 * reports. A job of this size takes ~100 ms on an idle machine: what a write behind it may wait.
 */
export const BATCH_CHUNK = 100
/** Within a chunk, the event loop is let go this often (ms), so reads and health checks are answered. */
const CHUNK_TURN_MS = 20

type StoredNew = { status: 200 | 201; result: WriteResult; replayed: boolean }

/**
 * The ingest pipeline: classify -> store -> evaluate, one report at a time through the single
 * writer, each step of one report in one transaction.
 */
export function createIngest(deps: IngestDeps) {
  const { reports, queue, clock } = deps

  /** Runs an evaluation, timing it for the metrics. */
  async function evaluate(change: Parameters<Evaluator['reportChanged']>[0], now: number) {
    const started = performance.now()
    const alerts = await deps.evaluator().reportChanged(change, now)
    deps.onEvaluated?.((performance.now() - started) / 1000)
    return alerts
  }

  /** What a report is classified and placed against, at this moment. */
  const context = () => ({ taxonomy: deps.taxonomy, missions: deps.missions, now: clock(), ...(deps.place ? { place: deps.place } : {}) })

  function classify(input: ReportInput): Report {
    const out = classifyReport(input, context())
    if ('problems' in out) throw errors.VALIDATION(out.problems)
    return out.report
  }

  /** Stores a new report, or replays the first answer when the identical report is posted again. */
  async function storeNew(report: Report): Promise<StoredNew> {
    const fp = fingerprint(report)
    const existing = reports.firstRevision(report.id)
    if (existing) {
      if (existing.fingerprint !== fp) throw errors.REPORT_CONFLICT(report.id)
      return { status: 201, result: { report: presentReport(existing.first), alerts: existing.alerts ?? [] }, replayed: true }
    }
    const now = clock()
    const stored = reports.insert(report, fp, now)
    const alerts = await evaluate({ before: null, after: report, reportId: report.id }, now)
    const result = { report: presentReport(stored), alerts }
    reports.created(report, fp, now, result)
    return { status: 201, result, replayed: false }
  }

  return {
    /** A body as posted, checked against the schema and classified in one go: every problem at once. */
    validate(raw: unknown): ReportInput {
      const out = validateReport(raw, context())
      if ('problems' in out) throw errors.VALIDATION(out.problems)
      return out.input
    },

    /** POST /reports: validates, classifies and stores one report, evaluated in the same transaction. */
    create(input: ReportInput, after?: AfterWrite, authorize?: Authorize) {
      const report = classify(input)
      authorize?.(report)
      return queue.run(() => storeNew(report), after)
    },

    /**
     * Stores and evaluates a report that is already classified: a replay's input, which must be
     * evaluated exactly as the engine saw it, not re-classified against today's clock.
     */
    createClassified(report: Report) {
      return queue.run(() => storeNew(report))
    },

    /**
     * POST /reports/batch: each item validated on its own; the valid ones stored and evaluated in
     * occurredAt order. One bad item never rejects the others.
     */
    async batch(items: unknown[], opts: BatchOptions = {}): Promise<BatchItemResult[]> {
      const results: BatchItemResult[] = new Array(items.length)
      const valid: { index: number; report: Report }[] = []
      function validateItem(item: unknown, index: number) {
        if (item instanceof BadNdjsonLine) {
          const err = errors.BAD_JSON(`line ${item.line}: ${item.message}`)
          results[index] = { index, id: null, status: err.statusCode, code: err.code, message: err.message, problems: err.problems }
          return
        }
        const id = typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : null
        const checked = validateReport(item, context())
        if ('problems' in checked) {
          results[index] = { index, id, status: 400, code: errors.VALIDATION.code, message: 'invalid report', problems: checked.problems }
          return
        }
        try {
          const report = checked.report
          opts.authorize?.(report)
          valid.push({ index, report })
        } catch (err) {
          results[index] = failure(index, id, err)
        }
      }
      // Validating a few thousand items takes seconds on a loaded machine: the event loop is let
      // go between them, as between the chunks' reports.
      let turn = performance.now()
      for (const [index, item] of items.entries()) {
        if (performance.now() - turn > CHUNK_TURN_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve))
          turn = performance.now()
        }
        validateItem(item, index)
      }
      valid.sort((a, b) => Date.parse(a.report.occurredAt) - Date.parse(b.report.occurredAt) || a.index - b.index)
      const stored = (index: number, report: Report, out: StoredNew) => {
        results[index] = { index, id: report.id, status: out.status, replayed: out.replayed, report: out.result.report, alerts: out.result.alerts }
      }
      /** One job per report, each refused or stored on its own: a chunk that failed as a whole. */
      const oneByOne = (chunk: typeof valid) => Promise.all(chunk.map(({ index, report }) =>
        queue.run(() => storeNew(report), opts.after?.(report)).then(
          (out) => stored(index, report, out),
          (err) => { results[index] = failure(index, report.id, err) },
        )))
      const chunks: (typeof valid)[] = []
      for (let i = 0; i < valid.length; i += BATCH_CHUNK) chunks.push(valid.slice(i, i + BATCH_CHUNK))
      await Promise.all(chunks.map(async (chunk) => {
        let outs: StoredNew[]
        try {
          // Any refusal (a conflicting id, a failing audit hook) throws, so the chunk is rolled
          // back whole, memory included; its reports are then written one job each, as before.
          outs = await queue.run(async () => {
            const done: StoredNew[] = []
            let turn = performance.now()
            for (const { report } of chunk) {
              // The transaction stays open; readers (another connection, WAL) are not held by it.
              if (performance.now() - turn > CHUNK_TURN_MS) {
                await new Promise<void>((resolve) => setImmediate(resolve))
                turn = performance.now()
              }
              const after = opts.after?.(report)
              const out = await storeNew(report)
              after?.({ ok: true, value: out })
              done.push(out)
            }
            return done
          })
        } catch {
          return oneByOne(chunk)
        }
        chunk.forEach(({ index, report }, i) => stored(index, report, outs[i]!))
      }))
      return results
    },

    /** PUT /reports/:id: stores a new revision and re-evaluates what the old and new content touch. */
    revise(id: string, input: ReportInput, after?: AfterWrite, authorize?: Authorize) {
      if (input.id !== id) throw errors.ID_MISMATCH(id, input.id)
      const report = classify(input)
      authorize?.(report)
      return queue.run(async (): Promise<{ status: 200; result: WriteResult }> => {
        const current = reports.get(id)
        if (!current) throw errors.REPORT_NOT_FOUND(id)
        if (current.status === 'retracted') throw errors.REPORT_RETRACTED(id)
        const fp = fingerprint(report)
        if (fp === current.fingerprint) return { status: 200, result: { report: presentReport(current), alerts: [] } }
        const now = clock()
        reports.revise(report, fp, current.revision + 1, now)
        const alerts = await evaluate({ before: current.report, after: report, reportId: id }, now)
        return { status: 200, result: { report: presentReport(reports.get(id)!), alerts } }
      }, after)
    },

    /** DELETE /reports/:id: marks the report retracted (kept, no longer evaluated). Repeating it is harmless. */
    retract(id: string, reason: string | null, after?: AfterWrite) {
      return queue.run(async (): Promise<{ status: 200; result: WriteResult }> => {
        const current = reports.get(id)
        if (!current) throw errors.REPORT_NOT_FOUND(id)
        if (current.status === 'retracted') return { status: 200, result: { report: presentReport(current), alerts: [] } }
        const now = clock()
        reports.retract(id, current.revision + 1, reason, now)
        const alerts = await evaluate({ before: current.report, after: null, reportId: id }, now)
        return { status: 200, result: { report: presentReport(reports.get(id)!), alerts } }
      }, after)
    },
  }
}

function failure(index: number, id: string | null, err: unknown): BatchItemResult {
  if (err instanceof VigilError) {
    return { index, id, status: err.statusCode, code: err.code, message: err.message, problems: err.problems, ...err.extra }
  }
  throw err
}

export type Ingest = ReturnType<typeof createIngest>
