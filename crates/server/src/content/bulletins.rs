//! `GET /api/v1/bulletins?unit=CODE`: the change feed of epidemic bulletins
//! of one commune-level unit (one row per bulletin and unit it gives figures
//! for). The ETag scope is the unit code. Posting is [`crate::bulletins`].

use crate::routes::Routes;
use crate::storage::Resource;

/// Path of the bulletin list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/bulletins";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().route(LIST_PATH, super::unit_feed(Resource::Bulletins))
}
