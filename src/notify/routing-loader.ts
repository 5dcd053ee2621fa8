import fs from 'node:fs'
import { DATA_GAP_FAMILY, DATA_GAP_INDICATOR } from '../alerts/reporting-gaps.js'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml'
import type { z } from 'zod'
import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { didYouMean } from '../rules/did-you-mean.js'
import {
  emailConfigSchema, matchersSchema, notifyDurationMs, receiverSchema, routingFileSchema, slackConfigSchema, teamsConfigSchema,
  webhookConfigSchema, type RouteInput, type RoutingFile,
} from './routing-schema.js'
import { EMPTY_ROUTING, type CompiledRoute, type LiveReceiver, type Routing } from './routing-tree.js'

/** One thing wrong in the routing file, at a place an editor can jump to. */
export interface RoutingProblem {
  file: string
  line: number
  column: number
  /** Dotted path inside the file, e.g. `route.routes.0.receiver`. */
  path: string
  message: string
}

export type RoutingLoad = { ok: true; routing: Routing } | { ok: false; problems: RoutingProblem[]; version: string }

/** Alertmanager's defaults. */
const DEFAULTS = { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' }

type Path = (string | number)[]

function positionOf(doc: Document, counter: LineCounter, p: Path, key?: string): { line: number; column: number } {
  if (key !== undefined) {
    const map = p.length === 0 ? doc.contents : doc.getIn(p, true)
    const pair = isMap(map) ? map.items.find((i) => isScalar(i.key) && i.key.value === key) : undefined
    if (pair && isNode(pair.key) && pair.key.range) {
      const pos = counter.linePos(pair.key.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true)
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0])
      return { line: pos.line, column: pos.col }
    }
  }
  return { line: 1, column: 1 }
}

/** The fields an object at this path may hold, for "did you mean". */
function knownFields(p: Path): string[] {
  const last = p[p.length - 1]
  const objectShape = (o: z.ZodType): string[] => ('shape' in o ? Object.keys((o as unknown as { shape: object }).shape) : [])
  if (last === 'matchers') return Object.keys(matchersSchema.shape)
  if (p[0] === 'receivers' && p.length === 2) return Object.keys(receiverSchema.shape)
  if (last === 'webhook' || last === 'email' || last === 'teams' || last === 'slack') {
    return objectShape({ webhook: webhookConfigSchema, email: emailConfigSchema, teams: teamsConfigSchema, slack: slackConfigSchema }[last] as z.ZodType)
  }
  if (last === 'route' || p[p.length - 2] === 'routes') return ROUTE_FIELDS
  if (p[0] === 'briefs' && p.length === 2) return ['mission', 'every', 'at', 'timeZone', 'weekday', 'receivers']
  if (p.length === 0) return ['receivers', 'route', 'briefs']
  return []
}

const ROUTE_FIELDS = ['receiver', 'escalateTo', 'matchers', 'continue', 'groupBy', 'groupWait', 'groupInterval', 'repeatInterval', 'routes']

function schemaProblems(file: string, issue: z.core.$ZodIssue, doc: Document, counter: LineCounter): RoutingProblem[] {
  const p = issue.path.map((x) => (typeof x === 'symbol' ? String(x) : x))
  if (issue.code === 'unrecognized_keys') {
    const known = knownFields(p)
    return issue.keys.map((key) => ({
      file, ...positionOf(doc, counter, p, key), path: [...p, key].join('.'),
      message: `unknown field '${key}'${didYouMean(key, known)}${known.length > 0 ? `; known fields: ${known.join(', ')}` : ''}`,
    }))
  }
  if (issue.code === 'invalid_union') {
    // A value or a list of values: the value's own complaint says most.
    const first = issue.errors[0]?.[0]
    if (first) return [{ file, ...positionOf(doc, counter, p), path: p.join('.'), message: first.message }]
  }
  if (issue.code === 'invalid_type' && p.length > 0 && !doc.hasIn(p)) {
    return [{ file, ...positionOf(doc, counter, p), path: p.join('.'), message: `missing required field '${String(p[p.length - 1])}'` }]
  }
  return [{ file, ...positionOf(doc, counter, p), path: p.join('.'), message: issue.message }]
}

interface MeaningContext {
  file: string
  dir: string
  taxonomy: Taxonomy | undefined
  missions: readonly string[] | undefined
  report: (p: Path, message: string, key?: string) => void
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** Reads a secret file (relative to the routing file); a problem when it cannot be read. */
function readSecret(ctx: MeaningContext, p: Path, file: string): string | undefined {
  try {
    const text = fs.readFileSync(path.resolve(ctx.dir, file), 'utf8').trim()
    if (text.length < 16 && p[p.length - 1] === 'secretFile') ctx.report(p, `the secret in ${file} is shorter than 16 characters`)
    return text
  } catch (err) {
    ctx.report(p, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    return undefined
  }
}

function liveReceivers(ctx: MeaningContext, data: RoutingFile): Map<string, LiveReceiver> {
  const out = new Map<string, LiveReceiver>()
  data.receivers.forEach((r, i) => {
    if (out.has(r.name)) ctx.report(['receivers', i, 'name'], `receiver '${r.name}' is defined twice`)
    const channels = (['webhook', 'email', 'teams', 'slack'] as const).filter((c) => r[c] !== undefined)
    if (channels.length > 1) ctx.report(['receivers', i], `one channel per receiver (found ${channels.join(', ')}); make one receiver each`)
    const live: LiveReceiver = { ...r }
    if (r.webhook) {
      const secret = r.webhook.secretFile !== undefined ? readSecret(ctx, ['receivers', i, 'webhook', 'secretFile'], r.webhook.secretFile) : r.webhook.secret
      if (secret !== undefined) live.secretValue = secret
    }
    if (r.email?.passwordFile !== undefined) {
      const password = readSecret(ctx, ['receivers', i, 'email', 'passwordFile'], r.email.passwordFile)
      if (password !== undefined) live.password = password
    }
    if (r.email && (r.email.username === undefined) !== (r.email.passwordFile === undefined)) {
      ctx.report(['receivers', i, 'email'], 'give both username and passwordFile, or neither')
    }
    out.set(r.name, live)
  })
  return out
}

function checkMatchers(ctx: MeaningContext, m: RouteInput['matchers'], p: Path) {
  if (!m) return
  if (ctx.taxonomy) {
    asList(m.category).forEach((code, i) => {
      // DATA and DATA.GAP: the reporting-gap watch's own family, outside the threat taxonomy.
      const known = ctx.taxonomy!.tops.has(code) || ctx.taxonomy!.codes.has(code) || code === DATA_GAP_FAMILY || code === DATA_GAP_INDICATOR
      if (!known) ctx.report([...p, 'category', ...(Array.isArray(m.category) ? [i] : [])], `unknown taxonomy code '${code}'${didYouMean(code, [...ctx.taxonomy!.tops.keys(), ...ctx.taxonomy!.codes.keys()])}`)
    })
  }
  if (ctx.missions) {
    asList(m.mission).forEach((mission, i) => {
      if (!ctx.missions!.includes(mission)) ctx.report([...p, 'mission', ...(Array.isArray(m.mission) ? [i] : [])], `unknown mission '${mission}'${didYouMean(mission, [...ctx.missions!])}`)
    })
  }
}

/** Fills in what a route inherits, checking its receiver and matchers on the way. */
function compile(ctx: MeaningContext, r: RouteInput, parent: CompiledRoute | null, p: Path, receivers: Map<string, LiveReceiver>, treePath: string): CompiledRoute {
  const receiver = r.receiver ?? parent?.receiver ?? ''
  if (r.receiver !== undefined && !receivers.has(r.receiver)) {
    ctx.report([...p, 'receiver'], `unknown receiver '${r.receiver}'${didYouMean(r.receiver, [...receivers.keys()])}`)
  }
  if (r.escalateTo !== undefined && !receivers.has(r.escalateTo)) {
    ctx.report([...p, 'escalateTo'], `unknown receiver '${r.escalateTo}'${didYouMean(r.escalateTo, [...receivers.keys()])}`)
  }
  checkMatchers(ctx, r.matchers, [...p, 'matchers'])
  const ms = (v: string | undefined, inherited: number | undefined, fallback: string) =>
    (v !== undefined ? notifyDurationMs(v) : inherited ?? notifyDurationMs(fallback))
  const route: CompiledRoute = {
    path: treePath,
    receiver,
    escalateTo: r.escalateTo ?? parent?.escalateTo ?? null,
    matchers: r.matchers ?? {},
    continue: r.continue ?? false,
    groupBy: r.groupBy ?? parent?.groupBy ?? [],
    groupWaitMs: ms(r.groupWait, parent?.groupWaitMs, DEFAULTS.groupWait),
    groupIntervalMs: ms(r.groupInterval, parent?.groupIntervalMs, DEFAULTS.groupInterval),
    repeatIntervalMs: ms(r.repeatInterval, parent?.repeatIntervalMs, DEFAULTS.repeatInterval),
    routes: [],
  }
  if (route.groupIntervalMs === 0) ctx.report([...p, r.groupInterval !== undefined ? 'groupInterval' : 'groupWait'], 'groupInterval must be longer than 0s')
  if (route.repeatIntervalMs === 0) ctx.report([...p, 'repeatInterval'], 'repeatInterval must be longer than 0s')
  route.routes = (r.routes ?? []).map((child, i) => compile(ctx, child, route, [...p, 'routes', i], receivers, `${treePath}.${i}`))
  return route
}

function checkBriefs(ctx: MeaningContext, data: RoutingFile, receivers: Map<string, LiveReceiver>) {
  data.briefs.forEach((b, i) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: b.timeZone })
    } catch {
      ctx.report(['briefs', i, 'timeZone'], `unknown time zone '${b.timeZone}'; an IANA name such as Africa/Bamako`)
    }
    if (ctx.missions && b.mission !== 'HQ' && !ctx.missions.includes(b.mission)) {
      ctx.report(['briefs', i, 'mission'], `unknown mission '${b.mission}'${didYouMean(b.mission, [...ctx.missions])} (HQ: every mission)`)
    }
    b.receivers.forEach((r, j) => {
      if (!receivers.has(r)) ctx.report(['briefs', i, 'receivers', j], `unknown receiver '${r}'${didYouMean(r, [...receivers.keys()])}`)
    })
  })
}

export interface RoutingCheckOptions {
  /** The taxonomy, to check `category` matchers. */
  taxonomy?: Taxonomy
  /** The missions vigil accepts, to check `mission` matchers. */
  missions?: readonly string[]
}

/** Parses and checks a routing file's text; the routing or every problem, positioned. */
export function parseRoutingText(file: string, text: string, opts: RoutingCheckOptions = {}): RoutingLoad {
  const version = createHash('sha256').update(text).digest('hex').slice(0, 12)
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return {
      ok: false, version,
      problems: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0])
        return { file, line: pos.line, column: pos.col, path: '', message: `syntax: ${e.message.split('\n')[0]}` }
      }),
    }
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 50 }) ?? {}
  } catch (err) {
    return { ok: false, version, problems: [{ file, line: 1, column: 1, path: '', message: `syntax: ${(err as Error).message}` }] }
  }
  const parsed = routingFileSchema.safeParse(data)
  if (!parsed.success) return { ok: false, version, problems: parsed.error.issues.flatMap((i) => schemaProblems(file, i, doc, counter)) }

  const problems: RoutingProblem[] = []
  const ctx: MeaningContext = {
    file, dir: path.dirname(path.resolve(file)), taxonomy: opts.taxonomy, missions: opts.missions,
    report: (p, message, key) => problems.push({ file, ...positionOf(doc, counter, p, key), path: p.join('.'), message }),
  }
  const receivers = liveReceivers(ctx, parsed.data)
  let root: CompiledRoute | null = null
  if (parsed.data.route) {
    const r = parsed.data.route
    if (r.receiver === undefined) ctx.report(['route'], "the root route needs a receiver (every alert reaches it): use a receiver with no channel to send nothing")
    if (r.matchers !== undefined) ctx.report(['route', 'matchers'], 'the root route takes every alert: put matchers on its child routes')
    root = compile(ctx, r, null, ['route'], receivers, 'root')
  }
  checkBriefs(ctx, parsed.data, receivers)
  problems.sort((a, b) => a.line - b.line || a.column - b.column)
  if (problems.length > 0) return { ok: false, version, problems }
  return { ok: true, routing: { version, receivers, root, briefs: parsed.data.briefs } }
}

/** Loads the routing file; a missing file is an empty routing (nothing is sent). */
export function loadRoutingFile(file: string, opts: RoutingCheckOptions = {}): RoutingLoad & { missing?: boolean } {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, routing: EMPTY_ROUTING, missing: true }
    return { ok: false, version: '', problems: [{ file, line: 1, column: 1, path: '', message: `cannot read: ${(err as Error).message}` }] }
  }
  return parseRoutingText(file, text, opts)
}
