// Builds the board with Vite into dist/board, unless that build is newer than every file of
// src/board and the lock file: `npm start` runs the build each time and should start at once.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..', '..')
const built = path.join(root, 'dist', 'board', 'index.html')

const newest = (dir) => Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) =>
  (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)))
const lock = path.join(root, 'package-lock.json')
const sources = Math.max(newest(here), fs.existsSync(lock) ? fs.statSync(lock).mtimeMs : 0)

if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
  const { build } = await import('vite')
  await build({ configFile: path.join(here, 'vite.config.ts') })
}
