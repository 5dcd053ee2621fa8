/** The gazetteer's public face: what ingest, the engine, alerts and routes use. */
export { LOCATION_PRECISIONS, precisionRank, isCoarser, type LocationPrecision } from './location-precision.js'
export { SITE_KINDS, DEFAULT_RADIUS_KM, type SiteKind } from './site-kinds.js'
export type { Area, Site, Route, Gazetteer, GazetteerSet, GazetteerProblem, GazetteerMeta, GazetteerFeature } from './gazetteer-types.js'
export { loadGazetteers, checkGazetteers, MISSION_CODE } from './gazetteer-loader.js'
export { placeReport, type PlaceInput, type ResolvedPlace, type PlaceNote, type PlaceProblem, type Placement } from './placement.js'
export { areaKey, siteKey, routeKey } from './place-names.js'
