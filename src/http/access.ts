import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'
import { AUTH_OFF_PRINCIPAL, coversAreas, coversMission, principalFor, type Permission, type Principal } from '../auth/roles.js'
import { placeOf, type Report } from '../reports/report.js'
import { sensitivityOf } from '../reports/report-release.js'
import { areasOfPlace, type AreaRef } from '../reports/report-place.js'
import { hashToken } from '../auth/tokens.js'
import type { ApiKey } from '../storage/keys-repo.js'
import type { LiveKeys } from '../storage/live-keys.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal
  }
  interface FastifyContextConfig {
    /**
     * What the route needs: a permission; 'authenticated' for any valid key; 'public' for health
     * and docs. A route without one is refused.
     */
    permission?: Permission | 'authenticated' | 'public'
  }
}

export interface AccessOptions {
  auth: 'on' | 'off'
  keys: LiveKeys
  /** Route prefixes served to anyone: the API documentation, whose routes a plugin registers. */
  publicPrefixes?: readonly string[]
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]{16,200}=*)$/

/** Each live key's principal, made once (the live keys keep their objects until they change). */
const principals = new WeakMap<ApiKey, Principal>()

/** The key behind a bearer token, or null; the token is compared only through its hash. */
function authenticate(req: FastifyRequest, keys: LiveKeys): Principal | null {
  const header = req.headers.authorization
  if (typeof header !== 'string') return null
  const m = BEARER.exec(header)
  if (!m) return null
  // Looked up by its SHA-256 digest: the token's own bytes are never compared.
  const key = keys.activeByHash(hashToken(m[1]!))
  if (!key) return null
  let principal = principals.get(key)
  if (!principal) principals.set(key, principal = principalFor(key))
  return principal
}

/**
 * Every request is authenticated and authorised before its handler runs: the route's declared
 * permission against the key's role. Secure by default: a route that declares nothing is refused.
 * Mission scope is checked where the data is known (handlers), with the helpers below.
 */
export function installAccess(app: FastifyInstance, opts: AccessOptions): void {
  app.decorateRequest('principal', null as unknown as Principal)
  app.addHook('onRequest', async (req, reply) => {
    const permission = req.routeOptions.config?.permission
    const url = req.routeOptions.url
    if (permission === 'public' || url === undefined || opts.publicPrefixes?.some((p) => url.startsWith(p))) return
    if (opts.auth === 'off') {
      req.principal = AUTH_OFF_PRINCIPAL
      reply.header('x-vigil-auth', 'off')
      return
    }
    const principal = authenticate(req, opts.keys)
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="vigil"')
      throw errors.UNAUTHENTICATED()
    }
    req.principal = principal
    if (permission === 'authenticated') return
    if (!permission || !principal.permissions.has(permission)) throw errors.FORBIDDEN(principal.role, permission ?? 'an undeclared route')
  })
}

/** The missions the caller may see: null for all. */
export function scopeOf(req: FastifyRequest): readonly string[] | null {
  return req.principal.missions
}

/** Refuses (403) a write or an explicit request for a mission outside the caller's scope. */
export function requireMission(req: FastifyRequest, mission: string, path = 'mission'): void {
  if (!coversMission(req.principal, mission)) throw errors.OUT_OF_SCOPE(mission, path)
}

/** True when the caller may see this mission's data; a false answers 404, so existence never leaks. */
export function canSee(req: FastifyRequest, mission: string): boolean {
  return coversMission(req.principal, mission)
}

/** The areas the caller may see within its missions: null for all. */
export function areasOf(req: FastifyRequest): readonly string[] | null {
  return req.principal.areas
}

/** True when the caller may see something of this mission lying in these areas; a false answers 404. */
export function canSeeAt(req: FastifyRequest, mission: string, areas: readonly AreaRef[] | undefined): boolean {
  return coversMission(req.principal, mission) && coversAreas(req.principal, areas)
}

/** Refuses (403) a report the caller may not write: another mission, or placed outside its areas. */
export function requireReportScope(req: FastifyRequest, report: Report): void {
  requireMission(req, report.mission)
  const areas = areasOfPlace(placeOf(report))
  if (!coversAreas(req.principal, areas)) {
    const where = areas.map((a) => a.pcode ? `${a.name} (${a.pcode})` : a.name).join(', ') || 'a place in no known area'
    throw errors.OUT_OF_AREA(`report ${report.id}, placed in ${where},`, 'location')
  }
}

/**
 * True when the caller may read this report: its mission and area, and for a restricted
 * (need-to-know) report the permission to read those (the JMAC and hq). A false answers 404.
 */
export function canReadReport(req: FastifyRequest, report: Report): boolean {
  if (!canSeeAt(req, report.mission, areasOfPlace(placeOf(report)))) return false
  return sensitivityOf(report) !== 'restricted' || req.principal.permissions.has('reports:restricted')
}

/**
 * An alert's contributing inputs as the caller may see them: the ids of the reports it may read
 * (and of alerts, for escalations), and how many more there are. A restricted report still
 * counts in the alert; it is only withheld here (count, not content).
 */
export function visibleInputs(ids: readonly string[], readable: (id: string) => boolean): { inputs: string[]; withheldInputs: number } {
  const inputs = ids.filter(readable)
  return { inputs, withheldInputs: ids.length - inputs.length }
}
