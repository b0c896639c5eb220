//! Epidemic bulletins (bản tin dịch bệnh): the day's figures of a disease by
//! commune-level unit and the vaccination places open to residents, posted by
//! an officer and served per unit like power cuts. Serde only, no I/O.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The figures of one unit on the bulletin's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseCount {
    /// Code of the commune-level unit (post-2025).
    pub unit: String,
    /// New cases reported that day.
    pub new_cases: u32,
    /// Recoveries that day, when the bulletin gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub recovered: Option<u32>,
    /// Deaths that day, when the bulletin gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deaths: Option<u32>,
}

/// A place where residents can be vaccinated, with its opening times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VaccinationPlace {
    /// Name, e.g. "Trạm Y tế phường Ba Đình".
    pub name: String,
    /// Address as residents read it.
    pub address: String,
    /// Latitude in degrees (WGS 84), given together with `lon` or not at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub lat: Option<f64>,
    /// Longitude in degrees (WGS 84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub lon: Option<f64>,
    /// Opening times, free text ("7:30–11:30, 13:30–17:00, thứ Hai–thứ Bảy").
    pub hours: String,
    /// Vaccine given there (may be empty).
    #[serde(default)]
    pub vaccine: String,
}

/// Body of `POST /api/v1/officer/bulletins`. Every unit of `cases` must lie in
/// the officer's scope; a second post for the same issuing unit, day and
/// disease replaces the first (a correction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulletinInput {
    /// Day the figures are for (local date, not in the future).
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// Disease, e.g. "COVID-19".
    pub disease: String,
    /// Figures by unit (at least one, each unit once); the bulletin goes to these units.
    pub cases: Vec<CaseCount>,
    /// Vaccination places (may be empty).
    #[serde(default)]
    pub places: Vec<VaccinationPlace>,
    /// Short advice or remarks (may be empty).
    #[serde(default)]
    pub note: String,
}

/// One bulletin as it concerns one unit, as `GET /api/v1/bulletins?unit=` pages it.
/// Key: `id`. A bulletin over several units has one item per unit, sharing
/// `bulletin` and carrying every unit's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Bulletin {
    /// Key of this item: `<bulletin>@<unit>`.
    pub id: String,
    /// Id of the bulletin, the same for every unit it concerns.
    pub bulletin: String,
    /// The unit this item is served to.
    pub unit: String,
    /// Code of the unit whose officer posted it.
    pub issuer_unit: String,
    /// Name of that unit ("Phường Ba Đình").
    pub issuer_name: String,
    /// Day the figures are for.
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// Disease.
    pub disease: String,
    /// Figures by unit, in the order posted.
    pub cases: Vec<CaseCount>,
    /// Vaccination places.
    pub places: Vec<VaccinationPlace>,
    /// Short advice or remarks (may be empty).
    pub note: String,
    /// When the server stored it, RFC 3339 in `+07:00`.
    #[ts(type = "string")]
    pub published_at: DateTime<FixedOffset>,
}
