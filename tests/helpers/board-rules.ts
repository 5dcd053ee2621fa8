import { rule } from './test-rules.js'

/** Each hostile act its own tactical high alert, with its French title and sentence. */
export const BOARD_PER_INCIDENT = rule('HOS-103', `titleFr: Acte hostile isolé
taxonomy: [HOS]
scope: { groupBy: [report] }
window: 1d
expires: 7d
summary: "{count:hostile act} {scope} within {window}"
summaryFr: "{count:acte hostile|actes hostiles} {scope} en {window}"
alerts:
  - level: tactical
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)
