/** A rule file with sensible defaults; `body` holds the YAML lines that differ. */
export function rule(id: string, body: string): string {
  return `id: ${id}
title: Test indicator ${id}
description: An indicator written for a test.
status: experimental
version: 1
owner: tests
${body}
`
}

/** Tactical medium at 2 IED events on a route in 14 days, operational high at 3, critical with a UN death. */
export const IED_CLUSTER = rule('HOS-101', `taxonomy: [HOS.IED, ARM.IEDACT]
match: { all: [ { fact: report, path: location.route, operator: exists, value: true } ] }
scope: { groupBy: [route] }
window: 14d
expires: 14d
summary: "{count:IED incident} within {window} {scope}"
alerts:
  - level: operational
    grade: critical
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 }, { fact: unKilled, operator: greaterThanInclusive, value: 1 } ] }
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] }
  - level: tactical
    grade: medium
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 2 } ] }`)


/**
 * Each HOS report its own tactical high alert (groupBy report); `response` is the alert's
 * response block, as YAML lines indented under the alert (none by default).
 */
export function perIncident(id: string, response = ''): string {
  return rule(id, `taxonomy: [HOS]
scope: { groupBy: [report] }
window: 1d
expires: 7d
alerts:
  - level: tactical
    grade: high
${response}    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)
}

/** Each HOS report its own tactical high alert (groupBy report). */
export const PER_INCIDENT = perIncident('HOS-103')

/** Each HOS report its own tactical high alert, acknowledged within 30 minutes, acted on within 2 hours. */
export const PER_INCIDENT_RESPONSE = perIncident('HOS-113', '    response: { acknowledgeWithin: 30m, actWithin: 2h }\n')

/** Operational high on any armed clash or killing of civilians in an admin1 within 30 days (the backtest fixtures' rule). */
export const REGION_VIOLENCE = rule('POC-902', `taxonomy: [ARM.CLASH, POC.KILL]
scope: { groupBy: [admin1] }
window: 30d
expires: 10d
alerts:
  - level: operational
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 1 } ] }`)
export const REGION_VIOLENCE_FILE = 'protection-of-civilians/POC-902-violence-in-a-region.yaml'

/** Tactical high at 3 COM.CLASH in one admin2 within 7 days: a second, independent rule. */
export const CLASHES = rule('COM-101', `taxonomy: [COM.CLASH]
scope: { groupBy: [admin2] }
window: 7d
expires: 7d
alerts:
  - level: tactical
    grade: high
    when: { all: [ { fact: count, operator: greaterThanInclusive, value: 3 } ] }`)
