import { z } from 'zod'
import { CHANGE_KINDS } from '../alerts/alert.js'
import { GRADES, LEVELS } from '../alerts/levels.js'

/** Alertmanager-style durations: 0s, 30s, 5m, 4h, 1d (ms for tests that need them short). */
export const NOTIFY_DURATION = /^(0|[1-9]\d{0,6})(ms|s|m|h|d)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

const duration = z.string().regex(NOTIFY_DURATION, 'a duration such as 0s, 30s, 5m, 4h or 1d')

/** Milliseconds of a duration the schema accepted. */
export function notifyDurationMs(text: string): number {
  const m = NOTIFY_DURATION.exec(text)
  if (!m) throw new Error(`not a duration: ${text}`)
  return Number(m[1]) * UNIT_MS[m[2]!]!
}

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)])
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (up to 64)')
const httpUrl = z.string().url().refine((u) => /^https?:\/\//.test(u), 'an http or https URL')

/** A secret given inline or, better, read from a file kept out of git. */
const secretFields = { secret: z.string().min(16, 'at least 16 characters').optional(), secretFile: z.string().min(1).optional() }

export const webhookConfigSchema = z.strictObject({
  url: httpUrl,
  ...secretFields,
  timeout: duration.default('10s'),
}).refine((w) => w.secret !== undefined || w.secretFile !== undefined, { message: 'give secret or secretFile: the receiver checks X-Vigil-Signature with it', path: ['secret'] })

export const emailConfigSchema = z.strictObject({
  to: oneOrMany(z.string().email()),
  from: z.string().email(),
  /** host:port of the SMTP server. */
  smarthost: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'host:port'),
  /** Language of the message: English or French. */
  language: z.enum(['en', 'fr']).default('en'),
  /** Refuse to send without STARTTLS (on by default; turn off only for a local relay). */
  requireTls: z.boolean().default(true),
  username: z.string().min(1).optional(),
  passwordFile: z.string().min(1).optional(),
  timeout: duration.default('30s'),
})

export const teamsConfigSchema = z.strictObject({ url: httpUrl, timeout: duration.default('10s') })
export const slackConfigSchema = z.strictObject({ url: httpUrl, channel: z.string().min(1).optional(), timeout: duration.default('10s') })

/** A receiver: a name and at most one way to reach it (none: a null receiver that sends nothing). */
export const receiverSchema = z.strictObject({
  name,
  webhook: webhookConfigSchema.optional(),
  email: emailConfigSchema.optional(),
  teams: teamsConfigSchema.optional(),
  slack: slackConfigSchema.optional(),
})

/**
 * What a route matches; every matcher given must hold, and a list means any of its values.
 * `area` is any of the alert's admin1, admin2, route or site; `category` a taxonomy code or top
 * code (an alert watching it or anything under it).
 */
export const matchersSchema = z.strictObject({
  mission: oneOrMany(z.string().min(1)).optional(),
  area: oneOrMany(z.string().min(1)).optional(),
  level: oneOrMany(z.enum(LEVELS)).optional(),
  grade: oneOrMany(z.enum(GRADES)).optional(),
  category: oneOrMany(z.string().regex(/^[A-Z]{2,5}(\.[A-Z0-9_]{1,24})?$/, 'a taxonomy code such as HOS or HOS.IED')).optional(),
  indicator: oneOrMany(z.string().min(1)).optional(),
  kind: oneOrMany(z.enum(CHANGE_KINDS)).optional(),
})

/** Alert labels a route may group by; the mission is always part of the group. */
export const GROUP_LABELS = ['indicator', 'level', 'grade', 'category', 'area', 'alert'] as const

export interface RouteInput {
  receiver?: string | undefined
  escalateTo?: string | undefined
  matchers?: z.input<typeof matchersSchema> | undefined
  continue?: boolean | undefined
  groupBy?: (typeof GROUP_LABELS)[number][] | undefined
  groupWait?: string | undefined
  groupInterval?: string | undefined
  repeatInterval?: string | undefined
  routes?: RouteInput[] | undefined
}

export const routeSchema: z.ZodType<RouteInput> = z.lazy(() => z.strictObject({
  receiver: name.optional(),
  /** The next level up: an `overdue` change of an alert this route takes also goes to this receiver. */
  escalateTo: name.optional(),
  matchers: matchersSchema.optional(),
  continue: z.boolean().optional(),
  groupBy: z.array(z.enum(GROUP_LABELS)).optional(),
  groupWait: duration.optional(),
  groupInterval: duration.optional(),
  repeatInterval: duration.optional(),
  routes: z.array(routeSchema).optional(),
}))

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const

/** A scheduled brief: a mission's (or HQ's, across missions) daily or weekly summary, sent to receivers. */
export const briefScheduleSchema = z.strictObject({
  mission: z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a mission code such as MINUSMA, or HQ for every mission'),
  every: z.enum(['day', 'week']),
  /** Local time of day, 24-hour. */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 07:00'),
  /** IANA time zone of `at`, e.g. Africa/Bamako. */
  timeZone: z.string().min(1).default('UTC'),
  /** The day a weekly brief goes out. */
  weekday: z.enum(WEEKDAYS).default('monday'),
  receivers: z.array(name).default([]),
})

/** The routing file: receivers and the routing tree (Alertmanager's shape, vigil's matchers), and scheduled briefs. */
export const routingFileSchema = z.strictObject({
  receivers: z.array(receiverSchema).default([]),
  route: routeSchema.optional(),
  briefs: z.array(briefScheduleSchema).default([]),
})

export type RoutingFile = z.output<typeof routingFileSchema>
export type Receiver = z.output<typeof receiverSchema>
export type Matchers = z.output<typeof matchersSchema>
export type BriefSchedule = z.output<typeof briefScheduleSchema>
