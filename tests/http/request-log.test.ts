import { describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import pino from 'pino'
import { RequestLog } from '../../src/http/request-log.js'

/** A fastify app logging at `level` into an array, with one quiet route and one ordinary route. */
async function appLogging(level: string) {
  const lines: { level: number; msg: string; req?: { url: string }; res?: { statusCode: number } }[] = []
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done() } })
  const app = Fastify({ loggerInstance: pino({ level }, sink), logController: new RequestLog() })
  app.get('/quiet', { config: { quietLog: true } }, async (req, reply) => (req.query as { fail?: string }).fail ? reply.code(400).send({}) : {})
  app.get('/loud', async () => ({}))
  await app.ready()
  return { app, lines }
}

const INFO = 30
const DEBUG = 20

describe('request log lines', () => {
  it('a successful request of a quiet route is logged at debug; an ordinary one at info', async () => {
    const { app, lines } = await appLogging('debug')
    await app.inject('/quiet')
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[DEBUG, 'incoming request'], [DEBUG, 'request completed']])
    lines.length = 0
    await app.inject('/loud')
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[INFO, 'incoming request'], [INFO, 'request completed']])
    await app.close()
  })

  it('at info, a quiet route logs only its failures, with the request they answered', async () => {
    const { app, lines } = await appLogging('info')
    await app.inject('/quiet')
    expect(lines).toEqual([])
    await app.inject('/quiet?fail=1')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: INFO, msg: 'request completed', req: { url: '/quiet?fail=1' }, res: { statusCode: 400 } })
    await app.close()
  })
})
