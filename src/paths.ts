import { fileURLToPath } from 'node:url'
import path from 'node:path'

/**
 * The project root, found from this file's place: `src/paths.ts` under tsx and
 * `dist/paths.js` when built sit one level below it, so both resolve the same files.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const SCHEMAS_DIR = path.join(ROOT, 'schemas')
export const TAXONOMY_FILE = path.join(SCHEMAS_DIR, 'taxonomy.yaml')
export const ALIASES_DIR = path.join(SCHEMAS_DIR, 'aliases')
export const MIGRATIONS_DIR = path.join(ROOT, 'src', 'storage', 'migrations')
export const STANDARD_RULES_DIR = path.join(ROOT, 'rules')
/** The missions' gazetteers, one folder per mission (schemas/gazetteer/MINUSCA/...). */
export const GAZETTEER_DIR = path.join(SCHEMAS_DIR, 'gazetteer')
export const BOARD_DIR = path.join(ROOT, 'dist', 'board')
