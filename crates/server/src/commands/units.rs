//! `add-unit`: villages and tổ dân phố below a commune, which the official
//! unit list does not carry and a commune's admin creates, so that village
//! heads can be scoped to them and residents can choose them as home. They
//! are stored apart from the unit feed ([`crate::storage::VillageStorage`]).

use congdan_protocol::{Unit, UnitLevel};
use unicode_normalization::UnicodeNormalization;

use super::CommandError;
use crate::storage::Storage;

/// Type words a village's name may start with; the first matching one is its `kind`.
const KINDS: &[&str] = &[
    "Tổ dân phố",
    "Khu phố",
    "Thôn",
    "Bản",
    "Ấp",
    "Xóm",
    "Buôn",
    "Làng",
    "Khóm",
    "Khu",
    "Tổ",
];

/// Why a unit was not added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The parent is not a stored commune-level unit.
    #[error("parent {0} is not a known commune or ward: villages go below a commune")]
    BadParent(String),
    /// The code is taken by a province or commune of the official list.
    #[error("code {0} belongs to a province or commune of the official list")]
    OfficialCode(String),
    /// Code or name is empty, or the code has characters other than letters, digits and `-`.
    #[error("{0}")]
    Invalid(&'static str),
}

/// Create or rename the village `code` named `name` below commune `parent`.
pub async fn add_unit(
    storage: &dyn Storage,
    code: &str,
    name: &str,
    parent: &str,
) -> Result<Unit, CommandError> {
    let refuse = |e: UnitError| CommandError::Worker(e.to_string());
    let code = code.trim();
    let name: String = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect();
    if code.is_empty()
        || code.len() > 32
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(refuse(UnitError::Invalid(
            "the code must be 1 to 32 letters, digits or '-'",
        )));
    }
    if name.is_empty() {
        return Err(refuse(UnitError::Invalid("the name must not be empty")));
    }
    match storage.unit(parent.trim().to_owned()).await? {
        Some(found) if found.level == UnitLevel::Commune => {}
        _ => return Err(refuse(UnitError::BadParent(parent.trim().to_owned()))),
    }
    if storage.unit(code.to_owned()).await?.is_some() {
        return Err(refuse(UnitError::OfficialCode(code.to_owned())));
    }
    let kind = KINDS
        .iter()
        .find(|kind| name.starts_with(*kind))
        .map_or("Thôn", |kind| *kind);
    let unit = Unit {
        code: code.to_owned(),
        name,
        level: UnitLevel::Village,
        parent: Some(parent.trim().to_owned()),
        kind: kind.to_owned(),
    };
    storage.put_village(unit.clone()).await?;
    tracing::info!("unit stored");
    Ok(unit)
}
