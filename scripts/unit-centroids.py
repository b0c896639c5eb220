#!/usr/bin/env python3
"""Write the unit centroids built into congdan-sources from the ward boundaries of
thanglequoc/vietnamese-provinces-database (json/geojson/*/wards/*.geojson).

Usage: scripts/unit-centroids.py CHECKOUT | gzip -9n > crates/sources/data/unit-centroids.csv.gz

Each commune-level unit gets the area-weighted centroid of its MultiPolygon
(holes subtracted), computed in plain lon/lat: at the size of a commune the
distortion is far below the 100 m the server rounds public positions to.
"""
import csv
import glob
import json
import os
import sys


def ring(points):
    """Signed area and centroid of one closed ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2.0
    if area == 0:
        return 0.0, points[0][0], points[0][1]
    return area, cx / (6.0 * area), cy / (6.0 * area)


def centroid(geometry):
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    total = sx = sy = 0.0
    for polygon in polygons:
        for index, points in enumerate(polygon):
            area, x, y = ring(points)
            weight = abs(area) if index == 0 else -abs(area)
            total += weight
            sx += weight * x
            sy += weight * y
    return sy / total, sx / total


def main():
    root = sys.argv[1]
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "json/geojson/*/wards/*.geojson"))):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for feature in data["features"]:
            lat, lon = centroid(feature["geometry"])
            rows.append((feature["properties"]["code"], f"{lat:.5f}", f"{lon:.5f}"))
    rows.sort()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["unit_code", "lat", "lon"])
    out.writerows(rows)


if __name__ == "__main__":
    main()
