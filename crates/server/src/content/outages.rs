//! `GET /api/v1/outages?unit=CODE`: the change feed of planned power cuts of
//! one commune-level unit (only its own rows: a cut is stored once per unit it
//! concerns).

use crate::routes::Routes;
use crate::storage::Resource;

/// Path of the outage list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/outages";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().route(LIST_PATH, super::unit_feed(Resource::Outages))
}
