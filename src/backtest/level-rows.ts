import type { Level } from '../alerts/levels.js'

/** The rows a backtest scores: each level alone, and operational or higher (what HQ acts on). */
export interface LevelRow {
  key: string
  label: string
  levels: readonly Level[]
}

export const LEVEL_ROWS: readonly LevelRow[] = [
  { key: 'tactical', label: 'tactical', levels: ['tactical'] },
  { key: 'operational', label: 'operational', levels: ['operational'] },
  { key: 'strategic', label: 'strategic', levels: ['strategic'] },
  { key: 'operational+', label: 'operational or higher', levels: ['operational', 'strategic'] },
]

export const ALL_LEVELS: readonly Level[] = ['tactical', 'operational', 'strategic']
