/** Geographic helpers: great-circle distance, bounding boxes and the grid cell index. */

const EARTH_RADIUS_KM = 6371.0088
const CELL_DEG = 0.1
const CELLS_PER_ROW = Math.round(360 / CELL_DEG)

const rad = (deg: number) => (deg * Math.PI) / 180

/** Great-circle distance in km between two WGS84 points (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1)
  const dLon = rad(lon2 - lon1)
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** A box that contains every point within `km` of (lat, lon); wider than the circle, never narrower. */
export function boundingBox(lat: number, lon: number, km: number) {
  const dLat = km / 111.0
  const cos = Math.cos(rad(Math.min(89.9, Math.abs(lat) + dLat)))
  const dLon = Math.min(180, km / (111.32 * Math.max(cos, 1e-6)))
  return { minLat: lat - dLat, maxLat: lat + dLat, minLon: lon - dLon, maxLon: lon + dLon }
}

/** The 0.1-degree grid cell holding a point, as one integer (row-major from -90, -180). */
export function cellOf(lat: number, lon: number): number {
  const row = Math.min(Math.floor((lat + 90) / CELL_DEG), Math.round(180 / CELL_DEG) - 1)
  const col = Math.min(Math.floor((lon + 180) / CELL_DEG), CELLS_PER_ROW - 1)
  return row * CELLS_PER_ROW + col
}
