import type { Taxonomy } from '../taxonomy/taxonomy.js'
import { loadCsvMapping, csvMappingConverter } from './csv-mapping.js'
import { loadUcdpCrosswalk, UCDP_CROSSWALK_FILE } from './ucdp-crosswalk.js'
import { ucdpToReport } from './ucdp-ged.js'
import type { RowConverter } from './source-row.js'

export const IMPORT_FORMATS = ['ucdp-ged', 'csv'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

export interface FormatOptions {
  format: ImportFormat
  mission: string
  /** The mapping file: required for `csv`. */
  mapFile?: string
  /** Another UCDP crosswalk than the standard one. */
  crosswalkFile?: string
  taxonomy: Taxonomy
}

/** The row converter of a format, its crosswalk or mapping read and checked first. */
export function rowConverter(opts: FormatOptions): RowConverter {
  if (opts.format === 'ucdp-ged') {
    const cw = loadUcdpCrosswalk(opts.taxonomy, opts.crosswalkFile ?? UCDP_CROSSWALK_FILE)
    return (row) => ucdpToReport(row, cw, opts.mission)
  }
  if (!opts.mapFile) throw new Error('--format csv needs a mapping file (--map <mapping.yaml>)')
  return csvMappingConverter(loadCsvMapping(opts.mapFile), opts.mission)
}
