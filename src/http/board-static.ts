import fs from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import fastifyStatic from '@fastify/static'

export interface BoardStaticOptions {
  /** The built board (`vite build` output): index.html and assets/. */
  dir: string
  /** The tile servers the missions' gazetteers name (`tiles`), whose images the page may load. */
  tileUrls: () => readonly string[]
}

/**
 * The board's Content-Security-Policy: scripts, styles, data and fonts from this origin only, no
 * inline script; images also as data: URIs (Leaflet's bundled CSS icons) and from the tile
 * servers the missions' gazetteers name.
 */
export function boardCsp(tileUrls: readonly string[]): string {
  const origins = [...new Set(tileUrls.map((u) => new URL(u.replace(/\{[a-z]\}/g, '0')).origin))]
  const tiles = origins.map((o) => ` ${o}`).join('')
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/**
 * Serves the JOC board: its page at `/` and its hashed assets under `/assets/`, both public (the
 * page signs in with a key and then calls the API like any client). A service started without
 * a built board logs it and answers 404 there; the API is unaffected.
 */
export const boardStatic: FastifyPluginAsync<BoardStaticOptions> = async (app, opts) => {
  if (!fs.existsSync(path.join(opts.dir, 'index.html'))) {
    app.log.warn({ dir: opts.dir }, 'the board is not built (npm run build): / is not served')
    return
  }
  await app.register(fastifyStatic, { root: opts.dir, serve: false })
  // Worked out per request: a gazetteer reload may add or change a tile server.
  const csp = () => boardCsp(opts.tileUrls())
  app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, (_req, reply) => {
    // The page is small and names its assets by hash: always revalidate it, cache them for good.
    return reply.header('content-security-policy', csp()).header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false })
  })
  app.get('/assets/*', { config: { permission: 'public' }, schema: { hide: true } }, (req, reply) => {
    const file = (req.params as { '*': string })['*']
    return reply.header('content-security-policy', csp()).sendFile(`assets/${file}`, { immutable: true, maxAge: '365d' })
  })
}
