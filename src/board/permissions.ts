import type { WhoAmI } from './types'

/** What the page may show, from the key's permissions (GET /whoami). */
export const can = (who: WhoAmI, permission: string): boolean => who.permissions.includes(permission)

/** The HQ view shows every mission and the rule set's status, which only HQ keys may read. */
export const canSeeHq = (who: WhoAmI): boolean => can(who, 'rules:manage') && can(who, 'alerts:read')
