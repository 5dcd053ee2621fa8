/**
 * Where an alert is, in a few words for a list or a message: its route, site, district and
 * region, each once ("MSR-1, Gao" rather than "MSR-1, Gao, Gao" when district and region share
 * a name); empty when it has no place.
 */
export function placeLabel(p: { route?: string | undefined; site?: string | undefined; admin2?: string | undefined; admin1?: string | undefined }): string {
  return [...new Set([p.route, p.site, p.admin2, p.admin1].filter((x): x is string => Boolean(x)))].join(', ')
}
