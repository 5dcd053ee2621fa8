import { z } from 'zod'
import { GAZETTEER_DIR } from './paths.js'

/** Missions vigil knows by default: the current and recently closed peacekeeping operations. */
export const DEFAULT_MISSIONS = [
  'MINUSMA', 'MINUSCA', 'MONUSCO', 'UNMISS', 'UNISFA', 'UNIFIL',
  'UNFICYP', 'UNDOF', 'MINURSO', 'UNMIK', 'UNTSO', 'UNMOGIP',
] as const

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  VIGIL_DB: z.string().min(1).default('./data/vigil.db'),
  VIGIL_RULES_DIR: z.string().min(1).default('./rules'),
  VIGIL_WATCH_RULES: flag.default(true),
  VIGIL_GAZETTEER_DIR: z.string().min(1).default(GAZETTEER_DIR),
  VIGIL_MISSIONS: csv.pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/)).min(1))
    .default([...DEFAULT_MISSIONS]),
  VIGIL_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  VIGIL_BATCH_MAX: z.coerce.number().int().min(1).max(100_000).default(5_000),
  VIGIL_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  VIGIL_COMMIT_SYNC: z.enum(['inline', 'background']).default('inline'),
  VIGIL_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  VIGIL_POLL_MAX_WAIT_S: z.coerce.number().int().min(0).max(300).default(30),
  VIGIL_SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  VIGIL_SSE_MAX_BACKLOG: z.coerce.number().int().min(1).default(10_000),
  VIGIL_SSE_STALL_MS: z.coerce.number().int().min(100).default(60_000),
  VIGIL_FEED_PAGES_MB: z.coerce.number().int().min(1).max(4096).default(16),
  VIGIL_AUTH: z.enum(['on', 'off']).default('on'),
  VIGIL_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  VIGIL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  VIGIL_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  VIGIL_ROUTING_FILE: z.string().min(1).optional(),
  VIGIL_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  VIGIL_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(12),
  VIGIL_NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  VIGIL_NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(10).default(3_600_000),
  VIGIL_BACKTEST_DIR: z.string().min(1).optional(),
  VIGIL_PLUGIN_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/** The service configuration: validated once, frozen, passed explicitly to whatever needs it. */
export interface Config {
  readonly port: number
  readonly host: string
  readonly dbPath: string
  readonly rulesDir: string
  /** Reload the rules when a file in the rules directory changes (SIGHUP and POST /rules/reload always work). */
  readonly watchRules: boolean
  /** The missions' gazetteers, one folder per mission; watched like the rules when watchRules is on. */
  readonly gazetteerDir: string
  readonly missions: readonly string[]
  readonly bodyLimit: number
  readonly batchMax: number
  /** SQLite `synchronous` pragma: FULL makes every acknowledged commit survive power loss. */
  readonly synchronous: 'FULL' | 'NORMAL'
  /**
   * With synchronous=FULL, where a commit is made durable: 'inline' (SQLite syncs inside COMMIT,
   * on the event loop) or 'background' (the WAL is synced on the thread pool while the next
   * requests are served; each write still answered after its sync). See storage/wal-sync.ts.
   */
  readonly commitSync: 'inline' | 'background'
  readonly expiryIntervalMs: number
  /** Longest a long poll (`wait=`) holds a request. */
  readonly pollMaxWaitSeconds: number
  readonly sseHeartbeatMs: number
  /** Most changes behind the head an alert stream may start from (further back: page through GET /alerts). */
  readonly sseMaxBacklog: number
  /** How long a stream's client may leave it full (not reading) before it is dropped. */
  readonly sseStallMs: number
  /** Bytes of feed pages (polls, stream catch-ups) written and not yet taken by their clients above which no page is built. */
  readonly feedPagesInFlightBytes: number
  readonly logLevel: string
  /** 'off' is the loudly logged development switch: every request acts as an anonymous admin. */
  readonly auth: 'on' | 'off'
  /** Where the first admin token is written on a fresh database (owner-only file). */
  readonly adminTokenFile: string
  /** Requests one key may make per window (429 with Retry-After beyond). */
  readonly rateLimitPerMinute: number
  readonly rateLimitWindowMs: number
  /** The notification routing file (receivers and routes); missing: nothing is sent. */
  readonly routingFile: string
  /** How often the notifier looks for due groups, repeats and retries. */
  readonly notifyIntervalMs: number
  /** Attempts before a message is marked failed. */
  readonly notifyMaxAttempts: number
  /** First retry delay; each further retry doubles it, up to the maximum. */
  readonly notifyRetryBaseMs: number
  readonly notifyRetryMaxMs: number
  /** Where `vigil backtest --out` wrote its last report; GET /backtest/latest serves its summary.json. */
  readonly backtestDir: string | null
  /** fastify's pluginTimeout: the longest one plugin or ready hook may take (window state loads outside it). */
  readonly pluginTimeoutMs: number
}

/** Raised when the environment holds an invalid setting; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads the configuration from an environment (by default `process.env`, the only place in the
 * code that reads it). Throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dbPath: e.VIGIL_DB,
    rulesDir: e.VIGIL_RULES_DIR,
    watchRules: e.VIGIL_WATCH_RULES,
    gazetteerDir: e.VIGIL_GAZETTEER_DIR,
    missions: Object.freeze([...e.VIGIL_MISSIONS]),
    bodyLimit: e.VIGIL_BODY_LIMIT,
    batchMax: e.VIGIL_BATCH_MAX,
    synchronous: e.VIGIL_SYNCHRONOUS,
    commitSync: e.VIGIL_COMMIT_SYNC,
    expiryIntervalMs: e.VIGIL_EXPIRY_INTERVAL_MS,
    pollMaxWaitSeconds: e.VIGIL_POLL_MAX_WAIT_S,
    sseHeartbeatMs: e.VIGIL_SSE_HEARTBEAT_MS,
    sseMaxBacklog: e.VIGIL_SSE_MAX_BACKLOG,
    sseStallMs: e.VIGIL_SSE_STALL_MS,
    feedPagesInFlightBytes: e.VIGIL_FEED_PAGES_MB * 1_048_576,
    logLevel: e.LOG_LEVEL,
    auth: e.VIGIL_AUTH,
    adminTokenFile: e.VIGIL_ADMIN_TOKEN_FILE ?? `${e.VIGIL_DB}.admin-token`,
    rateLimitPerMinute: e.VIGIL_RATE_LIMIT_PER_MINUTE,
    rateLimitWindowMs: e.VIGIL_RATE_LIMIT_WINDOW_MS,
    routingFile: e.VIGIL_ROUTING_FILE ?? `${e.VIGIL_RULES_DIR.replace(/\/+$/, '')}/routing.yaml`,
    notifyIntervalMs: e.VIGIL_NOTIFY_INTERVAL_MS,
    notifyMaxAttempts: e.VIGIL_NOTIFY_MAX_ATTEMPTS,
    notifyRetryBaseMs: e.VIGIL_NOTIFY_RETRY_BASE_MS,
    notifyRetryMaxMs: e.VIGIL_NOTIFY_RETRY_MAX_MS,
    backtestDir: e.VIGIL_BACKTEST_DIR ?? null,
    pluginTimeoutMs: e.VIGIL_PLUGIN_TIMEOUT_MS,
  })
}

/** The configuration a test or a tool gets when it does not care: all defaults. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig({}), ...overrides })
}
