//! The demo epidemic bulletins of `seed --demo`: one COVID-19 bulletin per day
//! that the 2021 per-ward case list (data/demo/bulletins, real figures of the
//! old quận Ba Đình wards, attributed to their post-2025 wards) has a case,
//! sent to every ward that covers the old district, with the file's
//! (illustrative) vaccination places. Never for a real deployment; a plain
//! `seed` never calls this.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use congdan_protocol::requests::Role;
use congdan_protocol::{BulletinInput, CaseCount, VaccinationPlace};
use serde::Deserialize;

use super::CommandError;
use crate::bulletins::{AUDIT_ACTION, Issuer, store};
use crate::storage::Storage;
use crate::storage::audit::AuditRecord;

/// The demo file, built into the server (a few kilobytes).
const DEMO_FILE: &str = include_str!("../../../../data/demo/bulletins/ba-dinh-covid-2021.json");

#[derive(Deserialize)]
struct DemoFile {
    disease: String,
    issuer_unit: String,
    units: Vec<String>,
    note: String,
    reports: Vec<Report>,
    places: Vec<VaccinationPlace>,
}

#[derive(Deserialize)]
struct Report {
    new_unit: String,
    days: Vec<Day>,
}

#[derive(Deserialize)]
struct Day {
    date: NaiveDate,
    new_cases: u32,
}

/// The demo posts, oldest first: per day, every unit of the file with its
/// summed cases (0 where the list has none).
fn posts(file: &DemoFile) -> Vec<BulletinInput> {
    let mut days: BTreeMap<NaiveDate, BTreeMap<&str, u32>> = BTreeMap::new();
    for report in &file.reports {
        for day in &report.days {
            *days
                .entry(day.date)
                .or_default()
                .entry(report.new_unit.as_str())
                .or_default() += day.new_cases;
        }
    }
    days.into_iter()
        .map(|(date, counts)| BulletinInput {
            date,
            disease: file.disease.clone(),
            cases: file
                .units
                .iter()
                .map(|unit| CaseCount {
                    unit: unit.clone(),
                    new_cases: counts.get(unit.as_str()).copied().unwrap_or(0),
                    recovered: None,
                    deaths: None,
                })
                .collect(),
            places: file.places.clone(),
            note: file.note.clone(),
        })
        .collect()
}

/// Stores the demo bulletins (a re-seed rewrites the same ids) for the
/// file's wards that are seeded. Skipped with a warning when the issuing
/// province or every ward is missing.
pub async fn seed_bulletins(storage: &dyn Storage) -> Result<(), CommandError> {
    let file: DemoFile = serde_json::from_str(DEMO_FILE)
        .map_err(|e| CommandError::Worker(format!("demo bulletins: {e}")))?;
    let Some(issuer) = storage.unit(file.issuer_unit.clone()).await? else {
        tracing::warn!(
            "demo bulletins skipped: unit {} is not seeded",
            file.issuer_unit
        );
        return Ok(());
    };
    let issuer = Issuer {
        unit: issuer.code,
        name: issuer.name,
    };
    let mut units = Vec::with_capacity(file.units.len());
    for unit in &file.units {
        if storage.unit(unit.clone()).await?.is_some() {
            units.push(unit.clone());
        }
    }
    if units.is_empty() {
        tracing::warn!("demo bulletins skipped: none of their wards is seeded");
        return Ok(());
    }
    let file = DemoFile { units, ..file };
    let now = Utc::now();
    let posts = posts(&file);
    for post in &posts {
        let audit = AuditRecord {
            at: now,
            username: "seed".to_owned(),
            role: Role::Admin,
            unit: issuer.unit.clone(),
            action: AUDIT_ACTION,
            target: String::new(),
            detail: "seed --demo".to_owned(),
        };
        store(storage, post.clone(), &issuer, audit, now).await?;
    }
    tracing::info!(bulletins = posts.len(), "seeded the demo bulletins");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_gives_one_valid_post_per_day_with_cases() {
        let file: DemoFile = serde_json::from_str(DEMO_FILE).unwrap();
        let posts = posts(&file);
        assert_eq!(posts.len(), 8, "eight days with a case in the 2021 list");
        let may25 = posts
            .iter()
            .find(|p| p.date == NaiveDate::from_ymd_opt(2021, 5, 25).unwrap())
            .unwrap();
        let ngoc_ha = may25.cases.iter().find(|c| c.unit == "00008").unwrap();
        assert_eq!(
            ngoc_ha.new_cases, 2,
            "Liễu Giai and Vĩnh Phúc, both now Ngọc Hà"
        );
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for post in posts {
            crate::bulletins::validate(post, today).unwrap();
        }
    }
}
