import { loadTaxonomy } from '../taxonomy/taxonomy.js'
import { ALIASES_DIR, TAXONOMY_FILE } from '../paths.js'
import { loadRoutingFile } from '../notify/routing-loader.js'
import type { CompiledRoute } from '../notify/routing-tree.js'

type Out = { write(s: string): unknown }

const countRoutes = (r: CompiledRoute | null): number => (r ? 1 + r.routes.reduce((n, c) => n + countRoutes(c), 0) : 0)

/** `vigil routing check [file]`: every problem of the routing file, positioned; exit 1 when there is any. */
export function routingCheck(file: string, missions: readonly string[], out: Out, err: Out): number {
  const taxonomy = loadTaxonomy(TAXONOMY_FILE, ALIASES_DIR)
  const loaded = loadRoutingFile(file, { taxonomy, missions })
  if (!loaded.ok) {
    for (const p of loaded.problems) err.write(`${p.file}:${p.line}:${p.column}  ${p.path || '-'}  ${p.message}\n`)
    out.write(`${file}: ${loaded.problems.length} problem(s)\n`)
    return 1
  }
  if (loaded.missing) {
    out.write(`${file}: no routing file; nothing will be sent\n`)
    return 0
  }
  out.write(`${file}: ${loaded.routing.receivers.size} receiver(s), ${countRoutes(loaded.routing.root)} route(s), 0 problem(s)\n`)
  return 0
}
