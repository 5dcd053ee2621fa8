/**
 * The preset dictionaries that stored JSON is deflated against (src/storage/packed-json.ts). A
 * stored value names its dictionary by id, so a dictionary's text must never change once
 * released: a new one gets a new id and the old stays for the rows written with it (a unit test
 * pins each text's hash).
 *
 * Each is the shape of what it compresses (key names in the order vigil writes them, the enum
 * values of the schemas), not anyone's data: deflate finds a report's keys in the dictionary
 * instead of spelling them out, which is most of the saving on a 1 KB body. What is most
 * common sits last, where deflate's matches are nearest and cheapest.
 */

/** Id 1: an incident report as the reports table stores it (the classified report, JSON). */
const REPORT_V1 = [
  '"sensitivity":"restricted","releasableTo":[],"sensitivity":"internal","sensitivity":"public",',
  '"sex":"female","sex":"male","age":"child","age":"adult","unknown",',
  '"channel":"unpol","channel":"military-patrol","channel":"female-engagement-team","channel":"community-liaison-assistant",',
  '"channel":"community-alert-network","channel":"uas","channel":"camp-sensor","channel":"humanitarian-partner",',
  '"channel":"host-state","channel":"media","channel":"open-source","channel":"other",',
  '"actors":[{"name":"","type":"armed-group"},{"name":"","type":"state-force"},{"name":"","type":"communal-militia"},{"name":"","type":"criminal"}],',
  '"targets":["UN_MIL","UN_POL","UN_CIV","UN_PREMISES","UN_CONVOY","HUMANITARIAN","STATE_FORCES","ARMED_GROUP"],',
  '"datePrecision":"day","datePrecision":"week","datePrecision":"month","precision":"admin2","precision":"admin1","precision":"approximate",',
  '"placeNotes":["no gazetteer"],"route":"","site":"","admin1Pcode":"","admin2Pcode":"",',
  '{"id":"","mission":"MINUSCA","mission":"MONUSCO","mission":"UNMISS","mission":"MINUSMA","mission":"UNIFIL",',
  '"occurredAt":"2026-01-01T00:00:00.000Z","datePrecision":"exact","reportedAt":"2026-01-01T00:00:00.000Z",',
  '"location":{"lat":0.0000,"lon":0.0000,"precision":"exact","admin1":"","admin2":"","place":""},"category":"","categories":[],',
  '"casualties":{"killed":{"un":{"military":0,"police":0,"civilian":0},"civilian":0,"other":0},',
  '"injured":{"un":{"military":0,"police":0,"civilian":0},"civilian":0,"other":0},',
  '"abducted":{"un":{"military":0,"police":0,"civilian":0},"civilian":0,"other":0}},',
  '"targets":["CIVILIAN"],"actors":[],"weapons":[],"source":{"reliability":"A","credibility":1,"sourceId":""},',
  '"narrative":" the of and in to was were on by a at near ","tags":[],"categoryTerm":"","categoryTerms":[],',
  '"place":{"lat":0.0000,"lon":0.0000,"precision":"exact","admin2":"","admin1":""},"placeNotes":[]}',
].join('')

/** Id 2: an alert change as alert_changes stores it: a whole alert snapshot, or a patch of one. */
const ALERT_V1 = [
  '"acknowledgedBy":"","status":"acknowledged","status":"resolved","status":"expired","status":"withdrawn",',
  '"level":"strategic","level":"operational","grade":"low","grade":"medium","grade":"critical","confidence":"medium","confidence":"high",',
  '"assignee":{"to":"","by":"","at":0,"note":""},"lastActionAt":null,"disposition":{"value":"useful","note":null},',
  '{"operator":"lessThan","operator":"lessThanInclusive","operator":"greaterThan","operator":"equal","operator":"notEqual","operator":"in","operator":"notIn",',
  '"params":{"category":""},"sum(path=casualties.killed.other)","count(category=)",',
  '"route":"","site":"","admin1Pcode":"","admin2Pcode":"","groupBy":{"admin1":"","admin2":"","route":"","site":""},"center":{"lat":0,"lon":0},"radiusKm":10,',
  '{"confidence":"low","trend":null,"facts":{"count":1,"unKilled":0,"unInjured":0,"unAbducted":0,"civiliansKilled":0,"independentSources":1,"trend":null,"baseline":0},',
  '"count":1,"firstSeen":1700000000000,"lastSeen":1700000000000,"anchorAt":1700000000000,"updatedAt":1700000000000,"expiresAt":1700000000000,',
  '"scope":{"mission":"","groupBy":{"report":""},"route":"","admin1":"","admin2":"","areas":[{"level":1,"name":""},{"level":2,"name":""}],"centroid":{"lat":0,"lon":0}},',
  '"summary":"","ruleSetVersion":"","indicatorVersion":1,"topCategory":"HOS","id":1,"identity":"|MINUSCA|","indicatorId":"","mission":"",',
  '"taxonomy":["HOS","POC","ARM","COM","CRM","UNR","SAF","HLT"],"level":"tactical","grade":"high","rank":2,"status":"open","statusReason":null,',
  '"explanation":{"any":[{"fact":"count","operator":"greaterThanInclusive","value":1,"factResult":0,"result":true},',
  '{"fact":"","operator":"greaterThanInclusive","value":1,"factResult":0,"result":false}],"all":[],"result":true},',
  '"windowMs":604800000,"raisedAt":1700000000000,"seq":1,"silenced":false,"inhibited":false,',
  '"acknowledgedBy":null,"acknowledgedAt":null,"resolvedBy":null,"resolvedAt":null,',
  '"response":{"actions":[""],"responsible":"","acknowledgeWithin":"15m","actWithin":"1h","references":[""],"defaulted":[],"since":1700000000000,',
  '"acknowledgeBy":1700000000000,"actBy":1700000000000},"overdue":{"acknowledge":false,"act":false}}',
  // Patches (src/storage/json-patch.ts): the keys of the fields that change from one update to the next.
  '{"scope":{"admin1":[""],"admin2":[""],"areas":{"0":{"level":[1],"name":[""]},"1":{"level":[2],"name":[""]},"#":2},"centroid":{"lat":[0],"lon":[0]}},',
  '"count":[1],"facts":{"count":[1],"unKilled":[0],"unInjured":[0],"civiliansKilled":[0],"independentSources":[1],"trend":[0],"baseline":[0]},',
  '"explanation":{"any":{"0":{"factResult":[1]}},"all":{"0":{"factResult":[1]},"1":{"any":{"0":{"factResult":[1]}}}}},"summary":{"s":[0,"",0]},',
  '"status":["acknowledged"],"acknowledgedBy":[""],"acknowledgedAt":[1700000000000],"grade":["high"],"rank":[2],"confidence":["medium"],',
  '"lastSeen":[1700000000000],"anchorAt":[1700000000000],"updatedAt":[1700000000000],"expiresAt":[1700000000000],"seq":[1]}',
].join('')

/** The dictionaries by id (a byte: the first of a stored value). */
export const JSON_DICTIONARIES: Readonly<Record<number, string>> = { 1: REPORT_V1, 2: ALERT_V1 }

/** Which dictionary each kind of stored JSON is written with now. */
export const DICTIONARY = { report: 1, alertChange: 2 } as const
