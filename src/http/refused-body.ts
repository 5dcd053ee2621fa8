import type { FastifyReply, FastifyRequest } from 'fastify'

/** How long the rest of a refused body may take to arrive before the connection is cut. */
const DRAIN_MS = 10_000

/**
 * Reads and discards the rest of a body refused as too large, so the client, still sending,
 * reads its 413 instead of a connection reset: closing a socket with unread input makes the
 * kernel answer with a reset, which throws the answer away (nginx's lingering close). Only up to
 * `capBytes` and `DRAIN_MS`: past either, or when the declared length is beyond the cap already,
 * the connection is closed as before, since a client that sends that much is not reading.
 */
export function drainRefusedBody(req: FastifyRequest, reply: FastifyReply, capBytes: number) {
  const raw = req.raw
  const declared = Number(raw.headers['content-length'])
  if (raw.complete || declared > capBytes) return
  // Without `connection: close` node keeps the socket and discards the rest of the body itself.
  reply.removeHeader('connection')
  let seen = 0
  const cut = () => raw.socket?.destroy()
  const timer = setTimeout(cut, DRAIN_MS)
  timer.unref()
  const onData = (chunk: Buffer) => {
    seen += chunk.length
    if (seen > capBytes) cut()
  }
  const done = () => {
    clearTimeout(timer)
    raw.off('data', onData)
  }
  raw.on('data', onData)
  raw.once('end', done)
  raw.once('close', done)
  raw.resume()
}
