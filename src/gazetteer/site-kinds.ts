/** The kinds of UN site a gazetteer knows, and how far around each an event counts as "at" it. */
export const SITE_KINDS = ['mission-hq', 'sector-hq', 'base', 'poc-site', 'idp-site', 'airfield', 'police', 'other'] as const
export type SiteKind = (typeof SITE_KINDS)[number]

/**
 * The radius an importer gives a site of each kind when the source has none. HQs sit in towns
 * (Bangui, Bouar, Bria), and an event anywhere in the town concerns the HQ: 10 km. A company or
 * temporary operating base is a camp at the edge of a smaller town, patrolled about 5 km around.
 * PoC and IDP sites, airfields and police posts are compounds where "at" means at the fence.
 */
export const DEFAULT_RADIUS_KM: Record<SiteKind, number> = {
  'mission-hq': 10,
  'sector-hq': 10,
  base: 5,
  'poc-site': 2,
  'idp-site': 2,
  airfield: 3,
  police: 3,
  other: 5,
}

/** Beyond this a site's radius covers whole districts: a mistake, not a site. */
export const MAX_SITE_RADIUS_KM = 50
/** Beyond this a route's corridor is a region, not a road. */
export const MAX_ROUTE_CORRIDOR_KM = 25
