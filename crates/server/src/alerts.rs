//! CAP alerts (cảnh báo): ingesting a CAP 1.2 document, issuing one (officers
//! over HTTP, operators with `congdan-server issue-alert`), deciding which
//! units it concerns, and what an update or cancellation does.
//!
//! Rules (docs/PROTOCOL.md, "Alerts"):
//! - an alert's server id hashes its `<sender>` and `<identifier>`, so the same
//!   document ingested twice is one alert;
//! - units come from `<geocode>`s named `VN-unit` (a commune code, or a province
//!   code meaning all its communes), and from `<polygon>`s and `<circle>`s: a
//!   commune is in the area when its centroid is
//!   ([`congdan_sources::places::UnitPlaces`]);
//! - the text shown is the first `<info>` in Vietnamese, else the first one;
//! - an `Update` or `Cancel` makes the alerts it references inactive (their rows
//!   are sent again with `msg_type` `Cancel`); a `Cancel` is itself inactive.
//!
//! Parsing and writing CAP is `congdan_sources::cap`'s; storage is behind
//! [`crate::storage::AlertStorage`].

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{DateTime, FixedOffset, Utc};
use congdan_protocol::{Alert, AlertInput, Unit, UnitLevel};
use congdan_sources::SourceError;
use congdan_sources::cap::{self, CapAlert, CapArea, CapInfo};
use congdan_sources::places::UnitPlaces;
use sha2::{Digest, Sha256};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::AppError;
use crate::routes::Routes;
use crate::storage::alerts::CapDocument;
use crate::storage::{Storage, StorageError, UpsertCounts};

/// `<geocode><valueName>` whose value is a unit code.
pub const GEOCODE_UNIT: &str = "VN-unit";
/// Path of the officers' entry point, relative to `/api/v1`.
pub const OFFICER_PATH: &str = "/officer/alerts";
/// Body limit of an officer's alert.
pub const BODY_LIMIT: usize = 32 * 1024;
/// Hex digits of an alert id.
const ID_HEX: usize = 16;

/// Why an ingest or an issue failed; nothing was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AlertError {
    /// The document is not an acceptable CAP 1.2 alert.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// An issued alert is incomplete; the text is Vietnamese, for the officer.
    #[error("invalid alert: {0}")]
    Invalid(&'static str),
    /// A unit code names no stored unit.
    #[error("unknown unit {0}")]
    UnknownUnit(String),
}

impl From<AlertError> for AppError {
    fn from(e: AlertError) -> Self {
        match e {
            AlertError::Storage(s) => AppError::Storage(s),
            AlertError::Invalid(message) => AppError::Invalid(message),
            AlertError::UnknownUnit(_) => AppError::UnknownUnit,
            AlertError::Source(_) => AppError::Invalid("Cảnh báo không đúng chuẩn CAP 1.2."),
        }
    }
}

/// What storing one alert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertReport {
    /// Server id (`GET /api/v1/alerts/{id}.cap`).
    pub id: String,
    /// Units it was matched to (by geocode, polygon or circle).
    pub units: Vec<String>,
    /// Rows written (this alert's, and referenced alerts made inactive).
    pub counts: UpsertCounts,
    /// Whether the document carried a signature (never verified: see docs).
    pub signed: bool,
}

/// The server id of the alert `identifier` of `sender`.
pub fn alert_id(sender: &str, identifier: &str) -> String {
    let hash = Sha256::digest(format!("{sender}\n{identifier}").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("a{}", &hex[..ID_HEX])
}

/// Commune codes of the alert's areas, sorted: those named by its `VN-unit`
/// geocodes (a province code stands for all its communes) and those whose
/// centroid lies in one of its polygons or circles. Codes the server does not
/// store are skipped.
async fn units_of(storage: &dyn Storage, alert: &CapAlert) -> Result<Vec<String>, StorageError> {
    let mut codes = BTreeSet::new();
    let areas = || alert.infos.iter().flat_map(|i| &i.areas);
    let named = areas()
        .flat_map(|a| &a.geocodes)
        .filter(|(name, _)| name.eq_ignore_ascii_case(GEOCODE_UNIT))
        .map(|(_, value)| value.trim().to_owned());
    let places = UnitPlaces::embedded();
    let drawn: BTreeSet<String> = areas()
        .flat_map(|a| {
            let polygons = a.polygons.iter().map(|p| places.within_polygon(p));
            let circles = a
                .circles
                .iter()
                .map(|&(lat, lon, km)| places.within_circle(lat, lon, km));
            polygons.chain(circles).flatten().collect::<Vec<_>>()
        })
        .collect();
    for code in drawn {
        if storage.unit(code.clone()).await?.is_some() {
            codes.insert(code);
        }
    }
    for code in named.collect::<BTreeSet<_>>() {
        match storage.unit(code.clone()).await? {
            Some(unit) if unit.level == UnitLevel::Commune => {
                codes.insert(unit.code);
            }
            Some(province) => {
                for text in storage.units_json(Some(province.code)).await? {
                    if let Ok(unit) = serde_json::from_str::<Unit>(&text) {
                        codes.insert(unit.code);
                    }
                }
            }
            None => {}
        }
    }
    Ok(codes.into_iter().collect())
}

/// The info block residents read: the first in Vietnamese, else the first.
fn shown_info(alert: &CapAlert) -> Option<&CapInfo> {
    alert
        .infos
        .iter()
        .find(|i| i.language.to_ascii_lowercase().starts_with("vi"))
        .or_else(|| alert.infos.first())
}

/// One row per unit (none when the alert has no `info`, e.g. an `Ack`).
fn rows(id: &str, alert: &CapAlert, units: &[String]) -> Vec<Alert> {
    let Some(info) = shown_info(alert) else {
        return Vec::new();
    };
    let area: Vec<&str> = info.areas.iter().map(|a| a.desc.as_str()).collect();
    units
        .iter()
        .map(|unit| Alert {
            id: format!("{id}@{unit}"),
            alert: id.to_owned(),
            unit: unit.clone(),
            units: units.to_vec(),
            identifier: alert.identifier.clone(),
            sender: alert.sender.clone(),
            sent: alert.sent,
            msg_type: alert.msg_type.clone(),
            event: info.event.clone(),
            categories: info.categories.clone(),
            severity: info.severity,
            urgency: info.urgency,
            certainty: info.certainty,
            headline: info.headline.clone().unwrap_or_default(),
            description: info.description.clone().unwrap_or_default(),
            instruction: info.instruction.clone().unwrap_or_default(),
            language: info.language.clone(),
            area: area.join("; "),
            expires: info.expires,
        })
        .collect()
}

/// Stores a checked alert with its CAP text: its rows, and referenced alerts
/// made inactive when it is an update or a cancellation.
async fn store(
    storage: &dyn Storage,
    alert: &CapAlert,
    xml: String,
    now: DateTime<Utc>,
) -> Result<AlertReport, AlertError> {
    let id = alert_id(&alert.sender, &alert.identifier);
    let units = units_of(storage, alert).await?;
    let mut all = rows(&id, alert, &units);
    if matches!(alert.msg_type.as_str(), "Update" | "Cancel") {
        for (sender, identifier, _) in &alert.references {
            for mut old in storage.alert_rows(alert_id(sender, identifier)).await? {
                old.msg_type = "Cancel".to_owned();
                all.push(old);
            }
        }
    }
    let document = CapDocument {
        alert: id.clone(),
        sender: alert.sender.clone(),
        identifier: alert.identifier.clone(),
        xml,
        signed: alert.signed,
        received_at: now,
    };
    let counts = storage.save_alert(document, all).await?;
    tracing::info!(
        alert = %id,
        units = units.len(),
        msg_type = %alert.msg_type,
        signed = alert.signed,
        "stored an alert"
    );
    Ok(AlertReport {
        id,
        units,
        counts,
        signed: alert.signed,
    })
}

/// Ingests one CAP 1.2 document (kept byte for byte for `.cap`, so a signature
/// stays checkable by whoever has the sender's certificate).
pub async fn ingest(
    storage: &dyn Storage,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<AlertReport, AlertError> {
    let (alert, bytes) =
        tokio::task::spawn_blocking(move || cap::parse(&bytes).map(|a| (a, bytes)))
            .await
            .map_err(|e| StorageError::Worker(e.to_string()))??;
    let xml = String::from_utf8(bytes).map_err(|e| SourceError::Encoding {
        position: format!("byte {}", e.utf8_error().valid_up_to()),
    })?;
    store(storage, &alert, xml, now).await
}

/// Who issues an alert: the CAP `<sender>` and `<senderName>`.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// CAP sender, e.g. `canbo.badinh@congdan`.
    pub sender: String,
    /// Display name, e.g. the officer's unit.
    pub name: String,
}

/// Issues a new alert for stored units; its CAP text is what [`cap::write`] emits.
pub async fn issue(
    storage: &dyn Storage,
    input: AlertInput,
    issuer: &Issuer,
    now: DateTime<Utc>,
) -> Result<AlertReport, AlertError> {
    let text = |s: &str| s.trim().to_owned();
    let (event, headline) = (text(&input.event), text(&input.headline));
    if event.is_empty() || headline.is_empty() {
        return Err(AlertError::Invalid("Cần nêu sự kiện và tiêu đề cảnh báo."));
    }
    if input.expires.is_some_and(|at| at.to_utc() <= now) {
        return Err(AlertError::Invalid(
            "Thời điểm hết hiệu lực phải ở tương lai.",
        ));
    }
    let units: BTreeSet<String> = input.units.iter().map(|u| u.trim().to_owned()).collect();
    if units.is_empty() {
        return Err(AlertError::Invalid(
            "Cần chọn ít nhất một đơn vị hành chính.",
        ));
    }
    let mut names = Vec::new();
    for code in &units {
        let unit = storage
            .unit(code.clone())
            .await?
            .ok_or_else(|| AlertError::UnknownUnit(code.clone()))?;
        names.push(unit.name);
    }
    let vietnam = FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    let sent = now.with_timezone(&vietnam);
    let sent = sent - chrono::Duration::nanoseconds(i64::from(chrono::Timelike::nanosecond(&sent)));
    let optional = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let alert = CapAlert {
        identifier: format!("congdan-{}", uuid::Uuid::new_v4().simple()),
        sender: issuer.sender.clone(),
        sent,
        status: "Actual".to_owned(),
        msg_type: "Alert".to_owned(),
        scope: "Public".to_owned(),
        references: Vec::new(),
        infos: vec![CapInfo {
            language: "vi-VN".to_owned(),
            categories: vec![input.category],
            event,
            urgency: input.urgency,
            severity: input.severity,
            certainty: input.certainty,
            effective: None,
            onset: None,
            expires: input
                .expires
                .map(|at| at.with_timezone(&vietnam))
                .map(|at| {
                    at - chrono::Duration::nanoseconds(i64::from(chrono::Timelike::nanosecond(&at)))
                }),
            sender_name: optional(issuer.name.clone()),
            headline: Some(headline),
            description: optional(input.description),
            instruction: optional(input.instruction),
            areas: vec![CapArea {
                desc: names.join("; "),
                polygons: Vec::new(),
                circles: Vec::new(),
                geocodes: units
                    .iter()
                    .map(|u| (GEOCODE_UNIT.to_owned(), u.clone()))
                    .collect(),
            }],
        }],
        signed: false,
    };
    let xml = cap::write(&alert);
    store(storage, &alert, xml, now).await
}

/// Routes of this module (relative to `/api/v1`).
pub fn router() -> Routes {
    Routes::new().route(
        OFFICER_PATH,
        post(officer_issue).layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

/// `POST /api/v1/officer/alerts`: an officer issues an alert for units in their scope.
async fn officer_issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<AlertInput>, JsonRejection>,
) -> Result<Json<Vec<Alert>>, AppError> {
    let account =
        crate::authz::official(&state, &headers, congdan_protocol::Role::handles_requests).await?;
    let input = crate::error::json_body(body)?;
    for unit in &input.units {
        if state.storage.unit(unit.clone()).await?.is_none() {
            return Err(AppError::UnknownUnit);
        }
        if !crate::authz::covers(&state, &account.unit, unit).await? {
            return Err(AppError::Forbidden);
        }
    }
    let issuer = Issuer {
        sender: format!("{}@congdan", account.username),
        name: account.name.clone(),
    };
    let report = issue(state.storage.as_ref(), input, &issuer, (state.clock)()).await?;
    Ok(Json(state.storage.alert_rows(report.id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_per_sender_and_identifier() {
        assert_eq!(alert_id("s", "i"), alert_id("s", "i"));
        assert_ne!(alert_id("s", "i"), alert_id("s2", "i"));
        assert_eq!(alert_id("s", "i").len(), 1 + ID_HEX);
    }
}
