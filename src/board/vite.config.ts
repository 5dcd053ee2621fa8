import { defineConfig } from 'vite'

const here = (p: string) => decodeURIComponent(new URL(p, import.meta.url).pathname)

/**
 * The JOC board, bundled into static files that the service serves at `/` (src/http/board-static.ts).
 * Preact through esbuild's JSX transform: no Babel, no plugin.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: here('../../dist/board'),
    emptyOutDir: true,
    // One script and one style sheet; no inline scripts (the page's CSP forbids them).
    modulePreload: { polyfill: false },
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 600,
    target: 'es2022',
    sourcemap: false,
  },
})
