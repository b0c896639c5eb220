// Journey ends that are points (issue 8, "from here"): the core reads a point as a geo:
// URI (RFC 5870), "geo:10.772500,106.698000"; stop_ids never start with "geo:".

/** A point as the core reads a journey's end (RFC 5870). */
export function geoPlace(lat: number, lon: number): string {
  return `geo:${lat.toFixed(6)},${lon.toFixed(6)}`;
}

/** "10.772500, 106.698000" for a geo: place; null for a stop_id. */
export function geoLabel(place: string): string | null {
  if (!place.toLowerCase().startsWith("geo:")) return null;
  return (place.slice(4).split(";")[0] ?? "").split(",").slice(0, 2).join(", ");
}

/** A position typed or pasted as "10.7725, 106.698" (or "10.7725 106.698"); null when it is not one. */
export function parseLatLon(text: string): [number, number] | null {
  const parts = text.trim().split(/[\s,;]+/).filter((p) => p !== "");
  if (parts.length !== 2) return null;
  const [lat, lon] = parts.map(Number) as [number, number];
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return [lat, lon];
}
