import { useState } from 'preact/hooks'
import { Api, ApiError } from '../api'
import { useI18n } from '../i18n/i18n'
import type { WhoAmI } from '../types'

/** The key form: the key is checked against GET /whoami before it is kept. */
export function SignIn(props: { onSignedIn(token: string, who: WhoAmI): void }) {
  const { t } = useI18n()
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const token = key.trim()
      const who = await new Api(token).get<WhoAmI>('/whoami')
      props.onSignedIn(token, who)
    } catch (err) {
      setError(err instanceof ApiError ? t('signin.refused') : t('signin.unreachable'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main id="content" class="sign-in">
      <h1>{t('app.title')}</h1>
      <form onSubmit={submit} aria-describedby="signin-help">
        <h2>{t('signin.title')}</h2>
        <label for="api-key">{t('signin.key')}</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellcheck={false} required
          value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        <p id="signin-help" class="hint">{t('signin.help')}</p>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" disabled={busy || key.trim().length === 0}>{t('signin.submit')}</button>
      </form>
    </main>
  )
}
