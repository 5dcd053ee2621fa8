import { useEffect, useState } from 'preact/hooks'

/** The page's place, all in the URL's fragment so a desk can bookmark it: `#/board?level=tactical`. */
export interface Route {
  view: 'board' | 'alert' | 'map' | 'report' | 'hq'
  /** The alert id of the detail view. */
  id: number | null
  params: URLSearchParams
}

const VIEWS = ['board', 'alert', 'map', 'report', 'hq'] as const

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2)
  const parts = path.split('/').filter(Boolean)
  const view = (VIEWS as readonly string[]).includes(parts[0] ?? '') ? (parts[0] as Route['view']) : 'board'
  const id = view === 'alert' && /^\d+$/.test(parts[1] ?? '') ? Number(parts[1]) : null
  return { view: view === 'alert' && id === null ? 'board' : view, id, params: new URLSearchParams(search) }
}

export function href(view: Route['view'], params: URLSearchParams, id?: number): string {
  const q = params.toString()
  return `#/${view}${id !== undefined ? `/${id}` : ''}${q ? `?${q}` : ''}`
}

export function go(view: Route['view'], params: URLSearchParams, id?: number): void {
  location.hash = href(view, params, id)
}

/** The current route, following the fragment. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
