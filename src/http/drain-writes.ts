import type { FastifyInstance, FastifyRequest } from 'fastify'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A graceful shutdown's first step: stop accepting connections, then let every write request in
 * flight finish (from its arrival to its answer, or the client's leaving). A batch whose body is
 * still arriving at SIGTERM is not in the write queue yet: waiting only for the queue would end
 * the alert streams before its alerts are sent. The request timeout bounds the wait. Root
 * preClose hooks run before the plugins' own, so the alert routes end their streams after this.
 */
export function drainWritesOnClose(app: FastifyInstance): void {
  const counted = new WeakSet<FastifyRequest>()
  let inFlight = 0
  let waiters: (() => void)[] = []
  const finish = (req: FastifyRequest) => {
    if (!counted.delete(req)) return
    inFlight--
    if (inFlight === 0) for (const w of waiters.splice(0)) w()
  }
  app.addHook('onRequest', (req, _reply, done) => {
    if (!READS.has(req.method)) {
      counted.add(req)
      inFlight++
    }
    done()
  })
  app.addHook('onResponse', (req, _reply, done) => {
    finish(req)
    done()
  })
  app.addHook('onRequestAbort', (req, done) => {
    finish(req)
    done()
  })
  app.addHook('preClose', async () => {
    // fastify closes the listener after the preClose hooks; closing it now refuses new
    // connections while the writes finish (its own close then waits for the connections).
    if (app.server.listening) app.server.close()
    if (inFlight > 0) await new Promise<void>((resolve) => waiters.push(resolve))
  })
}
