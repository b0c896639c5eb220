//! `GET /api/v1/holidays`: the days off and swapped working days from a year
//! ago on, so that devices count the working time left before a deadline as
//! the server counted the deadline. Small (a few dozen rows a year), so it is a
//! document with a body-hash ETag rather than a change feed.

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use chrono::{Duration, NaiveDate};
use congdan_protocol::HolidayDay;

use crate::AppState;
use crate::deadlines::vietnam_offset;
use crate::error::AppError;
use crate::routes::Routes;

/// Path of the holiday table, relative to `/api/v1`.
pub const PATH: &str = "/holidays";

/// The holiday route, revalidated by body hash ([`crate::revalidate`]).
pub fn router() -> Routes {
    Routes::new()
        .route(PATH, get(list))
        .map(|router| router.layer(axum::middleware::from_fn(crate::revalidate::etag_from_body)))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<HolidayDay>>, AppError> {
    let today = (state.clock)()
        .with_timezone(&vietnam_offset())
        .date_naive();
    let from: Option<NaiveDate> = today.checked_sub_signed(Duration::days(366));
    let days = state.storage.holidays(from, None).await?;
    Ok(Json(
        days.into_iter()
            .map(|day| HolidayDay {
                date: day.date.format("%Y-%m-%d").to_string(),
                kind: day.kind.as_str().to_owned(),
                name: day.name,
            })
            .collect(),
    ))
}
