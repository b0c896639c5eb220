//! Administrative units (tỉnh/thành phố → xã/phường/đặc khu), post-2025 two-level structure.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Level of an administrative unit in the two-level structure in force since 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UnitLevel {
    /// Tỉnh or thành phố trực thuộc trung ương.
    Province,
    /// Xã, phường or đặc khu.
    Commune,
    /// Thôn, bản, ấp or tổ dân phố below a commune, created by the commune's
    /// admin (`congdan-server add-unit`), so that a village head's
    /// announcements reach only that village.
    Village,
}

/// One administrative unit. Key: `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Unit {
    /// Official code: 2 digits for a province, 5 digits for a commune-level unit;
    /// a village's code is chosen by its commune (e.g. `00004-01`).
    pub code: String,
    /// Full name with its type, NFC, e.g. "Phường Ba Đình".
    pub name: String,
    /// Province, commune or village level.
    pub level: UnitLevel,
    /// Province code of a commune-level unit, commune code of a village;
    /// `None` for a province.
    pub parent: Option<String>,
    /// Type word as published: "Tỉnh", "Thành phố", "Xã", "Phường" or "Đặc khu".
    pub kind: String,
}
