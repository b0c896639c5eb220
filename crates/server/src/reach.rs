//! Reach figures per unit and ISO week (`GET /api/v1/official/reach`):
//! announcements published and households that answered them, requests
//! answered, answered on time (%) and the median time to an answer, as JSON
//! or CSV. The facts come from [`crate::storage::ReachStorage`]; weeks are
//! counted in Vietnam time (UTC+7, no daylight saving).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use congdan_protocol::announcements::{Reach, ReachWeek};
use congdan_protocol::requests::Role;
use serde::Deserialize;

use crate::AppState;
use crate::authz;
use crate::error::AppError;
use crate::storage::reach::{AnsweredFact, PublishedFact};

/// Weeks shown when the caller does not say.
pub const DEFAULT_WEEKS: u32 = 12;
/// Most weeks one answer covers.
pub const MAX_WEEKS: u32 = 104;

/// The ISO week of `at` in Vietnam time, e.g. `2026-W49`.
pub fn iso_week(at: DateTime<Utc>) -> String {
    let vietnam = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    let week = at.with_timezone(&vietnam).iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The median of `values` (sorted here); `None` when empty.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}

/// Weekly figures from the facts, oldest week first.
pub fn weekly(published: &[PublishedFact], answered: &[AnsweredFact]) -> Vec<ReachWeek> {
    #[derive(Default)]
    struct Week {
        announcements: u32,
        acknowledged: u32,
        answered: u32,
        on_time: u32,
        hours: Vec<f64>,
    }
    let mut weeks: BTreeMap<String, Week> = BTreeMap::new();
    for fact in published {
        let week = weeks.entry(iso_week(fact.published_at)).or_default();
        week.announcements += 1;
        week.acknowledged += fact.acknowledged;
    }
    for fact in answered {
        let week = weeks.entry(iso_week(fact.answered_at)).or_default();
        week.answered += 1;
        if fact.due.is_none_or(|due| fact.answered_at <= due) {
            week.on_time += 1;
        }
        // Milliseconds of a few months fit an f64 exactly.
        #[allow(clippy::cast_precision_loss)]
        let hours = (fact.answered_at - fact.requested_at).num_milliseconds() as f64 / 3_600_000.0;
        week.hours.push(hours);
    }
    weeks
        .into_iter()
        .map(|(week, mut w)| ReachWeek {
            week,
            announcements: w.announcements,
            acknowledged: w.acknowledged,
            answered: w.answered,
            answered_on_time: w.on_time,
            on_time_percent: (w.answered > 0)
                .then(|| f64::from(w.on_time) * 100.0 / f64::from(w.answered)),
            median_hours_to_answer: median(&mut w.hours),
        })
        .collect()
}

/// The figures as CSV (one header line, one line per week; empty cells for
/// figures that do not exist).
pub fn to_csv(reach: &Reach) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "unit",
        "week",
        "announcements",
        "acknowledged",
        "answered",
        "answered_on_time",
        "on_time_percent",
        "median_hours_to_answer",
    ])?;
    let number = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    for w in &reach.weeks {
        writer.write_record([
            reach.unit.clone(),
            w.week.clone(),
            w.announcements.to_string(),
            w.acknowledged.to_string(),
            w.answered.to_string(),
            w.answered_on_time.to_string(),
            number(w.on_time_percent),
            number(w.median_hours_to_answer),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Query of `GET /official/reach`.
#[derive(Debug, Deserialize)]
pub struct ReachQuery {
    unit: Option<String>,
    weeks: Option<u32>,
    format: Option<String>,
}

/// `GET /official/reach?unit=&weeks=&format=csv`: any official role whose
/// unit covers `unit` (default: their own).
pub async fn reach(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ReachQuery>,
) -> Result<Response, AppError> {
    let account = authz::official(&state, &headers, Role::is_official).await?;
    let unit = query
        .unit
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| account.unit.clone());
    authz::require_unit(&state, &account, &unit).await?;
    let weeks = query.weeks.unwrap_or(DEFAULT_WEEKS).clamp(1, MAX_WEEKS);
    let since = (state.clock)() - Duration::weeks(i64::from(weeks));
    let units = authz::descendants(&state, &unit).await?;
    let published = state.storage.published_facts(units.clone(), since).await?;
    let answered = state.storage.answered_facts(units, since).await?;
    let reach = Reach {
        unit,
        weeks: weekly(&published, &answered),
    };
    if query.format.as_deref() == Some("csv") {
        let text = to_csv(&reach).map_err(|e| {
            tracing::error!(error = %e, "cannot write reach CSV");
            AppError::Invalid("Không tạo được tệp CSV.")
        })?;
        let mut response = text.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        return Ok(response);
    }
    Ok(Json(reach).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
    }

    #[test]
    fn weeks_are_vietnam_weeks_with_on_time_share_and_median() {
        // Sunday 2026-12-06 18:00 UTC is Monday 01:00 in Vietnam: week 50.
        assert_eq!(iso_week(at(6, 16)), "2026-W49");
        assert_eq!(iso_week(at(6, 18)), "2026-W50");
        let published = [PublishedFact {
            published_at: at(2, 3),
            acknowledged: 7,
        }];
        let answered = [
            AnsweredFact {
                requested_at: at(1, 0),
                answered_at: at(2, 0),
                due: Some(at(3, 0)),
            },
            AnsweredFact {
                requested_at: at(1, 0),
                answered_at: at(4, 0),
                due: Some(at(3, 0)),
            },
            AnsweredFact {
                requested_at: at(3, 0),
                answered_at: at(3, 12),
                due: None,
            },
        ];
        let weeks = weekly(&published, &answered);
        assert_eq!(weeks.len(), 1);
        let w = &weeks[0];
        assert_eq!((w.announcements, w.acknowledged), (1, 7));
        assert_eq!((w.answered, w.answered_on_time), (3, 2));
        assert!((w.on_time_percent.unwrap() - 66.666).abs() < 0.01);
        assert_eq!(w.median_hours_to_answer, Some(24.0));
        let csv = to_csv(&Reach {
            unit: "00004".into(),
            weeks,
        })
        .unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "unit,week,announcements,acknowledged,answered,answered_on_time,on_time_percent,median_hours_to_answer"
        );
        assert_eq!(lines[1], "00004,2026-W49,1,7,3,2,66.7,24.0");
        assert_eq!(median(&mut []), None);
    }
}
