//! Where a request that arrives without a unit goes (an outside Open311
//! client that sends no `unit`): never nowhere.
//!
//! 1. With a location: the commune or ward whose centroid is nearest
//!    ([`congdan_sources::places::UnitPlaces`], all 3,321 built in), when it
//!    lies within [`MAX_TRIAGE_KM`] and the server stores that unit. The
//!    official unit list carries no boundaries, so the nearest centroid stands
//!    in for "the commune whose area covers it"; the limit keeps a point at sea
//!    or abroad from landing in whatever commune happens to be closest.
//! 2. Otherwise the configured `default_unit` (config file or `CONGDAN_DEFAULT_UNIT`).
//! 3. Otherwise no unit: the national triage queue, which every admin's inbox shows.
//!
//! In every case the request is marked for triage ("Cần phân loại") until an
//! officer routes or assigns it.

use congdan_sources::places::UnitPlaces;

use crate::AppState;
use crate::storage::StorageError;

/// Farthest a unit centroid may be from a request's location to receive it.
pub const MAX_TRIAGE_KM: f64 = 30.0;

/// The unit a request without one goes to (`None`: the national queue).
pub async fn place(
    state: &AppState,
    lat: Option<f64>,
    long: Option<f64>,
) -> Result<Option<String>, StorageError> {
    if let (Some(lat), Some(long)) = (lat, long)
        && let Some(code) = nearest(UnitPlaces::embedded(), lat, long)
        && state.storage.unit(code.clone()).await?.is_some()
    {
        return Ok(Some(code));
    }
    Ok(state.config.default_unit.clone())
}

/// The code of the centroid nearest `(lat, long)` within [`MAX_TRIAGE_KM`].
fn nearest(places: &UnitPlaces, lat: f64, long: f64) -> Option<String> {
    places
        .nearest(lat, long)
        .filter(|(_, metres)| *metres <= MAX_TRIAGE_KM * 1000.0)
        .map(|(code, _)| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(rows: &str) -> UnitPlaces {
        UnitPlaces::from_csv(format!("unit_code,lat,lon\n{rows}").as_bytes()).unwrap()
    }

    #[test]
    fn the_nearest_centroid_within_reach_wins() {
        let two = places("00004,21.0385,105.8381\n00008,21.0381,105.8163\n");
        assert_eq!(nearest(&two, 21.037, 105.835).as_deref(), Some("00004"));
        assert_eq!(nearest(&two, 21.042, 105.823).as_deref(), Some("00008"));
        // Đà Nẵng is hundreds of kilometres from both.
        assert_eq!(nearest(&two, 16.054, 108.202), None);
        assert_eq!(nearest(&places(""), 21.0, 105.8), None);
    }

    #[test]
    fn every_commune_of_the_country_is_reachable() {
        // Đà Nẵng's Hải Châu, with the built-in centroids: some unit within reach.
        let code = nearest(UnitPlaces::embedded(), 16.0544, 108.2022).unwrap();
        assert!(code.len() == 5, "{code}");
        // The sea off the coast is not.
        assert_eq!(nearest(UnitPlaces::embedded(), 12.0, 114.0), None);
    }
}
