//! The list of administrative units after the 2025 reform: a CSV with columns
//! `province_code,province_name,unit_code,unit_name,unit_type`.
//!
//! It yields the provinces (derived from the rows, in order of first appearance)
//! followed by the commune-level units in file order. It checks codes but not
//! names, and it does not read the old→new mapping file.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use congdan_protocol::{Unit, UnitLevel};

use crate::text::clean;
use crate::{Parsed, Rejected, SourceError};

/// The header the file must start with, in this order.
const HEADER: [&str; 5] = [
    "province_code",
    "province_name",
    "unit_code",
    "unit_name",
    "unit_type",
];

/// Commune-level types we accept.
const COMMUNE_KINDS: [&str; 3] = ["Xã", "Phường", "Đặc khu"];

/// Parses units.csv: provinces first (level Province), then communes in file order.
///
/// A bad row becomes a rejection at "line N" (the header is line 1). A wrong
/// header is a [`SourceError::BadHeader`]; a read failure is [`SourceError::Io`].
pub fn parse<R: Read>(reader: R) -> Result<Parsed<Unit>, SourceError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);
    let header = csv.headers().map_err(|e| header_error(&e))?;
    let names: Vec<&str> = header
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}'))
        .collect();
    if names != HEADER {
        return Err(SourceError::BadHeader {
            reason: format!("expected {}", HEADER.join(",")),
        });
    }

    let mut provinces: Vec<Unit> = Vec::new();
    let mut province_index: HashMap<String, usize> = HashMap::new();
    let mut communes = Vec::new();
    let mut rejected = Vec::new();
    let mut seen_communes: HashSet<String> = HashSet::new();

    for (row_index, record) in csv.records().enumerate() {
        // Line numbers: header is line 1; use the reader's position when it has one.
        let line = |record: Option<&csv::StringRecord>| {
            record
                .and_then(|r| r.position())
                .map_or(row_index as u64 + 2, csv::Position::line)
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e
                    .position()
                    .map_or(row_index as u64 + 2, csv::Position::line);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(SourceError::Io {
                        what: "input".to_owned(),
                        source: std::io::Error::other(e.to_string()),
                    });
                }
                rejected.push(Rejected::new(format!("line {at}"), "unreadable CSV row"));
                continue;
            }
        };
        let position = format!("line {}", line(Some(&record)));
        match map_row(&record) {
            Ok(row) => {
                match province_index.get(&row.province.code) {
                    Some(&i) if provinces[i].name != row.province.name => {
                        rejected.push(Rejected::new(
                            position,
                            "province name differs from an earlier row with the same code",
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        province_index.insert(row.province.code.clone(), provinces.len());
                        provinces.push(row.province);
                    }
                }
                if !seen_communes.insert(row.commune.code.clone()) {
                    rejected.push(Rejected::new(position, "duplicate unit_code"));
                    continue;
                }
                communes.push(row.commune);
            }
            Err(reason) => rejected.push(Rejected::new(position, reason)),
        }
    }
    provinces.extend(communes);
    Ok(Parsed {
        items: provinces,
        rejected,
        repaired: Vec::new(),
    })
}

/// A header that cannot be read is a whole-input failure.
fn header_error(e: &csv::Error) -> SourceError {
    SourceError::BadHeader {
        reason: e.to_string(),
    }
}

/// One valid row: its province and its commune.
struct Row {
    province: Unit,
    commune: Unit,
}

/// True when `code` is exactly `len` ASCII digits.
fn is_code(code: &str, len: usize) -> bool {
    code.len() == len && code.bytes().all(|b| b.is_ascii_digit())
}

/// Checks and maps one CSV row.
fn map_row(record: &csv::StringRecord) -> Result<Row, String> {
    if record.len() != HEADER.len() {
        return Err(format!(
            "expected {} columns, found {}",
            HEADER.len(),
            record.len()
        ));
    }
    let cell = |i: usize| clean(record.get(i).unwrap_or_default());
    let (province_code, province_name) = (cell(0), cell(1));
    let (unit_code, unit_name, unit_type) = (cell(2), cell(3), cell(4));
    if !is_code(&province_code, 2) {
        return Err("province_code is not 2 digits".to_owned());
    }
    if !is_code(&unit_code, 5) {
        return Err("unit_code is not 5 digits".to_owned());
    }
    if province_name.is_empty() || unit_name.is_empty() {
        return Err("empty name".to_owned());
    }
    if !COMMUNE_KINDS.contains(&unit_type.as_str()) {
        return Err("unit_type is not Xã, Phường or Đặc khu".to_owned());
    }
    let province_kind = if province_name.starts_with("Thành phố") {
        "Thành phố"
    } else if province_name.starts_with("Tỉnh") {
        "Tỉnh"
    } else {
        return Err("province_name starts with neither Tỉnh nor Thành phố".to_owned());
    };
    Ok(Row {
        province: Unit {
            code: province_code.clone(),
            name: province_name,
            level: UnitLevel::Province,
            parent: None,
            kind: province_kind.to_owned(),
        },
        commune: Unit {
            code: unit_code,
            name: unit_name,
            level: UnitLevel::Commune,
            parent: Some(province_code),
            kind: unit_type,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "province_code,province_name,unit_code,unit_name,unit_type\n";

    #[test]
    fn provinces_first_then_communes() {
        let csv = format!(
            "{HEAD}01,Thành phố Hà Nội,00004,Phường Ba Đình,Phường\n04,Tỉnh Cao Bằng,01273,Phường Thục Phán,Phường\n01,Thành phố Hà Nội,00008,Phường Ngọc Hà,Phường\n"
        );
        let parsed = parse(csv.as_bytes()).unwrap();
        assert!(parsed.rejected.is_empty());
        let codes: Vec<&str> = parsed.items.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["01", "04", "00004", "01273", "00008"]);
        assert_eq!(parsed.items[0].kind, "Thành phố");
        assert_eq!(parsed.items[1].kind, "Tỉnh");
        assert_eq!(parsed.items[2].parent.as_deref(), Some("01"));
    }

    #[test]
    fn bad_rows_are_rejected_with_line_numbers() {
        let csv = format!(
            "{HEAD}1,Thành phố Hà Nội,00004,Phường Ba Đình,Phường\n01,Thành phố Hà Nội,0004,Phường X,Phường\n01,Thành phố Hà Nội,00005,Phường Y,Huyện\n01,Thành phố Hà Nội,00006\n01,Thành phố Hà Nội,00007,Phường Z,Phường\n01,Thành phố Hà Nội,00007,Phường Z,Phường\n"
        );
        let parsed = parse(csv.as_bytes()).unwrap();
        let positions: Vec<&str> = parsed
            .rejected
            .iter()
            .map(|r| r.position.as_str())
            .collect();
        assert_eq!(
            positions,
            ["line 2", "line 3", "line 4", "line 5", "line 7"]
        );
        assert_eq!(parsed.items.len(), 2);
    }

    #[test]
    fn wrong_header_fails_whole_input() {
        assert!(matches!(
            parse("a,b,c\n1,2,3\n".as_bytes()),
            Err(SourceError::BadHeader { .. })
        ));
    }
}
