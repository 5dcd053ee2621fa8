import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Log the successful requests of this route at debug, not info: desks poll it many times a second. */
    quietLog?: boolean
  }
}

const quiet = (req: FastifyRequest) => req.routeOptions.config?.quietLog === true

/**
 * fastify's per-request log lines, except on quiet routes: there a success is logged at debug,
 * and a failure at info with the request itself (whose incoming line went to debug).
 */
export class RequestLog extends LogController {
  override incomingRequest(req: FastifyRequest, reply: FastifyReply): void {
    if (!quiet(req)) return super.incomingRequest(req, reply)
    if (!this.isLogDisabled(req)) req.log.debug({ req }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (error || !quiet(req)) return super.requestCompleted(error, req, reply)
    if (this.isLogDisabled(req)) return
    if (reply.statusCode < 400) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
    else reply.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}
