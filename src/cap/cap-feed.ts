import { capAlert, capIdentifier, capTime, type CapChange, type CapContext } from './cap-message.js'
import { el, renderXml, XML_DECLARATION } from './xml.js'

const ATOM = 'http://www.w3.org/2005/Atom'

/** An Atom feed of the current alerts, each entry holding its latest change as a CAP message. */
export function renderCapFeed(entries: { change: CapChange; ctx: CapContext }[], opts: { self: string; updated: number; base: string }): string {
  const feed = el('feed', [
    el('id', 'urn:vigil:cap:alerts'),
    el('title', 'vigil early-warning alerts (CAP 1.2)'),
    el('updated', capTime(opts.updated)),
    el('author', [el('name', 'vigil')]),
    el('link', undefined, { rel: 'self', href: opts.self }),
    ...entries.map(({ change, ctx }) => el('entry', [
      el('id', capIdentifier(change)),
      el('title', change.alert.summary),
      el('updated', capTime(change.at)),
      el('link', undefined, { rel: 'alternate', type: 'application/cap+xml', href: `${opts.base}/cap/alerts/${change.alert.id}.xml` }),
      el('summary', `${change.alert.grade} ${change.alert.level} alert (${change.kind}) in ${change.alert.mission}`),
      el('content', [capAlert(change, ctx)], { type: 'application/cap+xml' }),
    ])),
  ], { xmlns: ATOM })
  return `${XML_DECLARATION}\n${renderXml(feed)}\n`
}
