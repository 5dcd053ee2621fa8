import fs from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import { errors } from '../errors.js'

export interface BacktestRoutesOptions {
  /** The folder `vigil backtest --out` wrote to; null: none configured. */
  dir: string | null
}

/** The last backtest's summary.json, as the backtest wrote it, with the time it was written. */
export const backtestRoutes: FastifyPluginAsync<BacktestRoutesOptions> = async (app, opts) => {
  app.get('/backtest/latest', {
    schema: { summary: 'The last backtest report (summary.json from VIGIL_BACKTEST_DIR); 404 when there is none', tags: ['rules'] },
    config: { permission: 'rules:read' },
  }, async () => {
    if (!opts.dir) throw errors.NOT_FOUND('backtest report (VIGIL_BACKTEST_DIR is not set)')
    const file = path.join(opts.dir, 'summary.json')
    let text: string
    let writtenAt: string
    try {
      text = fs.readFileSync(file, 'utf8')
      writtenAt = fs.statSync(file).mtime.toISOString()
    } catch {
      throw errors.NOT_FOUND(`backtest report in ${path.basename(opts.dir)}`)
    }
    try {
      return { writtenAt, summary: JSON.parse(text) as unknown }
    } catch (err) {
      app.log.error({ err, file }, 'backtest summary.json is not valid JSON')
      throw errors.NOT_FOUND('readable backtest report')
    }
  })
}
