//! Planned power cuts (lịch cắt điện) per commune-level unit, ingested by the
//! server from utility schedules or entered by officers. Serde only, no I/O.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a cut's record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutageSource {
    /// A utility schedule ingested by `congdan-server ingest-outages`.
    Schedule,
    /// Entered or corrected by an officer (never cancelled by a later schedule).
    Officer,
}

/// What is known of a cut now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutageStatus {
    /// Planned as first announced.
    Scheduled,
    /// Planned, but its time, area or reason changed since first announced.
    Changed,
    /// Withdrawn: a newer schedule no longer lists it, or the utility cancelled it.
    Cancelled,
}

impl OutageStatus {
    /// Wire name ("scheduled", "changed", "cancelled").
    pub fn as_str(self) -> &'static str {
        match self {
            OutageStatus::Scheduled => "scheduled",
            OutageStatus::Changed => "changed",
            OutageStatus::Cancelled => "cancelled",
        }
    }
}

/// One planned cut as it concerns one unit, as `GET /api/v1/outages?unit=` pages it.
/// Key: `id`. A cut over several units has one item per unit, sharing `cut`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Outage {
    /// Key of this item: `<cut>@<unit>`.
    pub id: String,
    /// Id of the cut, the same for every unit it concerns.
    pub cut: String,
    /// Code of the commune-level unit (post-2025).
    pub unit: String,
    /// The utility branch that announced it ("Điện lực Huyện Châu Phú"), or the officer's unit name.
    pub utility: String,
    /// Affected area as published (free text, NFC).
    pub area: String,
    /// Start, RFC 3339 in Asia/Ho_Chi_Minh (`+07:00`).
    #[ts(type = "string")]
    pub start: DateTime<FixedOffset>,
    /// End, after `start`.
    #[ts(type = "string")]
    pub end: DateTime<FixedOffset>,
    /// Why (may be empty).
    pub reason: String,
    /// Scheduled, changed or cancelled.
    pub status: OutageStatus,
    /// Schedule or officer.
    pub source: OutageSource,
}

/// Body of `POST /api/v1/officer/outages`: a new cut (no `cut`) or a correction
/// of an existing one (its `cut` id). The units must lie in the officer's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutageInput {
    /// Id of the cut to correct; absent for a new cut.
    #[serde(default)]
    pub cut: Option<String>,
    /// Unit codes it concerns (at least one).
    pub units: Vec<String>,
    /// Affected area, as residents should read it.
    pub area: String,
    /// Start (any offset; stored in `+07:00`).
    #[ts(type = "string")]
    pub start: DateTime<FixedOffset>,
    /// End, after `start`.
    #[ts(type = "string")]
    pub end: DateTime<FixedOffset>,
    /// Why (may be empty).
    #[serde(default)]
    pub reason: String,
    /// `cancelled` to withdraw the cut; absent means planned.
    #[serde(default)]
    pub cancelled: bool,
}
