//! Planned power cuts: turning a parsed schedule into per-unit rows, deciding
//! what a newer schedule changes or withdraws, and officers' own entries.
//!
//! Rules (docs/PROTOCOL.md, "Power cuts"):
//! - a schedule cut's id is a hash of its utility, start and area (folded), so
//!   re-ingesting the same file changes nothing, and a new end or reason for the
//!   same area and start is an update (status `changed`); a new start is a new
//!   cut, and the old one is withdrawn by the rule below (one area is often cut
//!   twice a day, so the day alone does not identify a cut);
//! - a stored schedule cut of a utility present in the new file, starting on or
//!   after the file's first day (local), and missing from it, is withdrawn
//!   (status `cancelled`, not deleted, so a resident sees why); earlier cuts are
//!   history the newer file does not speak for;
//! - rows an officer entered or corrected are never overwritten by a schedule.
//!
//! Storage is behind [`OutageStorage`]; parsing and unit matching are
//! `congdan_sources::outages`'s; HTTP is in [`router`].

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{DateTime, FixedOffset, Utc};
use congdan_protocol::{Outage, OutageInput, OutageSource, OutageStatus};
use congdan_sources::outages::{self as source, Cut, CutStatus, Format, MatchedBy, UnitMap};
use congdan_sources::{Rejected, SourceError};
use sha2::{Digest, Sha256};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::AppError;
use crate::routes::Routes;
use crate::storage::outages::{OutageFilter, OutageStorage};
use crate::storage::{StorageError, UpsertCounts};

/// Path of the officers' entry point, relative to `/api/v1`.
pub const OFFICER_PATH: &str = "/officer/outages";
/// Body limit of an officer's cut.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Longest area text an officer may enter, in characters.
const MAX_AREA_CHARS: usize = 2000;
/// Hex digits of a cut id.
const ID_HEX: usize = 16;

/// Why an ingest failed as a whole; nothing was stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutageError {
    /// The file is unreadable, too large, not UTF-8 or in an unknown layout.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What an ingest did, for the operator.
#[derive(Debug, Clone, Default)]
pub struct OutageReport {
    /// Layout the file was read as.
    pub format: String,
    /// Cuts read from the file.
    pub cuts: usize,
    /// What the upsert did with the rows (one per cut and unit).
    pub counts: UpsertCounts,
    /// Rows withdrawn because the new schedule no longer lists them.
    pub cancelled: usize,
    /// Records refused by the parser, and cuts no unit could be found for.
    pub rejected: Vec<Rejected>,
    /// Positions of cuts whose area names no commune: given to every unit of their district.
    pub district_only: Vec<String>,
    /// Placeholder rows skipped.
    pub placeholders: usize,
    /// Records repeating an earlier one exactly, skipped.
    pub duplicates: usize,
}

impl fmt::Display for OutageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        writeln!(
            f,
            "{} schedule: {} cuts, {} rows ({} new, {} changed, {} unchanged), {} cancelled, \
             {} rejected, {} placeholder and {} duplicate rows skipped",
            self.format,
            self.cuts,
            c.total(),
            c.inserted,
            c.updated,
            c.unchanged,
            self.cancelled,
            self.rejected.len(),
            self.placeholders,
            self.duplicates
        )?;
        let max = crate::commands::MAX_REJECTED_LINES;
        for rejected in self.rejected.iter().take(max) {
            writeln!(f, "  {}: {}", rejected.position, rejected.reason)?;
        }
        if self.rejected.len() > max {
            writeln!(f, "  ... and {} more", self.rejected.len() - max)?;
        }
        if !self.district_only.is_empty() {
            writeln!(
                f,
                "  {} cuts name no commune and were given to every unit of their district: {}",
                self.district_only.len(),
                self.district_only.join(", ")
            )?;
        }
        Ok(())
    }
}

/// The id of a schedule cut: utility, start instant and area, folded and hashed.
pub fn cut_id(utility: &str, start: DateTime<FixedOffset>, area: &str) -> String {
    let key = format!(
        "{}\n{}\n{}",
        congdan_search::fold(utility),
        start.timestamp(),
        congdan_search::fold(area)
    );
    let hash = Sha256::digest(key.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("s{}", &hex[..ID_HEX])
}

/// One row per unit of a cut.
fn rows(cut: &str, units: &[String], template: &Outage) -> Vec<Outage> {
    units
        .iter()
        .map(|unit| Outage {
            id: format!("{cut}@{unit}"),
            cut: cut.to_owned(),
            unit: unit.clone(),
            ..template.clone()
        })
        .collect()
}

/// Reads, matches and stores a schedule; a whole-file failure stores nothing.
pub async fn ingest(
    storage: &dyn OutageStorage,
    bytes: Vec<u8>,
    format: Option<Format>,
) -> Result<OutageReport, OutageError> {
    let schedule = tokio::task::spawn_blocking(move || source::parse(&bytes, format))
        .await
        .map_err(|e| StorageError::Worker(e.to_string()))??;
    let map = UnitMap::embedded();
    let mut report = OutageReport {
        format: schedule.format.name().to_owned(),
        cuts: schedule.cuts.items.len(),
        rejected: schedule.cuts.rejected,
        placeholders: schedule.placeholders.len(),
        ..OutageReport::default()
    };
    let mut incoming = Vec::new();
    let mut first_seen: HashMap<String, Cut> = HashMap::new();
    for cut in schedule.cuts.items {
        let id = cut_id(&cut.utility, cut.start, &cut.area);
        if let Some(first) = first_seen.get(&id) {
            if (first.end, &first.reason, first.status) != (cut.end, &cut.reason, cut.status) {
                let reason = format!(
                    "same utility, start and area as {} but another end, reason or status",
                    first.position
                );
                report.rejected.push(Rejected::new(cut.position, reason));
            } else {
                report.duplicates += 1;
            }
            continue;
        }
        first_seen.insert(id, cut.clone());
        match map.match_area(schedule.format.old_province(), &cut.utility, &cut.area) {
            Ok(found) => {
                if found.by == MatchedBy::District {
                    report.district_only.push(cut.position.clone());
                }
                incoming.extend(schedule_rows(&cut, &found.units));
            }
            Err(reason) => report.rejected.push(Rejected::new(cut.position, reason)),
        }
    }
    let utilities: BTreeSet<String> = incoming.iter().map(|o| o.utility.clone()).collect();
    let existing = storage
        .outages(OutageFilter::Utilities(utilities.into_iter().collect()))
        .await?;
    let planned = plan(&existing, incoming);
    report.cancelled = planned
        .iter()
        .filter(|o| o.status == OutageStatus::Cancelled)
        .filter(|o| {
            existing
                .iter()
                .any(|e| e.id == o.id && e.status != OutageStatus::Cancelled)
        })
        .count();
    report.counts = storage.upsert_outages(planned).await?;
    tracing::info!(
        format = %report.format,
        cuts = report.cuts,
        inserted = report.counts.inserted,
        updated = report.counts.updated,
        cancelled = report.cancelled,
        rejected = report.rejected.len(),
        "ingested an outage schedule"
    );
    Ok(report)
}

/// The rows of one parsed schedule cut.
fn schedule_rows(cut: &Cut, units: &[String]) -> Vec<Outage> {
    let id = cut_id(&cut.utility, cut.start, &cut.area);
    let template = Outage {
        id: String::new(),
        cut: String::new(),
        unit: String::new(),
        utility: cut.utility.clone(),
        area: cut.area.clone(),
        start: cut.start,
        end: cut.end,
        reason: cut.reason.clone(),
        status: match cut.status {
            CutStatus::Scheduled => OutageStatus::Scheduled,
            CutStatus::Cancelled => OutageStatus::Cancelled,
        },
        source: OutageSource::Schedule,
    };
    rows(&id, units, &template)
}

/// Whether two rows differ in what a resident reads (time, area, reason).
fn content_differs(a: &Outage, b: &Outage) -> bool {
    (a.start, a.end, &a.area, &a.reason) != (b.start, b.end, &b.area, &b.reason)
}

/// The rows to write for a new schedule, given the stored rows of its
/// utilities: new and changed cuts, and withdrawn ones as cancelled.
/// Pure, so the update rules are tested without a database.
pub fn plan(existing: &[Outage], incoming: Vec<Outage>) -> Vec<Outage> {
    let stored: HashMap<&str, &Outage> = existing.iter().map(|o| (o.id.as_str(), o)).collect();
    let utilities: BTreeSet<&str> = incoming.iter().map(|o| o.utility.as_str()).collect();
    let first_day = incoming
        .iter()
        .map(|o| o.start.with_timezone(&source::vietnam()).date_naive())
        .min();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for mut row in incoming.iter().cloned() {
        seen.insert(row.id.clone());
        match stored.get(row.id.as_str()) {
            Some(old) if old.source == OutageSource::Officer => continue,
            Some(old)
                if row.status == OutageStatus::Scheduled
                    && (content_differs(old, &row) || old.status == OutageStatus::Changed) =>
            {
                row.status = OutageStatus::Changed;
            }
            _ => {}
        }
        out.push(row);
    }
    for old in existing {
        let withdrawn = old.source == OutageSource::Schedule
            && old.status != OutageStatus::Cancelled
            && !seen.contains(&old.id)
            && utilities.contains(old.utility.as_str())
            && first_day.is_some_and(|first| {
                old.start.with_timezone(&source::vietnam()).date_naive() >= first
            });
        if withdrawn {
            out.push(Outage {
                status: OutageStatus::Cancelled,
                ..old.clone()
            });
        }
    }
    out
}

/// Routes of this module (relative to `/api/v1`).
pub fn router() -> Routes {
    Routes::new().route(
        OFFICER_PATH,
        post(save).layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

/// `POST /api/v1/officer/outages`: enter a cut, or correct one (`cut` set). The
/// answer is the cut's rows, one per unit; units dropped by a correction are
/// answered (and synced) as cancelled.
async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<OutageInput>, JsonRejection>,
) -> Result<Json<Vec<Outage>>, AppError> {
    let account =
        crate::authz::official(&state, &headers, congdan_protocol::Role::handles_requests).await?;
    let input = crate::error::json_body(body)?;
    let area = congdan_search::fold(&input.area);
    if area.is_empty() || input.area.chars().count() > MAX_AREA_CHARS {
        return Err(AppError::Invalid(
            "Cần mô tả khu vực mất điện (tối đa 2000 ký tự).",
        ));
    }
    if input.end <= input.start {
        return Err(AppError::Invalid("Giờ kết thúc phải sau giờ bắt đầu."));
    }
    let units: BTreeSet<String> = input.units.iter().cloned().collect();
    if units.is_empty() {
        return Err(AppError::Invalid("Cần chọn ít nhất một đơn vị hành chính."));
    }
    for unit in &units {
        if state.storage.unit(unit.clone()).await?.is_none() {
            return Err(AppError::UnknownUnit);
        }
        if !crate::authz::covers(&state, &account.unit, unit).await? {
            return Err(AppError::Forbidden);
        }
    }
    let existing = match &input.cut {
        Some(cut) => {
            let rows = state
                .storage
                .outages(OutageFilter::Cut(cut.clone()))
                .await?;
            if rows.is_empty() {
                return Err(AppError::NotFound);
            }
            for row in &rows {
                if !crate::authz::covers(&state, &account.unit, &row.unit).await? {
                    return Err(AppError::Forbidden);
                }
            }
            rows
        }
        None => Vec::new(),
    };
    let cut = input
        .cut
        .clone()
        .unwrap_or_else(|| format!("o{}", uuid::Uuid::new_v4().simple()));
    let vietnam = source::vietnam();
    let template = Outage {
        id: String::new(),
        cut: String::new(),
        unit: String::new(),
        utility: existing
            .first()
            .map_or_else(|| account.name.clone(), |o| o.utility.clone()),
        area: input.area.trim().to_owned(),
        start: input.start.with_timezone(&vietnam),
        end: input.end.with_timezone(&vietnam),
        reason: input.reason.trim().to_owned(),
        status: if input.cancelled {
            OutageStatus::Cancelled
        } else if existing.is_empty() {
            OutageStatus::Scheduled
        } else {
            OutageStatus::Changed
        },
        source: OutageSource::Officer,
    };
    let units: Vec<String> = units.into_iter().collect();
    let mut out = rows(&cut, &units, &template);
    for old in existing {
        if !units.contains(&old.unit) {
            out.push(Outage {
                status: OutageStatus::Cancelled,
                source: OutageSource::Officer,
                ..old
            });
        }
    }
    state.storage.upsert_outages(out.clone()).await?;
    tracing::info!(cut = %cut, rows = out.len(), at = %Utc::now(), "officer saved a cut");
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, utility: &str, hour: u32, reason: &str) -> Outage {
        let start = source::vietnam()
            .with_ymd_and_hms(2026, 6, 24, hour, 0, 0)
            .unwrap();
        Outage {
            id: id.to_owned(),
            cut: id.to_owned(),
            unit: "00001".to_owned(),
            utility: utility.to_owned(),
            area: "xã A".to_owned(),
            start,
            end: start + chrono::Duration::hours(2),
            reason: reason.to_owned(),
            status: OutageStatus::Scheduled,
            source: OutageSource::Schedule,
        }
    }
    use chrono::TimeZone;

    #[test]
    fn same_schedule_twice_plans_identical_rows() {
        let first = vec![row("a", "U", 8, "r"), row("b", "U", 9, "r")];
        let again = plan(&first, first.clone());
        assert_eq!(again, first);
    }

    #[test]
    fn a_new_time_is_changed_and_a_missing_cut_is_cancelled() {
        let mut early = row("early", "U", 6, "r");
        early.start -= chrono::Duration::days(1);
        let stored = vec![
            row("a", "U", 8, "r"),
            row("b", "U", 9, "r"),
            early,
            row("other", "V", 9, "r"),
        ];
        let planned = plan(&stored, vec![row("a", "U", 8, "r2"), row("c", "U", 8, "r")]);
        let status: Vec<(&str, OutageStatus)> =
            planned.iter().map(|o| (o.id.as_str(), o.status)).collect();
        assert_eq!(
            status,
            [
                ("a", OutageStatus::Changed),
                ("c", OutageStatus::Scheduled),
                ("b", OutageStatus::Cancelled),
            ]
        );
        // Re-planning the same schedule over the result keeps `changed`.
        let mut after = stored.clone();
        for p in &planned {
            after.retain(|o| o.id != p.id);
            after.push(p.clone());
        }
        let again = plan(&after, vec![row("a", "U", 8, "r2"), row("c", "U", 8, "r")]);
        assert_eq!(again.len(), 2, "nothing new to cancel: {again:?}");
        assert_eq!(again[0].status, OutageStatus::Changed);
    }

    #[test]
    fn officer_rows_are_never_overwritten_or_cancelled() {
        let mut officer = row("a", "U", 8, "r");
        officer.source = OutageSource::Officer;
        let planned = plan(
            &[officer],
            vec![row("a", "U", 8, "other"), row("b", "U", 9, "r")],
        );
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].id, "b");
    }

    #[test]
    fn cut_ids_ignore_diacritic_forms_and_offsets_but_not_the_start() {
        let t = |h| {
            source::vietnam()
                .with_ymd_and_hms(2026, 6, 24, h, 0, 0)
                .unwrap()
        };
        assert_eq!(
            cut_id("Điện lực X", t(8), "Toa\u{300}n bộ"),
            cut_id(
                "Điện lực X",
                t(8).with_timezone(&Utc).fixed_offset(),
                "Toàn bộ"
            )
        );
        assert_ne!(
            cut_id("Điện lực X", t(8), "A"),
            cut_id("Điện lực X", t(13), "A")
        );
        assert_ne!(
            cut_id("Điện lực X", t(8), "A"),
            cut_id("Điện lực Y", t(8), "A")
        );
    }
}
