import { GazetteerRegistry } from '../gazetteer/gazetteer-registry.js'
import type { GazetteerSet } from '../gazetteer/gazetteer-types.js'
import { placeIn, type Placer } from '../reports/report-place.js'

type Out = { write(s: string): unknown }

/**
 * The gazetteers a command places reports with: the service's own (VIGIL_GAZETTEER_DIR), so an
 * import or a backtest places events exactly as the live service would. A set that fails its
 * check is said, and the command goes on with names as given, as the service would.
 */
export function cliGazetteers(dir: string, err: Out): { set: GazetteerSet; place: Placer } {
  const registry = new GazetteerRegistry(dir, Date.now)
  const attempt = registry.reload('cli')
  if (!attempt.ok) {
    err.write(`the gazetteers in ${dir} fail their check (vigil gazetteer check); places are kept as given\n`)
  }
  const set = registry.current()
  return { set, place: (mission, location) => placeIn(set.get(mission), location) }
}
