import pino, { type Logger } from 'pino'

/** The service logger: structured JSON lines on stdout, narrative text redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'vigil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Narratives may name sources or victims; they never belong in logs.
    redact: { paths: ['narrative', '*.narrative', 'req.headers.authorization'], censor: '[redacted]' },
  })
}
