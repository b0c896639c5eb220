//! Where a request that arrives without a unit goes (an outside Open311
//! client that sends no `unit`): never nowhere.
//!
//! 1. With a location: the commune or ward whose centre (`unit_places`) is
//!    nearest, when it lies within [`MAX_TRIAGE_KM`]. The official unit list
//!    carries no boundaries, so the nearest centre stands in for "the commune
//!    whose area covers it"; a province's units are never more than a few tens
//!    of kilometres apart, so the limit keeps a far-off point from landing in
//!    a commune that merely happens to be the closest one known.
//! 2. Otherwise the configured `default_unit` (config file or `CONGDAN_DEFAULT_UNIT`).
//! 3. Otherwise no unit: the national triage queue, which every admin's inbox shows.
//!
//! In every case the request is marked for triage ("Cần phân loại") until an
//! officer routes or assigns it.

use crate::AppState;
use crate::storage::StorageError;
use crate::storage::unit_places::UnitPlace;

/// Farthest a unit centre may be from a request's location to receive it.
pub const MAX_TRIAGE_KM: f64 = 30.0;

/// Mean Earth radius (km) of the haversine distance.
const EARTH_RADIUS_KM: f64 = 6371.0;

/// The unit a request without one goes to (`None`: the national queue).
pub async fn place(
    state: &AppState,
    lat: Option<f64>,
    long: Option<f64>,
) -> Result<Option<String>, StorageError> {
    if let (Some(lat), Some(long)) = (lat, long) {
        let places = state.storage.unit_places().await?;
        if let Some(code) = nearest(&places, lat, long) {
            return Ok(Some(code));
        }
    }
    Ok(state.config.default_unit.clone())
}

/// The code of the centre nearest `(lat, long)` within [`MAX_TRIAGE_KM`].
fn nearest(places: &[UnitPlace], lat: f64, long: f64) -> Option<String> {
    places
        .iter()
        .map(|place| (distance_km(lat, long, place.lat, place.long), place))
        .filter(|(km, _)| *km <= MAX_TRIAGE_KM)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, place)| place.code.clone())
}

/// Great-circle distance in kilometres (haversine).
fn distance_km(lat1: f64, long1: f64, lat2: f64, long2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (long2 - long1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(code: &str, lat: f64, long: f64) -> UnitPlace {
        UnitPlace {
            code: code.into(),
            lat,
            long,
        }
    }

    #[test]
    fn the_nearest_centre_within_reach_wins() {
        let places = [
            place("00004", 21.0341, 105.8372),
            place("00008", 21.0405, 105.8220),
        ];
        assert_eq!(nearest(&places, 21.035, 105.836).as_deref(), Some("00004"));
        assert_eq!(nearest(&places, 21.041, 105.821).as_deref(), Some("00008"));
        // Đà Nẵng is hundreds of kilometres from both.
        assert_eq!(nearest(&places, 16.054, 108.202), None);
        assert_eq!(nearest(&[], 21.0, 105.8), None);
    }

    #[test]
    fn distance_matches_a_known_figure() {
        // Hà Nội to Hồ Chí Minh City is about 1,140 km as the crow flies.
        let km = distance_km(21.0278, 105.8342, 10.7769, 106.7009);
        assert!((1100.0..1180.0).contains(&km), "{km}");
    }
}
