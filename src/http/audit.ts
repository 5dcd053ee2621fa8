import type { FastifyInstance, FastifyRequest, onErrorAsyncHookHandler, onResponseAsyncHookHandler } from 'fastify'
import { VigilError } from '../errors.js'
import { toVigilError } from './error-handler.js'
import type { AuditRepo } from '../storage/audit-repo.js'
import type { JobOutcome, WriteQueue } from '../storage/write-queue.js'
import type { Clock } from '../clock.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once this request's write has been audited inside its transaction. */
    audited: boolean
    auditError: string | null
  }
  interface FastifyContextConfig {
    /** The audit action of a write route, e.g. report.create. */
    audit?: string
  }
}

const outcomeOf = (o: JobOutcome) => (o.ok ? 'success' : o.err instanceof VigilError ? o.err.code : 'VIGIL_INTERNAL')

/**
 * The audit trail of writes: who (key id and name), what, target, when, request id, outcome.
 * A write that reaches the single writer is audited in its own transaction (`after`); one refused
 * before (bad input, no permission) is audited when its response goes out.
 */
export function createAuditor(deps: { audit: AuditRepo; queue: WriteQueue; clock: Clock }) {
  const entry = (req: FastifyRequest, action: string, target: string | null, mission: string | null, outcome: string, detail?: Record<string, unknown>) => ({
    at: deps.clock(),
    keyId: req.principal?.keyId ?? null,
    keyName: req.principal?.name ?? 'unauthenticated',
    action,
    target,
    mission,
    requestId: req.id,
    outcome,
    ...(detail ? { detail } : {}),
  })

  return {
    /** The `after` hook that audits a write inside its transaction. */
    after(req: FastifyRequest, target: string | null, mission: string | null, action = req.routeOptions.config?.audit ?? 'write') {
      return (o: JobOutcome) => {
        deps.audit.append(entry(req, action, target, mission, outcomeOf(o)))
        req.audited = true
      }
    },

    /** Appends a record in a transaction of its own (writes that do not go through a job). */
    record(req: FastifyRequest, action: string, target: string | null, mission: string | null, outcome: string, detail?: Record<string, unknown>) {
      req.audited = true
      return deps.queue.run(() => deps.audit.append(entry(req, action, target, mission, outcome, detail)))
    },

    /**
     * Audits the writes that were refused before reaching a transaction. The hooks go only on
     * routes that declare an audit action, so reads (polled many times a second) never run them.
     */
    install(app: FastifyInstance) {
      app.decorateRequest('audited', false)
      app.decorateRequest('auditError', null)
      const onError: onErrorAsyncHookHandler = async (req, _reply, err) => {
        req.auditError = toVigilError(err, req)?.code ?? 'VIGIL_INTERNAL'
      }
      const onResponse: onResponseAsyncHookHandler = async (req, reply) => {
        const action = req.routeOptions.config?.audit
        if (!action || req.audited) return
        const outcome = reply.statusCode < 400 ? 'success' : req.auditError ?? `HTTP_${reply.statusCode}`
        await deps.queue.run(() => deps.audit.append(entry(req, action, targetOf(req), bodyField(req, 'mission'), outcome)))
      }
      app.addHook('onRoute', (route) => {
        if (!route.config?.audit) return
        route.onError = [...toArray(route.onError), onError]
        route.onResponse = [...toArray(route.onResponse), onResponse]
      })
    },
  }
}

/** The id in the URL, or a report's id in a refused body, when it looks like one. */
function targetOf(req: FastifyRequest): string | null {
  return (req.params as { id?: string } | undefined)?.id ?? bodyField(req, 'id')
}

/** A short text field of a body that may have failed validation: only ever a plain string. */
function bodyField(req: FastifyRequest, key: 'id' | 'mission'): string | null {
  const body = req.body as Record<string, unknown> | null | undefined
  const v = body && typeof body === 'object' && !Array.isArray(body) ? body[key] : undefined
  return typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null
}

const toArray = <T>(h: T | T[] | undefined): T[] => (h === undefined ? [] : Array.isArray(h) ? h : [h])

export type Auditor = ReturnType<typeof createAuditor>
