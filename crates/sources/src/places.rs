//! Where each commune-level unit is: one centroid per unit, embedded gzipped
//! from `data/unit-centroids.csv.gz` (built by `scripts/unit-centroids.py` from
//! the ward boundaries of the same repository as `units.csv`; provenance in
//! data/demo/README.md).
//!
//! A unit is a point here, not a shape: an area (a CAP polygon or circle) takes
//! the units whose centroid lies in it, and a place belongs to the unit whose
//! centroid is nearest. That is exact for areas drawn around whole communes and
//! approximate at a boundary, which is why the server prefers a unit named by
//! code wherever the sender gives one.

use std::io::Read;
use std::sync::OnceLock;

use congdan_transit::geo::distance_m;

use crate::SourceError;

/// The centroid file, gzipped (`unit_code,lat,lon`, 3,321 rows).
const EMBEDDED: &[u8] = include_bytes!("../data/unit-centroids.csv.gz");

/// Where the file's rows may lie: Vietnam with its islands, with a margin.
const LAT_RANGE: std::ops::RangeInclusive<f64> = 6.0..=24.0;
const LON_RANGE: std::ops::RangeInclusive<f64> = 101.0..=118.0;

/// One unit's centroid, in degrees.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct UnitPlace {
    /// The commune-level unit's code (5 digits).
    #[serde(rename = "unit_code")]
    pub code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// Every unit's centroid, for matching areas and places to units.
#[derive(Debug, Clone, Default)]
pub struct UnitPlaces {
    places: Vec<UnitPlace>,
}

impl UnitPlaces {
    /// The centroids built into this crate (loaded once per process).
    pub fn embedded() -> &'static UnitPlaces {
        static PLACES: OnceLock<UnitPlaces> = OnceLock::new();
        PLACES.get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(EMBEDDED)
                .read_to_string(&mut text)
                .ok()
                .and_then(|_| UnitPlaces::from_csv(text.as_bytes()).ok())
                .expect("the embedded centroids are checked by a unit test")
        })
    }

    /// Reads `unit_code,lat,lon`; a row out of Vietnam or unreadable fails the
    /// whole file with its line.
    pub fn from_csv<R: Read>(reader: R) -> Result<UnitPlaces, SourceError> {
        let mut csv = csv::Reader::from_reader(reader);
        let mut places = Vec::new();
        for (index, row) in csv.deserialize::<UnitPlace>().enumerate() {
            let line = index + 2;
            let place = row.map_err(|e| SourceError::BadHeader {
                reason: format!("centroids line {line}: {e}"),
            })?;
            if !LAT_RANGE.contains(&place.lat) || !LON_RANGE.contains(&place.lon) {
                return Err(SourceError::BadHeader {
                    reason: format!("centroids line {line}: not in Vietnam"),
                });
            }
            places.push(place);
        }
        Ok(UnitPlaces { places })
    }

    /// Number of units with a centroid.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether no unit has a centroid.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Codes of the units whose centroid lies inside `polygon` ((lat, lon)
    /// points, closed or not), sorted.
    pub fn within_polygon(&self, polygon: &[(f64, f64)]) -> Vec<String> {
        self.codes_where(|p| contains(polygon, p.lat, p.lon))
    }

    /// Codes of the units whose centroid is within `radius_km` of (lat, lon), sorted.
    pub fn within_circle(&self, lat: f64, lon: f64, radius_km: f64) -> Vec<String> {
        let radius_m = radius_km * 1000.0;
        self.codes_where(|p| distance_m(lat, lon, p.lat, p.lon) <= radius_m)
    }

    /// The unit whose centroid is nearest to (lat, lon), with the distance in metres.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<(&str, f64)> {
        self.places
            .iter()
            .map(|p| (p.code.as_str(), distance_m(lat, lon, p.lat, p.lon)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn codes_where(&self, keep: impl Fn(&UnitPlace) -> bool) -> Vec<String> {
        let mut codes: Vec<String> = self
            .places
            .iter()
            .filter(|p| keep(p))
            .map(|p| p.code.clone())
            .collect();
        codes.sort();
        codes
    }
}

/// Whether (lat, lon) is inside `polygon` (even-odd rule, plane geometry: a
/// CAP polygon is drawn on a map of a province, not across the antimeridian).
fn contains(polygon: &[(f64, f64)], lat: f64, lon: f64) -> bool {
    let mut inside = false;
    let Some(mut previous) = polygon.last().copied() else {
        return false;
    };
    for &(y1, x1) in polygon {
        let (y0, x0) = previous;
        if (y1 > lat) != (y0 > lat) && lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0) {
            inside = !inside;
        }
        previous = (y1, x1);
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phường Ba Đình (Hà Nội) and Phường Bến Thành (HCMC), from the embedded file.
    const BA_DINH: &str = "00004";
    const BEN_THANH: &str = "26743";

    #[test]
    fn the_embedded_file_has_every_unit_in_vietnam() {
        let places = UnitPlaces::embedded();
        assert_eq!(places.len(), 3321);
        let (code, metres) = places.nearest(21.0368, 105.8342).unwrap();
        assert_eq!(code, BA_DINH, "Ba Đình Square is in Phường Ba Đình");
        assert!(metres < 2000.0, "{metres}");
    }

    #[test]
    fn a_polygon_takes_the_units_whose_centre_it_holds() {
        let places = UnitPlaces::embedded();
        // A box around central Hà Nội, given open (CAP closes it; both work).
        let box_hn = [
            (21.0, 105.8),
            (21.0, 105.87),
            (21.06, 105.87),
            (21.06, 105.8),
        ];
        let codes = places.within_polygon(&box_hn);
        assert!(codes.contains(&BA_DINH.to_owned()), "{codes:?}");
        assert!(!codes.contains(&BEN_THANH.to_owned()));
        assert!(codes.len() > 5 && codes.len() < 40, "{}", codes.len());
        assert!(places.within_polygon(&[]).is_empty());
    }

    #[test]
    fn a_circle_takes_the_units_within_its_radius() {
        let places = UnitPlaces::embedded();
        let near_ben_thanh = places.within_circle(10.7725, 106.6980, 1.0);
        assert!(
            near_ben_thanh.contains(&BEN_THANH.to_owned()),
            "{near_ben_thanh:?}"
        );
        assert!(!near_ben_thanh.contains(&BA_DINH.to_owned()));
        assert!(places.within_circle(10.7725, 106.6980, 0.0).len() <= 1);
    }

    #[test]
    fn a_row_out_of_vietnam_or_unreadable_fails_with_its_line() {
        let bad = "unit_code,lat,lon\n00004,21.0,105.8\n00008,48.85,2.35\n";
        let err = UnitPlaces::from_csv(bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        let bad = "unit_code,lat,lon\n00004,north,105.8\n";
        let err = UnitPlaces::from_csv(bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
