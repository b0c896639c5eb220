//! Epidemic bulletins (bản tin dịch bệnh): what an officer may post, who may
//! post it, and the per-unit rows it becomes.
//!
//! Rules (docs/PROTOCOL.md, "Epidemic bulletins"):
//! - a bulletin's id hashes its issuing unit, day and disease (folded), so a
//!   second post for the same day is a correction that replaces the first; a
//!   unit the correction no longer names loses its row (tombstone);
//! - the bulletin goes to every unit of its `cases`, each of which must lie in
//!   the officer's scope (403 otherwise); every row carries all the figures;
//! - every post is in the audit log, written in the same transaction.
//!
//! Checking a post's content is [`validate`] (pure, unit-tested); storage is
//! behind [`crate::storage::BulletinStorage`]; HTTP is in [`router`].

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use congdan_protocol::{Bulletin, BulletinInput, CaseCount, VaccinationPlace};
use sha2::{Digest, Sha256};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::AppError;
use crate::routes::Routes;
use crate::storage::audit::AuditRecord;
use crate::storage::{Storage, StorageError, UpsertCounts};

/// Path of the officers' entry point, relative to `/api/v1`.
pub const OFFICER_PATH: &str = "/officer/bulletins";
/// Body limit of a posted bulletin.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Audit action of a post.
pub const AUDIT_ACTION: &str = "bulletin.post";
/// Most units one bulletin may give figures for.
const MAX_UNITS: usize = 200;
/// Most vaccination places one bulletin may list.
const MAX_PLACES: usize = 50;
/// Largest daily figure accepted (a typo guard, far above any ward's day).
const MAX_COUNT: u32 = 1_000_000;
/// Longest disease name, in characters.
const MAX_DISEASE_CHARS: usize = 100;
/// Longest note, in characters.
const MAX_NOTE_CHARS: usize = 2000;
/// Longest place name, address, hours or vaccine text, in characters.
const MAX_FIELD_CHARS: usize = 300;
/// Hex digits of a bulletin id.
const ID_HEX: usize = 16;

/// Why a posted bulletin is refused. `Display` is English (logs); [`message`]
/// is the Vietnamese text the officer reads.
///
/// [`message`]: BulletinError::message
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BulletinError {
    /// No disease named, or too long a name.
    #[error("disease is empty or longer than 100 characters")]
    Disease,
    /// The day is after today (Việt Nam time).
    #[error("date is in the future")]
    FutureDate,
    /// No figures, or figures for too many units.
    #[error("cases must name between 1 and 200 units")]
    CaseCount,
    /// A unit appears twice in `cases`.
    #[error("a unit appears twice in cases")]
    DuplicateUnit,
    /// A unit code is empty.
    #[error("a unit code is empty")]
    EmptyUnit,
    /// A figure is over 1,000,000.
    #[error("a figure is over 1,000,000")]
    Figure,
    /// Too many places.
    #[error("more than 50 vaccination places")]
    PlaceCount,
    /// A place has no name or no opening times, or a field is too long.
    #[error("a vaccination place lacks a name or opening times, or a field is too long")]
    PlaceText,
    /// A place has only one of lat/lon, or one outside its range.
    #[error("a vaccination place has a bad position (lat and lon go together, in range)")]
    PlacePosition,
    /// The note is too long.
    #[error("note is longer than 2000 characters")]
    Note,
}

impl BulletinError {
    /// Vietnamese message, safe to show to the officer.
    pub fn message(self) -> &'static str {
        match self {
            BulletinError::Disease => "Cần ghi tên bệnh (tối đa 100 ký tự).",
            BulletinError::FutureDate => "Ngày của bản tin không được ở tương lai.",
            BulletinError::CaseCount => "Cần số ca của ít nhất một đơn vị (tối đa 200 đơn vị).",
            BulletinError::DuplicateUnit => "Mỗi đơn vị chỉ được ghi số ca một lần.",
            BulletinError::EmptyUnit => "Thiếu mã đơn vị hành chính trong số ca.",
            BulletinError::Figure => "Số ca không hợp lệ (tối đa 1.000.000).",
            BulletinError::PlaceCount => "Tối đa 50 điểm tiêm trong một bản tin.",
            BulletinError::PlaceText => {
                "Mỗi điểm tiêm cần tên và giờ tiêm (mỗi mục tối đa 300 ký tự)."
            }
            BulletinError::PlacePosition => {
                "Toạ độ điểm tiêm không hợp lệ: cần cả vĩ độ và kinh độ, trong giới hạn."
            }
            BulletinError::Note => "Ghi chú tối đa 2000 ký tự.",
        }
    }
}

impl From<BulletinError> for AppError {
    fn from(e: BulletinError) -> Self {
        tracing::info!(reason = %e, "bulletin refused");
        AppError::Invalid(e.message())
    }
}

/// Việt Nam time.
fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

fn too_long(text: &str, max: usize) -> bool {
    text.chars().count() > max
}

/// The post with its text trimmed, or the first rule it breaks. `today` is
/// the local (Việt Nam) date. Pure, so every rule is tested without HTTP.
pub fn validate(input: BulletinInput, today: NaiveDate) -> Result<BulletinInput, BulletinError> {
    let disease = input.disease.trim().to_owned();
    if disease.is_empty() || too_long(&disease, MAX_DISEASE_CHARS) {
        return Err(BulletinError::Disease);
    }
    if input.date > today {
        return Err(BulletinError::FutureDate);
    }
    if input.cases.is_empty() || input.cases.len() > MAX_UNITS {
        return Err(BulletinError::CaseCount);
    }
    let mut seen = BTreeSet::new();
    let mut cases = Vec::with_capacity(input.cases.len());
    for case in input.cases {
        let unit = case.unit.trim().to_owned();
        if unit.is_empty() {
            return Err(BulletinError::EmptyUnit);
        }
        if !seen.insert(unit.clone()) {
            return Err(BulletinError::DuplicateUnit);
        }
        let figures = [Some(case.new_cases), case.recovered, case.deaths];
        if figures.into_iter().flatten().any(|n| n > MAX_COUNT) {
            return Err(BulletinError::Figure);
        }
        cases.push(CaseCount { unit, ..case });
    }
    if input.places.len() > MAX_PLACES {
        return Err(BulletinError::PlaceCount);
    }
    let mut places = Vec::with_capacity(input.places.len());
    for place in input.places {
        let text = |s: &str| s.trim().to_owned();
        let place = VaccinationPlace {
            name: text(&place.name),
            address: text(&place.address),
            hours: text(&place.hours),
            vaccine: text(&place.vaccine),
            ..place
        };
        let fields = [&place.name, &place.address, &place.hours, &place.vaccine];
        if place.name.is_empty()
            || place.hours.is_empty()
            || fields.iter().any(|f| too_long(f, MAX_FIELD_CHARS))
        {
            return Err(BulletinError::PlaceText);
        }
        match (place.lat, place.lon) {
            (None, None) => {}
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {}
            _ => return Err(BulletinError::PlacePosition),
        }
        places.push(place);
    }
    let note = input.note.trim().to_owned();
    if too_long(&note, MAX_NOTE_CHARS) {
        return Err(BulletinError::Note);
    }
    Ok(BulletinInput {
        date: input.date,
        disease,
        cases,
        places,
        note,
    })
}

/// The id of the bulletin of `issuer` for `date` and `disease` (folded, so
/// "Covid-19" and "COVID-19" are one bulletin).
pub fn bulletin_id(issuer: &str, date: NaiveDate, disease: &str) -> String {
    let key = format!("{issuer}\n{date}\n{}", congdan_search::fold(disease));
    let hash = Sha256::digest(key.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("b{}", &hex[..ID_HEX])
}

/// Who posts a bulletin: the issuing unit and its name.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// Unit code.
    pub unit: String,
    /// Unit name, shown to residents.
    pub name: String,
}

/// Stores a validated bulletin: one row per unit of its cases; rows of an
/// earlier post of the same id for units no longer named are deleted; the
/// audit record goes in the same transaction. Returns the rows written.
pub async fn store(
    storage: &dyn Storage,
    input: BulletinInput,
    issuer: &Issuer,
    audit: AuditRecord,
    now: DateTime<Utc>,
) -> Result<(Vec<Bulletin>, UpsertCounts), StorageError> {
    let id = bulletin_id(&issuer.unit, input.date, &input.disease);
    let published = now.with_timezone(&vietnam());
    let published_at = published
        - chrono::Duration::nanoseconds(i64::from(chrono::Timelike::nanosecond(&published)));
    let rows: Vec<Bulletin> = input
        .cases
        .iter()
        .map(|case| Bulletin {
            id: format!("{id}@{}", case.unit),
            bulletin: id.clone(),
            unit: case.unit.clone(),
            issuer_unit: issuer.unit.clone(),
            issuer_name: issuer.name.clone(),
            date: input.date,
            disease: input.disease.clone(),
            cases: input.cases.clone(),
            places: input.places.clone(),
            note: input.note.clone(),
            published_at,
        })
        .collect();
    let dropped: Vec<String> = storage
        .bulletin_rows(id.clone())
        .await?
        .into_iter()
        .filter(|old| !rows.iter().any(|r| r.id == old.id))
        .map(|old| old.id)
        .collect();
    let counts = storage
        .save_bulletin(
            rows.clone(),
            dropped,
            AuditRecord {
                target: id,
                ..audit
            },
        )
        .await?;
    Ok((rows, counts))
}

/// Routes of this module (relative to `/api/v1`).
pub fn router() -> Routes {
    Routes::new().route(
        OFFICER_PATH,
        post(officer_post).layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

/// `POST /api/v1/officer/bulletins`: an officer (or admin) posts the day's
/// bulletin for units in their scope. The answer is the rows written.
async fn officer_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<BulletinInput>, JsonRejection>,
) -> Result<Json<Vec<Bulletin>>, AppError> {
    let account =
        crate::authz::official(&state, &headers, congdan_protocol::Role::handles_requests).await?;
    let input = crate::error::json_body(body)?;
    let now = (state.clock)();
    let input = validate(input, now.with_timezone(&vietnam()).date_naive())?;
    for case in &input.cases {
        if state.storage.unit(case.unit.clone()).await?.is_none() {
            return Err(AppError::UnknownUnit);
        }
        crate::authz::require_unit(&state, &account, &case.unit).await?;
    }
    let issuer = Issuer {
        unit: account.unit.clone(),
        name: crate::authz::find_unit(&state, &account.unit)
            .await?
            .map_or_else(|| account.name.clone(), |u| u.name),
    };
    let detail = format!("{} {} units", input.date, input.cases.len());
    let audit = crate::authz::audit(&state, &account, AUDIT_ACTION, "", detail);
    let (rows, counts) = store(state.storage.as_ref(), input, &issuer, audit, now).await?;
    tracing::info!(
        rows = rows.len(),
        inserted = counts.inserted,
        updated = counts.updated,
        "officer posted a bulletin"
    );
    Ok(Json(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 5, d).unwrap()
    }

    fn input() -> BulletinInput {
        BulletinInput {
            date: day(25),
            disease: " COVID-19 ".to_owned(),
            cases: vec![CaseCount {
                unit: "00008".to_owned(),
                new_cases: 2,
                recovered: Some(1),
                deaths: None,
            }],
            places: vec![VaccinationPlace {
                name: "Trạm Y tế".to_owned(),
                address: "Ba Đình".to_owned(),
                lat: Some(21.03),
                lon: Some(105.83),
                hours: "7:30–11:30".to_owned(),
                vaccine: "AstraZeneca".to_owned(),
            }],
            note: String::new(),
        }
    }

    fn refused(change: impl FnOnce(&mut BulletinInput)) -> BulletinError {
        let mut bad = input();
        change(&mut bad);
        validate(bad, day(25)).unwrap_err()
    }

    #[test]
    fn a_good_post_is_trimmed_and_kept() {
        let ok = validate(input(), day(25)).unwrap();
        assert_eq!(ok.disease, "COVID-19");
        assert_eq!(ok.cases.len(), 1);
        assert_eq!(ok.places[0].lat, Some(21.03));
    }

    #[test]
    fn each_rule_refuses_with_its_own_error() {
        assert_eq!(refused(|b| b.disease = "  ".into()), BulletinError::Disease);
        assert_eq!(refused(|b| b.date = day(26)), BulletinError::FutureDate);
        assert_eq!(refused(|b| b.cases.clear()), BulletinError::CaseCount);
        assert_eq!(
            refused(|b| b.cases.push(b.cases[0].clone())),
            BulletinError::DuplicateUnit
        );
        assert_eq!(
            refused(|b| b.cases[0].unit = " ".into()),
            BulletinError::EmptyUnit
        );
        assert_eq!(
            refused(|b| b.cases[0].deaths = Some(MAX_COUNT + 1)),
            BulletinError::Figure
        );
        assert_eq!(
            refused(|b| b.places = vec![b.places[0].clone(); MAX_PLACES + 1]),
            BulletinError::PlaceCount
        );
        assert_eq!(
            refused(|b| b.places[0].hours = "".into()),
            BulletinError::PlaceText
        );
        assert_eq!(
            refused(|b| b.places[0].lon = None),
            BulletinError::PlacePosition
        );
        assert_eq!(
            refused(|b| b.places[0].lat = Some(91.0)),
            BulletinError::PlacePosition
        );
        assert_eq!(refused(|b| b.note = "x".repeat(2001)), BulletinError::Note);
    }

    #[test]
    fn messages_are_vietnamese_and_logs_english() {
        let e = BulletinError::FutureDate;
        assert!(e.message().contains("tương lai"));
        assert_eq!(e.to_string(), "date is in the future");
    }

    #[test]
    fn ids_fold_the_disease_and_keep_unit_and_day() {
        assert_eq!(
            bulletin_id("00004", day(1), "COVID-19"),
            bulletin_id("00004", day(1), "Covid-19")
        );
        assert_ne!(
            bulletin_id("00004", day(1), "COVID-19"),
            bulletin_id("00004", day(2), "COVID-19")
        );
        assert_ne!(
            bulletin_id("00004", day(1), "COVID-19"),
            bulletin_id("00008", day(1), "COVID-19")
        );
    }
}
