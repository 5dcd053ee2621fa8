import { errors, type Problem } from '../errors.js'
import { ALL_MISSION_ROLES, type Role } from './roles.js'
import { hashToken, newKeyId, newToken } from './tokens.js'
import { ORG_PATTERN } from '../reports/report-schema.js'
import type { ApiKey, KeysRepo } from '../storage/keys-repo.js'
import type { AuditRepo } from '../storage/audit-repo.js'

export interface KeyRequest {
  name: string
  role: Role
  /** Missions the key may touch; ignored (all) for hq and admin. */
  missions?: readonly string[]
  /** Areas within those missions (a sector desk): names or P-codes; none means every area. */
  areas?: readonly string[]
  /** A partner key's organisation (required for partner, refused for every other role). */
  org?: string
}

/** An area named for a key, resolved in its missions: the key to store, or the closest names. */
export type ResolveArea = (missions: readonly string[], name: string) => { key: string } | { closest: string[] }

/** Who is managing keys, for the audit trail. */
export interface KeyActor {
  keyId: string | null
  name: string
  requestId?: string | null
}

/** A key as shown to its managers: never its token or hash. */
export function presentKey(k: ApiKey) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  return {
    id: k.id, name: k.name, role: k.role, missions: k.missions ?? ['*'], areas: k.areas, ...(k.org ? { org: k.org } : {}), createdAt: iso(k.createdAt), createdBy: k.createdBy,
    revokedAt: iso(k.revokedAt), revokedBy: k.revokedBy, active: k.revokedAt === null,
  }
}

/**
 * Creates and revokes keys, for the admin API and the `vigil keys` command alike. Runs in the
 * caller's transaction; every change is audited in it.
 */
export function createKeyAdmin(deps: { keys: KeysRepo; audit: AuditRepo; missions: readonly string[]; resolveArea?: ResolveArea }) {
  const audit = (actor: KeyActor, action: string, target: string, outcome: string, now: number, detail?: Record<string, unknown>) =>
    deps.audit.append({ at: now, keyId: actor.keyId, keyName: actor.name, action, target, mission: null, requestId: actor.requestId ?? null, outcome, ...(detail ? { detail } : {}) })

  return {
    /** Makes a key; the token is returned once and stored only as its hash. */
    create(req: KeyRequest, actor: KeyActor, now: number): { key: ApiKey; token: string } {
      const allMissions = ALL_MISSION_ROLES.includes(req.role)
      const problems: Problem[] = []
      if (!allMissions) {
        if (!req.missions || req.missions.length === 0) problems.push({ path: 'missions', message: `${/^[aeiou]/.test(req.role) ? 'an' : 'a'} ${req.role} key needs at least one mission` })
        for (const [i, m] of (req.missions ?? []).entries()) {
          if (!deps.missions.includes(m)) problems.push({ path: `missions.${i}`, message: `unknown mission '${m}'` })
        }
      }
      const areas: string[] = []
      if (req.areas && req.areas.length > 0) {
        if (allMissions) problems.push({ path: 'areas', message: `a ${req.role} key sees every mission and area; areas are for analyst and joc keys` })
        for (const [i, name] of req.areas.entries()) {
          const found = deps.resolveArea ? deps.resolveArea(req.missions ?? [], name) : { key: name }
          if ('key' in found) areas.push(found.key)
          else problems.push({ path: `areas.${i}`, message: `unknown area '${name}' in the key's missions; closest: ${found.closest.join(', ')}`, detail: { closest: found.closest } })
        }
      }
      if (req.role === 'partner' && !req.org) problems.push({ path: 'org', message: 'a partner key needs its organisation (--org), e.g. ocha' })
      if (req.role !== 'partner' && req.org) problems.push({ path: 'org', message: `an organisation is for partner keys; a ${req.role} key is the mission's own` })
      if (req.org && !ORG_PATTERN.test(req.org)) problems.push({ path: 'org', message: 'an organisation code: lower-case letters, digits and -, e.g. ocha' })
      if (problems.length > 0) throw errors.VALIDATION(problems)
      const token = newToken()
      const key = deps.keys.create({
        id: newKeyId(), name: req.name, role: req.role, missions: allMissions ? null : [...new Set(req.missions)],
        areas: areas.length > 0 ? [...new Set(areas)] : null, org: req.role === 'partner' ? req.org! : null, tokenHash: hashToken(token), now, by: actor.name,
      })
      audit(actor, 'key.create', key.id, 'success', now, { name: key.name, role: key.role, missions: key.missions ?? ['*'], ...(key.areas ? { areas: key.areas } : {}), ...(key.org ? { org: key.org } : {}) })
      return { key, token }
    },

    /** Revokes a key at once; repeating it is harmless. The last admin key cannot be revoked. */
    revoke(id: string, actor: KeyActor, now: number): ApiKey {
      const key = deps.keys.get(id)
      if (!key) throw errors.KEY_NOT_FOUND(id)
      if (key.revokedAt === null && key.role === 'admin' && deps.keys.activeAdminCount() <= 1) throw errors.LAST_ADMIN_KEY(id)
      if (deps.keys.revoke(id, actor.name, now)) audit(actor, 'key.revoke', id, 'success', now)
      return deps.keys.get(id)!
    },
  }
}

export type KeyAdmin = ReturnType<typeof createKeyAdmin>
