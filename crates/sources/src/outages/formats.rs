//! The three schedule layouts: recognising one from the content (the CSV
//! header or the JSON key set, checked on every entry before any is read) and
//! mapping its records into [`Cut`]s.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Cut, CutStatus, Format, Schedule, vietnam};
use crate::text::clean;
use crate::{Parsed, Rejected, SourceError};

/// Columns (CSV) and keys (JSON) of the An Giang layout, in CSV order.
const AN_GIANG_KEYS: [&str; 7] = [
    "power_company",
    "date",
    "time",
    "area",
    "reason",
    "status",
    "crawled_date",
];
/// Keys of the Lâm Đồng layout.
const LAM_DONG_KEYS: [&str; 6] = ["id", "district", "area", "start_time", "end_time", "reason"];
/// What the aggregator writes in `power_company` while a day's list is not out yet.
const PLACEHOLDER: &str = "Thông tin đang cập nhật";

/// Recognises the layout of `text` (BOM already removed), checks it against
/// `wanted`, and reads every record.
pub(super) fn read(text: &str, wanted: Option<Format>) -> Result<Schedule, SourceError> {
    let trimmed = text.trim_start();
    let (format, records) = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json_records(trimmed)?
    } else {
        csv_records(text)?
    };
    if let Some(wanted) = wanted
        && wanted != format
    {
        return Err(SourceError::UnknownLayout {
            reason: format!(
                "the file is in the {} layout, not {}",
                format.name(),
                wanted.name()
            ),
        });
    }
    let mut schedule = Schedule {
        format,
        cuts: Parsed::default(),
        placeholders: Vec::new(),
    };
    for (position, record) in records {
        match record.map(|r| r.into_cut(&position)) {
            Ok(Ok(Some(cut))) => schedule.cuts.items.push(cut),
            Ok(Ok(None)) => schedule.placeholders.push(position),
            Ok(Err(reason)) | Err(reason) => {
                schedule.cuts.rejected.push(Rejected::new(position, reason));
            }
        }
    }
    Ok(schedule)
}

/// One record of either layout, or why it could not be read, with its position.
type Records = Vec<(String, Result<Record, String>)>;

/// A record as the source wrote it, before checking.
enum Record {
    AnGiang(AnGiangRow),
    LamDong(LamDongRow),
}

/// An An Giang record (CSV row or JSON object); `null` in the placeholder row.
#[derive(Debug, Deserialize)]
struct AnGiangRow {
    power_company: Option<String>,
    date: Option<String>,
    time: Option<String>,
    area: Option<String>,
    reason: Option<String>,
    status: Option<String>,
}

/// A Lâm Đồng record; its `id` (a hash including the start) is not kept.
#[derive(Debug, Deserialize)]
struct LamDongRow {
    district: String,
    area: String,
    start_time: String,
    end_time: String,
    reason: Option<String>,
}

/// Reads the CSV layout: the header must be exactly the An Giang one.
fn csv_records(text: &str) -> Result<(Format, Records), SourceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| SourceError::UnknownLayout {
            reason: format!("unreadable first line: {e}"),
        })?
        .clone();
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != AN_GIANG_KEYS {
        return Err(SourceError::UnknownLayout {
            reason: format!(
                "line 1: columns `{}` are not a known schedule layout (expected `{}`)",
                names.join(","),
                AN_GIANG_KEYS.join(",")
            ),
        });
    }
    let mut records = Vec::new();
    for (index, row) in reader.records().enumerate() {
        let fallback = index as u64 + 2;
        let (position, record) = match row {
            Ok(row) => {
                let line = row.position().map_or(fallback, csv::Position::line);
                let record = if row.len() == AN_GIANG_KEYS.len() {
                    row.deserialize::<AnGiangRow>(Some(&header))
                        .map(Record::AnGiang)
                        .map_err(|_| "unreadable row".to_owned())
                } else {
                    Err(format!(
                        "expected {} columns, found {}",
                        AN_GIANG_KEYS.len(),
                        row.len()
                    ))
                };
                (line, record)
            }
            Err(e) => {
                let line = e.position().map_or(fallback, csv::Position::line);
                (line, Err("unreadable CSV row".to_owned()))
            }
        };
        records.push((format!("line {position}"), record));
    }
    Ok((Format::AnGiangCsv, records))
}

/// Reads a JSON layout: an array of objects that all have exactly the keys of one layout.
fn json_records(text: &str) -> Result<(Format, Records), SourceError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SourceError::UnknownLayout {
        reason: format!("not valid JSON at line {} column {}", e.line(), e.column()),
    })?;
    let Value::Array(entries) = value else {
        return Err(SourceError::UnknownLayout {
            reason: "the JSON is not an array of schedule entries".to_owned(),
        });
    };
    let mut objects: Vec<Map<String, Value>> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        match entry {
            Value::Object(map) => objects.push(map),
            _ => {
                return Err(SourceError::UnknownLayout {
                    reason: format!("entry {} is not an object", index + 1),
                });
            }
        }
    }
    let format = match objects.first() {
        None => Format::AnGiangJson,
        Some(first) => layout_of(first).ok_or_else(|| SourceError::UnknownLayout {
            reason: format!(
                "entry 1: keys `{}` are not a known schedule layout",
                keys(first).into_iter().collect::<Vec<_>>().join(",")
            ),
        })?,
    };
    let expected: BTreeSet<&str> = expected_keys(format).iter().copied().collect();
    for (index, object) in objects.iter().enumerate() {
        let found = keys(object);
        if found != expected {
            let odd: Vec<&str> = found.symmetric_difference(&expected).copied().collect();
            return Err(SourceError::UnknownLayout {
                reason: format!(
                    "entry {}: keys differ from the {} layout ({})",
                    index + 1,
                    format.name(),
                    odd.join(",")
                ),
            });
        }
    }
    let records = objects
        .into_iter()
        .enumerate()
        .map(|(index, object)| {
            let value = Value::Object(object);
            let record = match format {
                Format::LamDongJson => serde_json::from_value(value).map(Record::LamDong),
                _ => serde_json::from_value(value).map(Record::AnGiang),
            }
            .map_err(|_| "a field is not text".to_owned());
            (format!("entry {}", index + 1), record)
        })
        .collect();
    Ok((format, records))
}

fn keys(object: &Map<String, Value>) -> BTreeSet<&str> {
    object.keys().map(String::as_str).collect()
}

fn expected_keys(format: Format) -> &'static [&'static str] {
    match format {
        Format::LamDongJson => &LAM_DONG_KEYS,
        _ => &AN_GIANG_KEYS,
    }
}

/// The JSON layout whose key set `object` has exactly.
fn layout_of(object: &Map<String, Value>) -> Option<Format> {
    let found = keys(object);
    [Format::AnGiangJson, Format::LamDongJson]
        .into_iter()
        .find(|f| found == expected_keys(*f).iter().copied().collect())
}

impl Record {
    /// The cut, `None` for a placeholder row, or why the record is refused.
    fn into_cut(self, position: &str) -> Result<Option<Cut>, String> {
        match self {
            Record::AnGiang(row) => row.into_cut(position),
            Record::LamDong(row) => row.into_cut(position).map(Some),
        }
    }
}

impl AnGiangRow {
    fn into_cut(self, position: &str) -> Result<Option<Cut>, String> {
        let text = |s: Option<String>| clean(s.as_deref().unwrap_or_default());
        let utility = text(self.power_company);
        let (date, time, area) = (text(self.date), text(self.time), text(self.area));
        if utility == PLACEHOLDER && date.is_empty() && time.is_empty() && area.is_empty() {
            return Ok(None);
        }
        if utility.is_empty() || area.is_empty() {
            return Err("power_company or area is empty".to_owned());
        }
        let day = long_date(&date)?;
        let (from, to) = time_range(&time)?;
        let start = local(day, from)?;
        let end = local(day, to)?;
        if end <= start {
            return Err("the end time is not after the start time".to_owned());
        }
        Ok(Some(Cut {
            position: position.to_owned(),
            utility,
            area,
            start,
            end,
            reason: text(self.reason),
            status: status(&text(self.status))?,
        }))
    }
}

impl LamDongRow {
    fn into_cut(self, position: &str) -> Result<Cut, String> {
        let instant = |s: &str, what: &str| {
            DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&vietnam()))
                .map_err(|_| format!("{what} is not an RFC 3339 instant"))
        };
        let start = instant(&self.start_time, "start_time")?;
        let end = instant(&self.end_time, "end_time")?;
        if end <= start {
            return Err("end_time is not after start_time".to_owned());
        }
        let (utility, area) = (clean(&self.district), clean(&self.area));
        if utility.is_empty() || area.is_empty() {
            return Err("district or area is empty".to_owned());
        }
        Ok(Cut {
            position: position.to_owned(),
            utility,
            area,
            start,
            end,
            reason: clean(self.reason.as_deref().unwrap_or_default()),
            status: CutStatus::Scheduled,
        })
    }
}

/// "27 tháng 4 năm 2025" (no zero padding) as a date.
fn long_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%d tháng %m năm %Y")
        .map_err(|_| "date is not a day written \"d tháng m năm yyyy\"".to_owned())
}

/// "Từ 07:30 đến 18:00" as two times of one day.
fn time_range(text: &str) -> Result<(NaiveTime, NaiveTime), String> {
    let bad = || "time is not written \"Từ HH:MM đến HH:MM\"".to_owned();
    let rest = text.strip_prefix("Từ ").ok_or_else(bad)?;
    let (from, to) = rest.split_once(" đến ").ok_or_else(bad)?;
    let parse = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
    Ok((parse(from)?, parse(to)?))
}

/// A local date and time in Asia/Ho_Chi_Minh.
fn local(day: NaiveDate, time: NaiveTime) -> Result<DateTime<chrono::FixedOffset>, String> {
    vietnam()
        .from_local_datetime(&day.and_time(time))
        .single()
        .ok_or_else(|| "the local time does not exist".to_owned())
}

/// The source's status text: approved, cancelled, or (empty) approved.
fn status(text: &str) -> Result<CutStatus, String> {
    let folded = congdan_search::fold(text);
    if folded.is_empty() || folded == "da duyet" {
        Ok(CutStatus::Scheduled)
    } else if folded.contains("huy") {
        Ok(CutStatus::Cancelled)
    } else {
        Err("unknown status (expected \"Đã duyệt\" or \"Đã hủy\")".to_owned())
    }
}
