//! Vietnam's public holidays and the government's yearly day swaps, as the
//! working-hour deadlines ([`crate::deadlines`]) see them.
//!
//! The table is data, not computed: Tết and Giỗ Tổ follow the lunar calendar and
//! the Government announces the days off and the swapped Saturdays each year. It
//! ships as `data/holidays/vn.csv` (embedded as [`BUILTIN_CSV`]), is stored in the
//! server database (its `holidays` table) where an admin replaces a year with
//! `congdan-server holidays import`, and reaches devices as `GET /api/v1/holidays`.
//!
//! This module parses the CSV and answers "is this a working day"; it does no I/O.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

/// The table that ships with this binary (`data/holidays/vn.csv`).
pub const BUILTIN_CSV: &str = include_str!("../../../data/holidays/vn.csv");

/// What a listed day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayKind {
    /// No office work that day, even on a weekday (a holiday or a swapped weekday).
    Off,
    /// Offices work that day, even on a weekend (a swapped Saturday).
    Work,
}

impl HolidayKind {
    /// The value in the CSV and the database: `off` or `work`.
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::Off => "off",
            HolidayKind::Work => "work",
        }
    }

    /// Parse `off` or `work`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "off" => Some(HolidayKind::Off),
            "work" => Some(HolidayKind::Work),
            _ => None,
        }
    }
}

/// One listed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The local (UTC+7) date.
    pub date: NaiveDate,
    /// Day off or swapped working day.
    pub kind: HolidayKind,
    /// Vietnamese name, e.g. "Tết Nguyên đán Đinh Mùi (mùng 3)".
    pub name: String,
    /// `official` (announced or fixed by law) or `provisional` (not yet announced).
    pub status: String,
    /// Where the day comes from (a document number or a publication).
    pub source: String,
}

/// Why a holiday file was refused. Nothing is imported from a refused file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HolidayError {
    /// A line is not valid CSV or lacks a column.
    #[error("line {line}: {reason}")]
    Line {
        /// 1-based line in the file (comments count).
        line: u64,
        /// What was wrong.
        reason: String,
    },
    /// The same date is listed twice.
    #[error("line {line}: {date} is listed twice")]
    Duplicate {
        /// 1-based line of the second listing.
        line: u64,
        /// The date.
        date: NaiveDate,
    },
}

#[derive(Debug, serde::Deserialize)]
struct Row {
    date: String,
    kind: String,
    name: String,
    status: String,
    source: String,
}

/// Parse a holiday file: `#` comment lines, then a header
/// `date,kind,name,status,source` and one row per day.
pub fn parse_csv(text: &str) -> Result<Vec<Holiday>, HolidayError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out: Vec<Holiday> = Vec::new();
    let mut seen = BTreeMap::new();
    let line_error = |e: csv::Error| HolidayError::Line {
        line: e.position().map_or(0, |p| p.line()),
        reason: e.to_string(),
    };
    let headers = reader.headers().map_err(line_error)?.clone();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(line_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let row: Row = record
            .deserialize(Some(&headers))
            .map_err(|e| HolidayError::Line {
                line,
                reason: e.to_string(),
            })?;
        let bad = |reason: String| HolidayError::Line { line, reason };
        let date = NaiveDate::parse_from_str(&row.date, "%Y-%m-%d")
            .map_err(|e| bad(format!("bad date {:?}: {e}", row.date)))?;
        let kind = HolidayKind::parse(&row.kind)
            .ok_or_else(|| bad(format!("kind must be off or work, not {:?}", row.kind)))?;
        if !matches!(row.status.as_str(), "official" | "provisional") {
            return Err(bad(format!(
                "status must be official or provisional, not {:?}",
                row.status
            )));
        }
        if row.name.is_empty() {
            return Err(bad("empty name".to_owned()));
        }
        if seen.insert(date, ()).is_some() {
            return Err(HolidayError::Duplicate { line, date });
        }
        out.push(Holiday {
            date,
            kind,
            name: row.name,
            status: row.status,
            source: row.source,
        });
    }
    out.sort_by_key(|h| h.date);
    Ok(out)
}

/// The built-in table, parsed.
pub fn builtin() -> Vec<Holiday> {
    parse_csv(BUILTIN_CSV).expect("data/holidays/vn.csv is checked by a unit test")
}

/// Which days are working days: Monday to Friday, except listed days off, plus
/// listed working weekend days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, HolidayKind>,
}

impl HolidayCalendar {
    /// A calendar with no holidays (every weekday works).
    pub fn none() -> Self {
        Self::default()
    }

    /// A calendar of these listed days.
    pub fn new<'a>(days: impl IntoIterator<Item = &'a Holiday>) -> Self {
        Self {
            days: days.into_iter().map(|h| (h.date, h.kind)).collect(),
        }
    }

    /// A calendar of `(date, kind)` pairs (a device's stored copy of the table).
    pub fn from_days(days: impl IntoIterator<Item = (NaiveDate, HolidayKind)>) -> Self {
        Self {
            days: days.into_iter().collect(),
        }
    }

    /// Whether the commune office works on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.days.get(&day) {
            Some(HolidayKind::Off) => false,
            Some(HolidayKind::Work) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }
}

impl FromIterator<Holiday> for HolidayCalendar {
    fn from_iter<I: IntoIterator<Item = Holiday>>(iter: I) -> Self {
        Self {
            days: iter.into_iter().map(|h| (h.date, h.kind)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn builtin_table_parses_and_covers_2026_and_2027() {
        let all = builtin();
        for year in [2026, 2027] {
            let offs = all
                .iter()
                .filter(|h| h.date.year() == year && h.kind == HolidayKind::Off)
                .count();
            // 1/1, 5 days of Tết, Giỗ Tổ, 30/4, 1/5, 2/9 and its adjacent day at least.
            assert!(offs >= 11, "{year}: only {offs} days off");
        }
    }

    #[test]
    fn weekdays_work_weekends_do_not() {
        let cal = HolidayCalendar::none();
        assert!(cal.is_working_day(day(2026, 3, 2))); // Monday
        assert!(cal.is_working_day(day(2026, 3, 6))); // Friday
        assert!(!cal.is_working_day(day(2026, 3, 7))); // Saturday
        assert!(!cal.is_working_day(day(2026, 3, 8))); // Sunday
    }

    #[test]
    fn holidays_and_swaps() {
        let cal = HolidayCalendar::from_iter(builtin());
        // Tết Dương lịch 2026: Thursday 1/1 and the swapped Friday 2/1 are off…
        assert!(!cal.is_working_day(day(2026, 1, 1)));
        assert!(!cal.is_working_day(day(2026, 1, 2)));
        // …and Saturday 10/1 is worked instead.
        assert!(cal.is_working_day(day(2026, 1, 10)));
        assert!(!cal.is_working_day(day(2026, 1, 17))); // an ordinary Saturday
        // Tết Bính Ngọ, Monday to Friday.
        for d in 16..=20 {
            assert!(!cal.is_working_day(day(2026, 2, d)));
        }
        assert!(cal.is_working_day(day(2026, 2, 23)));
        // Giỗ Tổ on a Sunday is taken on Monday.
        assert!(!cal.is_working_day(day(2026, 4, 27)));
        assert!(cal.is_working_day(day(2026, 4, 28)));
        assert!(!cal.is_working_day(day(2026, 4, 30)));
        assert!(!cal.is_working_day(day(2026, 5, 1)));
        assert!(!cal.is_working_day(day(2026, 9, 2)));
        // Tết Đinh Mùi 2027.
        assert!(cal.is_working_day(day(2027, 2, 4)));
        for d in [5, 8, 9, 10, 11] {
            assert!(!cal.is_working_day(day(2027, 2, d)), "2027-02-{d}");
        }
        assert!(cal.is_working_day(day(2027, 2, 12)));
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let header = "date,kind,name,status,source\n";
        let err = parse_csv(&format!("{header}2027-02-30,off,X,official,s\n")).unwrap_err();
        assert!(matches!(err, HolidayError::Line { line: 2, .. }), "{err}");
        let err = parse_csv(&format!("{header}2027-02-03,holiday,X,official,s\n")).unwrap_err();
        assert!(err.to_string().contains("off or work"), "{err}");
        let err = parse_csv(&format!("{header}2027-02-03,off,X,maybe,s\n")).unwrap_err();
        assert!(err.to_string().contains("provisional"), "{err}");
        let err = parse_csv(&format!(
            "# a comment\n{header}2027-02-03,off,X,official,s\n2027-02-03,work,Y,official,s\n"
        ))
        .unwrap_err();
        assert!(
            matches!(err, HolidayError::Duplicate { line: 4, .. }),
            "{err}"
        );
        let err = parse_csv(&format!("{header}2027-02-03,off\n")).unwrap_err();
        assert!(matches!(err, HolidayError::Line { .. }), "{err}");
    }
}
