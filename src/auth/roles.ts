import { touchesAny, type AreaRef } from '../reports/report-place.js'
/** Who may do what. A key carries one role and the missions it may touch (or all). */
export const ROLES = ['analyst', 'joc', 'hq', 'admin', 'partner'] as const
export type Role = (typeof ROLES)[number]

export const PERMISSIONS = [
  'reports:write', 'reports:read', 'alerts:read', 'alerts:act', 'silences:manage', 'silences:read',
  'taxonomy:read', 'rules:read', 'rules:manage', 'rules:propose', 'audit:read', 'keys:manage', 'metrics:read',
  'notifications:read', 'reports:restricted', 'partner:read', 'partner:submit', 'alerts:release',
] as const
export type Permission = (typeof PERMISSIONS)[number]

/**
 * The role table. analyst: post, revise, retract and read reports, read alerts; joc: read,
 * acknowledge and resolve alerts, manage silences, read reports; hq: read everything, rule
 * status, reload and preview; admin: keys and the audit log. analyst (a mission's JMAC) and hq
 * may propose rule drafts and read them. Restricted (need-to-know) reports are read by the
 * mission's JMAC (analyst) and hq only. partner: a humanitarian or host-state organisation's
 * key, on its own routes (/partner/...): what was released to it, redacted, and its own reports.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  analyst: ['reports:write', 'reports:read', 'reports:restricted', 'alerts:read', 'taxonomy:read', 'rules:read', 'rules:propose'],
  joc: ['reports:read', 'alerts:read', 'alerts:act', 'alerts:release', 'silences:manage', 'silences:read', 'taxonomy:read', 'rules:read', 'notifications:read'],
  hq: ['reports:read', 'reports:restricted', 'alerts:read', 'silences:read', 'taxonomy:read', 'rules:read', 'rules:manage', 'rules:propose', 'audit:read', 'metrics:read', 'notifications:read'],
  admin: ['keys:manage', 'audit:read', 'taxonomy:read', 'rules:read', 'metrics:read', 'notifications:read'],
  partner: ['partner:read', 'partner:submit', 'taxonomy:read'],
}

/** Roles whose keys always cover every mission. */
export const ALL_MISSION_ROLES: readonly Role[] = ['hq', 'admin']

/** The caller of a request, shared by every request of its key. `missions` null means every mission. */
export interface Principal {
  readonly keyId: string | null
  readonly name: string
  readonly role: Role
  readonly missions: readonly string[] | null
  /** The areas (P-codes or names) within its missions it may see; null means every area. */
  readonly areas: readonly string[] | null
  readonly permissions: ReadonlySet<Permission>
  /** A partner key's organisation (e.g. ocha); null for the mission's own keys. */
  readonly org: string | null
}

export function principalFor(key: { id: string | null; name: string; role: Role; missions: readonly string[] | null; areas?: readonly string[] | null; org?: string | null }): Principal {
  // Frozen: one principal serves every request of its key.
  return Object.freeze({
    keyId: key.id, name: key.name, role: key.role,
    missions: key.missions === null ? null : Object.freeze([...key.missions]),
    areas: key.areas ? Object.freeze([...key.areas]) : null,
    permissions: new Set(ROLE_PERMISSIONS[key.role]),
    org: key.org ?? null,
  })
}

/** The development switch's caller: every permission, every mission, and a name that says so. */
export const AUTH_OFF_PRINCIPAL: Principal = Object.freeze({
  keyId: null, name: 'anonymous (auth off)', role: 'admin', missions: null, areas: null, permissions: new Set(PERMISSIONS), org: null,
})

/** True when the principal may see data of this mission. */
export function coversMission(p: Principal, mission: string): boolean {
  return p.missions === null || p.missions.includes(mission)
}

/**
 * True when the principal may see something lying in these areas: an area-scoped key sees what
 * touches one of its areas (by name or P-code, at either level); a key without areas sees all.
 */
export function coversAreas(p: Principal, areas: readonly AreaRef[] | undefined): boolean {
  return p.areas === null || touchesAny(areas, p.areas)
}
