//! Planned power-cut schedules (lịch cắt điện) scraped from lichcupdien.org:
//! the An Giang CSV and JSON and the Lâm Đồng JSON (see [`Format`]).
//!
//! [`parse`] recognises the layout from the content (or checks the one it is
//! told), refuses a layout it does not know before reading any record, and
//! maps every record into a [`Cut`] with times in Asia/Ho_Chi_Minh (a fixed
//! UTC+7: Việt Nam has had no daylight saving since 1975). A bad record
//! (impossible date, unknown status) is rejected at its line or entry; the
//! aggregator's placeholder row ("Thông tin đang cập nhật") is skipped.
//! Matching the areas to post-2025 units is [`mapping`]'s job.
//!
//! It stores nothing and decides nothing about updates or cancellations.

mod formats;
pub mod mapping;

use chrono::{DateTime, FixedOffset};

use crate::{Parsed, SourceError};

pub use mapping::{AreaMatch, MatchedBy, UnitMap};

/// Largest schedule accepted (8 MiB; the real files are 22–50 KB).
pub const MAX_SCHEDULE_BYTES: usize = 8 * 1024 * 1024;

/// Seconds east of UTC of Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// The time zone every cut is expressed in.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// The schedule layouts this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// lichcupdien.org An Giang as CSV: `power_company,date,time,area,reason,status,crawled_date`,
    /// UTF-8 with BOM, Vietnamese long dates, local "Từ HH:MM đến HH:MM".
    AnGiangCsv,
    /// The same records as a JSON array of objects with the same seven keys.
    AnGiangJson,
    /// lichcupdien.org Lâm Đồng as a JSON array of
    /// `{id, district, area, start_time, end_time, reason}` with UTC instants.
    LamDongJson,
}

impl Format {
    /// Every known format, in the order sniffing tries them.
    pub const ALL: [Format; 3] = [Format::AnGiangCsv, Format::AnGiangJson, Format::LamDongJson];

    /// Name used on the command line (`--format`) and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::AnGiangCsv => "an-giang-csv",
            Format::AnGiangJson => "an-giang-json",
            Format::LamDongJson => "lam-dong-json",
        }
    }

    /// The format called `name`, if any.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Pre-2025 province code whose districts the utility names refer to
    /// (89 An Giang, 68 Lâm Đồng): "Điện lực Huyện Châu Thành" exists in
    /// several provinces, so the source's province decides which one is meant.
    pub fn old_province(self) -> &'static str {
        match self {
            Format::AnGiangCsv | Format::AnGiangJson => "89",
            Format::LamDongJson => "68",
        }
    }
}

/// What the source says about a cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutStatus {
    /// Planned and approved ("Đã duyệt", or no status given).
    Scheduled,
    /// Withdrawn by the utility ("Hủy", "Đã hủy").
    Cancelled,
}

/// One planned cut as the source gives it, normalised (NFC, whitespace, UTC+7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// Where it was in the input ("line 12", "entry 3"), for reports.
    pub position: String,
    /// The utility branch that announced it, e.g. "Điện lực Huyện Châu Phú".
    pub utility: String,
    /// The affected area as published (free text).
    pub area: String,
    /// Start, Asia/Ho_Chi_Minh.
    pub start: DateTime<FixedOffset>,
    /// End, Asia/Ho_Chi_Minh; always after `start`.
    pub end: DateTime<FixedOffset>,
    /// Why ("Bảo trì, sửa chữa lưới điện"); may be empty.
    pub reason: String,
    /// Scheduled or cancelled.
    pub status: CutStatus,
}

/// A parsed schedule: its layout, the cuts, the rejected records and the
/// positions of skipped placeholder rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The layout the file was read as.
    pub format: Format,
    /// Accepted cuts and rejected records.
    pub cuts: Parsed<Cut>,
    /// Positions of "Thông tin đang cập nhật" placeholder rows, skipped.
    pub placeholders: Vec<String>,
}

/// Reads a schedule. With `format` `None` the layout is recognised from the
/// content; with a format given, content in another layout is refused.
///
/// Whole-input failures: [`SourceError::TooLarge`], [`SourceError::Encoding`]
/// (not UTF-8, with the byte offset and line) and [`SourceError::UnknownLayout`]
/// (a header, key set or shape no format has, naming where).
pub fn parse(bytes: &[u8], format: Option<Format>) -> Result<Schedule, SourceError> {
    if bytes.len() > MAX_SCHEDULE_BYTES {
        return Err(SourceError::TooLarge {
            size: bytes.len(),
            limit: MAX_SCHEDULE_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        SourceError::Encoding {
            position: format!("byte {at} (line {line})"),
        }
    })?;
    formats::read(text.trim_start_matches('\u{feff}'), format)
}

#[cfg(test)]
mod tests;
