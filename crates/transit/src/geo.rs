//! Distances on the Earth and a coarse grid for "what is near this point", used by footpath
//! derivation at ingest and by nearest-stop queries on the device.

/// Mean Earth radius in metres (IUGG), good to 0.5 % for city distances.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in microdegrees: what the compact form stores (1e-6° is about 11 cm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MicroPoint {
    /// Latitude in millionths of a degree.
    pub lat: i32,
    /// Longitude in millionths of a degree.
    pub lon: i32,
}

impl MicroPoint {
    /// The point nearest to `lat`, `lon` in degrees (out-of-range values saturate).
    pub fn from_degrees(lat: f64, lon: f64) -> MicroPoint {
        MicroPoint {
            lat: (lat * 1e6).round() as i32,
            lon: (lon * 1e6).round() as i32,
        }
    }

    /// Latitude in degrees.
    pub fn lat_deg(self) -> f64 {
        f64::from(self.lat) / 1e6
    }

    /// Longitude in degrees.
    pub fn lon_deg(self) -> f64 {
        f64::from(self.lon) / 1e6
    }
}

/// Great-circle distance in metres between two points in degrees (haversine).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Distance in metres between two stored points.
pub fn micro_distance_m(a: MicroPoint, b: MicroPoint) -> f64 {
    distance_m(a.lat_deg(), a.lon_deg(), b.lat_deg(), b.lon_deg())
}

/// Points bucketed in square cells of about `cell_m` metres, so "everything within r" looks at a
/// few cells instead of every point.
pub struct Grid {
    cell_lat: f64,
    cell_lon: f64,
    cells: std::collections::HashMap<(i32, i32), Vec<u32>>,
    points: Vec<MicroPoint>,
}

impl Grid {
    /// Buckets `points` (their index is their id) in cells of `cell_m` metres.
    pub fn new(points: &[MicroPoint], cell_m: f64) -> Grid {
        let mean_lat = if points.is_empty() {
            0.0
        } else {
            points.iter().map(|p| p.lat_deg()).sum::<f64>() / points.len() as f64
        };
        let cell_lat = cell_m / 111_195.0;
        let cell_lon = cell_lat / mean_lat.to_radians().cos().max(0.1);
        let mut grid = Grid {
            cell_lat,
            cell_lon,
            cells: Default::default(),
            points: points.to_vec(),
        };
        for (i, p) in points.iter().enumerate() {
            let key = grid.cell(*p);
            grid.cells.entry(key).or_default().push(i as u32);
        }
        grid
    }

    fn cell(&self, p: MicroPoint) -> (i32, i32) {
        (
            (p.lat_deg() / self.cell_lat).floor() as i32,
            (p.lon_deg() / self.cell_lon).floor() as i32,
        )
    }

    /// Every point within `radius_m` of `p`, with its distance, nearest first.
    pub fn within(&self, p: MicroPoint, radius_m: f64) -> Vec<(u32, f64)> {
        let (ci, cj) = self.cell(p);
        let reach_lat = (radius_m / 111_195.0 / self.cell_lat).ceil() as i32;
        let reach_lon = (radius_m / 111_195.0 / self.cell_lat * (self.cell_lat / self.cell_lon))
            .ceil() as i32
            + 1;
        let mut out = Vec::new();
        for i in ci - reach_lat..=ci + reach_lat {
            for j in cj - reach_lon..=cj + reach_lon {
                for &id in self
                    .cells
                    .get(&(i, j))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    let d = micro_distance_m(p, self.points[id as usize]);
                    if d <= radius_m {
                        out.push((id, d));
                    }
                }
            }
        }
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ben_thanh_to_cho_lon_is_about_five_km() {
        // Chợ Bến Thành and Chợ Lớn (Bình Tây market), measured on a map: about 5.3 km apart.
        let d = distance_m(10.7725, 106.6980, 10.7497, 106.6510);
        assert!((5_300.0..5_900.0).contains(&d), "{d}");
    }

    #[test]
    fn grid_finds_the_same_points_as_a_scan() {
        let pts: Vec<MicroPoint> = (0..400)
            .map(|i| {
                MicroPoint::from_degrees(
                    10.7 + (i % 20) as f64 * 0.0013,
                    106.6 + (i / 20) as f64 * 0.0017,
                )
            })
            .collect();
        let grid = Grid::new(&pts, 250.0);
        let centre = MicroPoint::from_degrees(10.712, 106.615);
        let mut scan: Vec<u32> = (0..pts.len() as u32)
            .filter(|&i| micro_distance_m(centre, pts[i as usize]) <= 600.0)
            .collect();
        let mut found: Vec<u32> = grid
            .within(centre, 600.0)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        scan.sort();
        found.sort();
        assert!(!scan.is_empty());
        assert_eq!(found, scan);
    }
}
