import type { FastifyInstance } from 'fastify'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A graceful shutdown's first step: stop accepting connections, then let every write request in
 * flight finish. A batch whose body is still arriving at SIGTERM is not in the write queue yet:
 * waiting only for the queue would end the alert streams before its alerts are sent. A write
 * counts from its arrival until its response closes, which it does when answered and also when
 * the client leaves (fastify's onResponse never fires for a client that left mid-handler). The
 * wait is bounded by `maxWaitMs`: a write stuck longer than that is logged and left behind. Root
 * preClose hooks run before the plugins' own, so the alert routes end their streams after this.
 */
export function drainWritesOnClose(app: FastifyInstance, maxWaitMs: number): void {
  let inFlight = 0
  let waiters: (() => void)[] = []
  app.addHook('onRequest', (req, reply, done) => {
    if (!READS.has(req.method)) {
      inFlight++
      reply.raw.once('close', () => {
        inFlight--
        if (inFlight === 0) for (const w of waiters.splice(0)) w()
      })
    }
    done()
  })
  app.addHook('preClose', async () => {
    // fastify closes the listener after the preClose hooks; closing it now refuses new
    // connections while the writes finish (its own close then waits for the connections).
    if (app.server.listening) app.server.close()
    if (inFlight === 0) return
    let timer: NodeJS.Timeout | undefined
    const drained = new Promise<boolean>((resolve) => waiters.push(() => resolve(true)))
    const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), maxWaitMs) })
    if (!(await Promise.race([drained, late]))) app.log.error({ inFlight, maxWaitMs }, 'shutdown: write requests still in flight after the wait; going on without them')
    clearTimeout(timer)
    waiters = []
  })
}
