//! Matching a cut's utility and area text to post-2025 commune-level units,
//! through the old→new mapping of the 1 July 2025 reform (`mapping.csv`,
//! embedded gzipped from `data/units-mapping-2025.csv.gz`).
//!
//! The schedules name pre-2025 districts ("Điện lực Huyện Châu Phú") and,
//! inside the area text, old communes ("TT An Châu", "phường Núi Sam") or,
//! in newer files, new units ("Phường 3 Bảo Lộc"). [`UnitMap::match_area`]:
//! 1. finds the utility's old district within the source's old province
//!    (diacritic- and tone-placement-insensitive, the admin-type word optional);
//! 2. collects the new units of every old commune of that district named in
//!    the area (with `TT`, `Tp.`, `P.` expanded), and of every new unit of the
//!    province named in it;
//! 3. with none named, falls back to every new unit the old district became
//!    ([`MatchedBy::District`]), since a cut is never dropped for want of a ward;
//! 4. with neither a district nor a named unit, it is unmatched (an error the
//!    ingest reports with the record's position).

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::sync::OnceLock;

use congdan_search::fold;
use regex::Regex;

use crate::SourceError;

/// The mapping file, gzipped, byte-for-byte from the team collection (provenance in data/demo/README.md).
const EMBEDDED: &[u8] = include_bytes!("../../data/units-mapping-2025.csv.gz");

/// Admin-type words that may start a district name, folded.
const DISTRICT_KINDS: [&str; 4] = ["huyen ", "thanh pho ", "thi xa ", "quan "];

/// How a cut's units were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The area names communes or wards (old or new).
    Ward,
    /// The area names none: every unit of the utility's old district.
    District,
}

/// The units a cut concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaMatch {
    /// New unit codes (5 digits), sorted, never empty.
    pub units: Vec<String>,
    /// How they were found.
    pub by: MatchedBy,
}

/// One old commune of a district and where it went.
#[derive(Debug, Clone)]
struct OldWard {
    /// Folded full name, e.g. "thi tran an chau".
    name: String,
    /// New unit codes it went to (several when it was split).
    to: BTreeSet<String>,
}

/// One old district: its folded names and its communes.
#[derive(Debug, Clone, Default)]
struct District {
    /// Folded full name, e.g. "huyen chau phu".
    full: String,
    /// Folded name without the admin-type word, e.g. "chau phu".
    bare: String,
    wards: Vec<OldWard>,
    /// Every new unit the district's communes went to.
    units: BTreeSet<String>,
}

/// The old→new mapping, indexed for matching.
#[derive(Debug, Clone, Default)]
pub struct UnitMap {
    /// Old districts per old province code.
    districts: HashMap<String, Vec<District>>,
    /// Folded new unit names → code, per old province code (units its communes went to).
    new_units: HashMap<String, Vec<(String, String)>>,
}

/// The mapping row columns this module reads.
#[derive(Debug, serde::Deserialize)]
struct Row {
    old_province_code: String,
    old_district_code: String,
    old_district_name: String,
    old_ward_name: String,
    new_unit_code: String,
    new_unit_name: String,
}

impl UnitMap {
    /// The mapping built into this crate (loaded once per process).
    pub fn embedded() -> &'static UnitMap {
        static MAP: OnceLock<UnitMap> = OnceLock::new();
        MAP.get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(EMBEDDED)
                .read_to_string(&mut text)
                .ok()
                .and_then(|_| UnitMap::from_csv(text.as_bytes()).ok())
                .expect("the embedded mapping is checked by a unit test")
        })
    }

    /// Builds the index from `mapping.csv` (columns as in shared/data/units/README.md).
    pub fn from_csv<R: Read>(reader: R) -> Result<UnitMap, SourceError> {
        let mut csv = csv::Reader::from_reader(reader);
        let mut by_code: HashMap<(String, String), District> = HashMap::new();
        let mut order: Vec<(String, String)> = Vec::new();
        let mut new_units: HashMap<String, BTreeSet<(String, String)>> = HashMap::new();
        for (index, row) in csv.deserialize::<Row>().enumerate() {
            let row = row.map_err(|e| SourceError::BadHeader {
                reason: format!("mapping line {}: {e}", index + 2),
            })?;
            let key = (row.old_province_code.clone(), row.old_district_code.clone());
            let district = by_code.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                let full = fold_name(&row.old_district_name);
                District {
                    bare: strip_kind(&full).to_owned(),
                    full,
                    ..District::default()
                }
            });
            district.units.insert(row.new_unit_code.clone());
            if !row.old_ward_name.is_empty() {
                let name = fold_name(&row.old_ward_name);
                match district.wards.iter_mut().find(|w| w.name == name) {
                    Some(ward) => {
                        ward.to.insert(row.new_unit_code.clone());
                    }
                    None => district.wards.push(OldWard {
                        name,
                        to: BTreeSet::from([row.new_unit_code.clone()]),
                    }),
                }
            }
            new_units
                .entry(row.old_province_code)
                .or_default()
                .insert((fold_name(&row.new_unit_name), row.new_unit_code));
        }
        let mut districts: HashMap<String, Vec<District>> = HashMap::new();
        for key in order {
            if let Some(district) = by_code.remove(&key) {
                districts.entry(key.0).or_default().push(district);
            }
        }
        Ok(UnitMap {
            districts,
            new_units: new_units
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
        })
    }

    /// The units a cut announced by `utility` for `area` concerns, in the
    /// pre-2025 province `old_province`; `Err` says why nothing matched.
    pub fn match_area(
        &self,
        old_province: &str,
        utility: &str,
        area: &str,
    ) -> Result<AreaMatch, String> {
        let district = self.district(old_province, utility)?;
        let text = expand_abbreviations(&fold_name(area));
        let mut units = BTreeSet::new();
        if let Some(district) = district {
            for ward in &district.wards {
                if contains_words(&text, &ward.name) {
                    units.extend(ward.to.iter().cloned());
                }
            }
        }
        for (name, code) in self.new_units.get(old_province).into_iter().flatten() {
            if contains_words(&text, name) {
                units.insert(code.clone());
            }
        }
        if !units.is_empty() {
            return Ok(AreaMatch {
                units: units.into_iter().collect(),
                by: MatchedBy::Ward,
            });
        }
        match district {
            Some(district) => Ok(AreaMatch {
                units: district.units.iter().cloned().collect(),
                by: MatchedBy::District,
            }),
            None => Err(
                "the utility names no district of the province and the area names no commune"
                    .to_owned(),
            ),
        }
    }

    /// The old district a utility's name refers to ("Điện lực Huyện Châu Phú"),
    /// `None` when none fits, `Err` when several do.
    fn district(&self, old_province: &str, utility: &str) -> Result<Option<&District>, String> {
        let folded = fold_name(utility);
        let name = folded.strip_prefix("dien luc ").unwrap_or(&folded);
        let bare = strip_kind(name);
        let candidates = self
            .districts
            .get(old_province)
            .map_or(&[][..], Vec::as_slice);
        if let Some(exact) = candidates.iter().find(|d| d.full == name) {
            return Ok(Some(exact));
        }
        let loose: Vec<&District> = candidates.iter().filter(|d| d.bare == bare).collect();
        match loose.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err("the utility's district name is ambiguous in the province".to_owned()),
        }
    }
}

/// Folds a place name for matching: [`fold`], and the curly apostrophe as ASCII.
fn fold_name(text: &str) -> String {
    fold(&text.replace(['\u{2019}', '\u{2018}'], "'"))
}

/// The folded name without its admin-type word.
fn strip_kind(folded: &str) -> &str {
    DISTRICT_KINDS
        .iter()
        .find_map(|kind| folded.strip_prefix(kind))
        .unwrap_or(folded)
}

/// Expands the abbreviations the schedules use (`TT`, `TX`, `Tp.`, `P.`) in folded text.
fn expand_abbreviations(folded: &str) -> String {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        [
            (r"\btt\.?\s*", "thi tran "),
            (r"\btx\.?\s*", "thi xa "),
            (r"\btp\.?\s*", "thanh pho "),
            (r"\bp\.\s*", "phuong "),
        ]
        .into_iter()
        .map(|(pattern, with)| (Regex::new(pattern).expect("the patterns are fixed"), with))
        .collect()
    });
    let mut text = folded.to_owned();
    for (pattern, with) in rules {
        text = pattern.replace_all(&text, *with).into_owned();
    }
    text
}

/// Whether `name` occurs in `text` as whole words.
fn contains_words(text: &str, name: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(name).any(|(at, _)| {
        !word(text[..at].chars().next_back()) && !word(text[at + name.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_mapping_loads() {
        let map = UnitMap::embedded();
        assert_eq!(map.districts.get("89").map(Vec::len), Some(11));
    }

    #[test]
    fn ward_names_with_abbreviations_match_their_new_units() {
        let map = UnitMap::embedded();
        let found = map
            .match_area(
                "89",
                "Điện lực Huyện Châu Thành",
                "Một phần TT An Châu (khu vực dọc QL 91) Huyện Châu Thành",
            )
            .unwrap();
        assert_eq!(found.by, MatchedBy::Ward);
        assert!(!found.units.is_empty());
        let by_district = map
            .match_area("89", "Điện lực Huyện Châu Thành", "Cty AFA")
            .unwrap();
        assert_eq!(by_district.by, MatchedBy::District);
        assert!(by_district.units.len() >= found.units.len());
        assert!(found.units.iter().all(|u| by_district.units.contains(u)));
    }

    #[test]
    fn new_unit_names_in_newer_schedules_match_once_nfc_and_apostrophes_fold() {
        let map = UnitMap::embedded();
        // Not NFC (combining marks) and a curly apostrophe, as in the Lâm Đồng file.
        let found = map
            .match_area(
                "68",
                "Điện lực Thành phố Bảo Lộc",
                "471/56/98 Đại Lào, Phường B\u{2019}Lao - Pha\u{0309}o",
            )
            .unwrap();
        assert_eq!(found.by, MatchedBy::Ward);
        assert_eq!(found.units.len(), 1);
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_words("phuong 1 bao loc", "phuong 1"));
        assert!(!contains_words("phuong 10", "phuong 1"));
        assert!(!contains_words("xphuong 1", "phuong 1"));
    }

    #[test]
    fn unknown_district_and_no_named_unit_is_unmatched() {
        let map = UnitMap::embedded();
        assert!(
            map.match_area("89", "Điện lực Huyện Không Có", "Cty AFA")
                .is_err()
        );
    }
}
