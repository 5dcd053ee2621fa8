import type { Api } from '../api'
import type { AlertBook } from '../live/alert-book'
import type { FeedState } from '../live/live-feed'
import type { Filters } from '../filters'
import type { RuleSummary, WhoAmI } from '../types'

/** What every view of a signed-in page reads. */
export interface BoardData {
  api: Api
  who: WhoAmI
  book: AlertBook
  /** Bumped on every change the feed applies. */
  version: number
  feed: FeedState | null
  rules: Map<string, RuleSummary>
  missions: string[]
  /** Each mission's tile server, from its gazetteer (`tiles`); none: the gazetteer is drawn alone. */
  tiles: Record<string, string>
  now: number
  filters: Filters
}
