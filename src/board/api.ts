import type { Problem } from './types'

/** An error answer of the API: its status, code, message and the problems by field path. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly problems: Problem[] = []) {
    super(message)
  }
}

/** A network failure: the service could not be reached at all. */
export class NetworkError extends Error {}

/**
 * The board's only way to the service: same origin, the key as a bearer header (never in a URL),
 * JSON in and out, error answers turned into ApiError.
 */
export class Api {
  constructor(private readonly token: string, readonly onUnauthorized: () => void = () => {}) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, accept: 'application/json', ...extra }
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response
    try {
      res = await fetch(path, {
        method,
        headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
        cache: 'no-store',
      })
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err
      throw new NetworkError((err as Error).message)
    }
    if (res.status === 401) this.onUnauthorized()
    const text = await res.text()
    const json = text ? (JSON.parse(text) as unknown) : null
    if (!res.ok) {
      const e = (json ?? {}) as { code?: string; message?: string; problems?: Problem[] }
      throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText, e.problems ?? [])
    }
    return json as T
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal)
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body)
  }
}

/** A query string from the defined values, in a stable order. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
