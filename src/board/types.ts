/** The API's answers as the board reads them (the service's zod schemas and presenters are the source). */

export type Level = 'tactical' | 'operational' | 'strategic'
export type Grade = 'low' | 'medium' | 'high' | 'critical'
export type Confidence = 'low' | 'medium' | 'high'
export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'expired' | 'withdrawn'
export type ChangeKind =
  | 'raised' | 'updated' | 'escalated' | 'downgraded' | 'acknowledged' | 'resolved' | 'expired' | 'withdrawn'
  | 'silenced' | 'unsilenced' | 'inhibited' | 'released'

export const LEVELS: readonly Level[] = ['tactical', 'operational', 'strategic']
export const GRADES: readonly Grade[] = ['low', 'medium', 'high', 'critical']
export const STATUSES: readonly AlertStatus[] = ['open', 'acknowledged', 'resolved', 'expired', 'withdrawn']
export const ACTIVE: readonly AlertStatus[] = ['open', 'acknowledged']

export interface LatLon { lat: number; lon: number }

export interface AlertScope {
  mission: string
  groupBy: Record<string, string>
  admin1?: string
  admin1Pcode?: string
  admin2?: string
  admin2Pcode?: string
  route?: string
  site?: string
  siteId?: string
  /** Every admin1 and admin2 area the alert's inputs lie in. */
  areas?: { level: 1 | 2; name: string; pcode?: string }[]
  center?: LatLon
  radiusKm?: number
  centroid?: LatLon
}

export interface ExplanationCondition {
  fact?: string
  operator?: string
  value?: unknown
  factResult?: unknown
  result?: boolean
  params?: Record<string, unknown>
  name?: string
  all?: ExplanationCondition[]
  any?: ExplanationCondition[]
  not?: ExplanationCondition
}

export interface Alert {
  id: number
  identity: string
  indicator: { id: string; version: number }
  mission: string
  taxonomy: string[]
  topCategory: string
  level: Level
  grade: Grade
  confidence: Confidence
  trend: number | null
  status: AlertStatus
  statusReason: string | null
  silenced: boolean
  inhibited: boolean
  scope: AlertScope
  windowHours: number
  count: number
  facts: Record<string, number | null>
  summary: string
  explanation: unknown
  firstSeen: string
  lastSeen: string
  raisedAt: string
  updatedAt: string
  expiresAt: string
  acknowledged: { by: string; at: string } | null
  resolved: { by: string; at: string } | null
  /** The change's place in the feed: a number, or a sealed token for a mission-scoped key. */
  seq: number | string
  inputs?: string[]
}

export interface AlertChange {
  /** The change's place in the feed: a number, or a sealed token for a mission-scoped key. */
  seq: number | string
  kind: ChangeKind
  at: string
  actor: string | null
  cause: string | null
  inputs: string[]
  alert: Alert
}

export interface WhoAmI {
  keyId: string | null
  name: string
  role: string
  missions: string[] | null
  areas: string[] | null
  permissions: string[]
}

export interface RuleSummary {
  id: string
  title: string
  titleFr?: string
  description: string
  owner: string
  status: string
  version: number
  taxonomy: string[]
  levels: Level[]
  thresholds: { level: Level; grade: Grade }[]
  window: string
  expires: string
  summary?: string
  summaryFr?: string
}

export interface TaxonomyEntry { code: string; label: string; description?: string }
export interface TaxonomyCategory { code: string; label: string; description?: string; subcategories?: TaxonomyEntry[]; codes?: TaxonomyEntry[] }

export interface Problem { path: string; message: string; detail?: Record<string, unknown> }

export interface GazetteerFeature {
  type: 'Feature'
  geometry: { type: string; coordinates: unknown } | null
  properties: {
    featureType: 'area' | 'site' | 'route'
    level?: 1 | 2
    pcode?: string
    name: string
    id?: string
    kind?: string
    radiusKm?: number
    corridorKm?: number
  }
}
export interface Gazetteer { type: 'FeatureCollection'; features: GazetteerFeature[] }

export interface SummaryCounts {
  byLevel: Record<string, number>
  byGrade: Record<string, number>
  byStatus: Record<string, number>
  open: Alert[]
}
