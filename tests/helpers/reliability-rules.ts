import { CLASHES, IED_CLUSTER, PER_INCIDENT, rule } from './test-rules.js'

/**
 * Indicators for the reliability tests. Every threshold is monotone (more reports never satisfy
 * fewer thresholds) and every window and expiry is at least a day, so for reports that occurred
 * within the last hours the final alerts do not depend on the order the reports arrived in, nor
 * on whether the clock was "now" (the live service) or each report's occurredAt (a replay). That
 * is what lets a test demand "the same alerts as a clean replay" or "as a sequential run".
 */

/** Civilians: tactical medium at 2 reports in an admin1; operational high at 4 from 2+ independent sources. */
export const POC_SOURCES = rule('POC-101', `taxonomy: [POC]
scope: { groupBy: [admin1] }
window: 14d
expires: 14d
alerts:
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 4 }, { fact: independentSources, operator: greaterThanInclusive, value: 2 } ] }
  - level: tactical
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`)

/** Safety: tactical high once 5 civilians are injured in road accidents on one route. */
export const ROAD_INJURIES = rule('SAF-101', `taxonomy: [SAF.ROAD]
scope: { groupBy: [route] }
window: 14d
expires: 14d
alerts:
  - level: tactical
    grade: high
    when: { all: [ { fact: sum, params: { path: casualties.injured.civilian }, operator: greaterThanInclusive, value: 5 } ] }`)

/** The set the crash and concurrency tests run: route, district, per-incident, sources and sums. */
export const MONOTONE_RULES: Record<string, string> = {
  'hostile-acts/HOS-101-ied.yaml': IED_CLUSTER,
  'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT,
  'inter-communal/COM-101-clashes.yaml': CLASHES,
  'protection-of-civilians/POC-101-sources.yaml': POC_SOURCES,
  'safety/SAF-101-road-injuries.yaml': ROAD_INJURIES,
}

/** An IED ladder on routes whose thresholds differ by version: an old and a new rule set tell apart. */
function iedLadder(version: number, thresholds: string): string {
  return rule('HOS-120', `taxonomy: [HOS.IED, ARM.IEDACT]
scope: { groupBy: [route] }
window: 14d
expires: 14d
alerts:
${thresholds}`).replace('version: 1', `version: ${version}`)
}

/**
 * Two rule sets for reload tests. OLD: the ladder at version 1 and the clash rule. NEW: the ladder
 * at version 2 with other thresholds, the per-incident rule added, the clash rule removed. Any
 * mix of the two (the ladder of one with the extra rules of the other) is detectable.
 */
export const OLD_RULES: Record<string, string> = {
  'hostile-acts/HOS-120-ladder.yaml': iedLadder(1, '  - { level: tactical, grade: medium, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] } }'),
  'inter-communal/COM-101-clashes.yaml': CLASHES,
}
export const NEW_RULES: Record<string, string> = {
  'hostile-acts/HOS-120-ladder.yaml': iedLadder(2, [
    '  - { level: operational, grade: high, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 4 } ] } }',
    '  - { level: tactical, grade: high, when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] } }',
  ].join('\n')),
  'hostile-acts/HOS-103-incident.yaml': PER_INCIDENT,
}
