import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export interface ReceivedRequest {
  at: number
  path: string
  headers: http.IncomingHttpHeaders
  body: string
}

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  return check()
}

/**
 * A real HTTP receiver on loopback: records every request; answers `status` (200 unless told).
 * `port` 0 picks a free port; a given port lets a test bring a receiver back where it was.
 */
export async function httpReceiver(port = 0) {
  const requests: ReceivedRequest[] = []
  let status = 200
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'down for maintenance')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    requests,
    port: (server.address() as AddressInfo).port,
    url: (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    answer(code: number) { status = code },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** A free loopback port nobody listens on (for a receiver that is down). */
export async function freePort(): Promise<number> {
  const r = await httpReceiver()
  const port = r.port
  await r.close()
  return port
}

/** A real SMTP server in-process (no TLS, no auth): every message parsed. */
export async function smtpReceiver() {
  const mails: (ParsedMail & { receivedAt: number; envelopeTo: string[] })[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(Object.assign(mail, { receivedAt: Date.now(), envelopeTo: session.envelope.rcptTo.map((r) => r.address) }))
        callback()
      }, callback)
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (server.server.address() as AddressInfo).port
  return {
    mails,
    smarthost: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
