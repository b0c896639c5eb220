//! Centres of communes and wards (the [`UnitPlaceStorage`] trait): the
//! official unit list has no geometry, so a request that arrives with a
//! location but no unit is triaged to the unit whose centre is nearest
//! (`open311::triage`). Loaded with `congdan-server set-unit-place`.

use super::StorageFuture;

/// A unit's centre in WGS 84 degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPlace {
    /// Unit code (a commune or ward of the official list).
    pub code: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub long: f64,
}

/// Storage of unit centres.
pub trait UnitPlaceStorage: Send + Sync + 'static {
    /// Insert or replace the centre of a unit.
    fn put_unit_place(&self, place: UnitPlace) -> StorageFuture<'_, ()>;
    /// Every known centre (a few thousand rows at most: one per commune).
    fn unit_places(&self) -> StorageFuture<'_, Vec<UnitPlace>>;
}
