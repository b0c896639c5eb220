//! Ways into the catalogue before anything is typed: the procedures residents
//! ask for most at each level, and entries by life event ("Sinh con", "Kết
//! hôn", …) each leading to a short list. Both are data in the repository
//! (data/search/popular.tsv and life-events.tsv), compiled in, so a commune
//! can change them by editing a file.

/// The most-asked procedures (`level<TAB>code<TAB>why`).
const POPULAR: &str = include_str!("../../../data/search/popular.tsv");
/// The life events (`event<TAB>title_vi<TAB>title_en<TAB>codes`).
const LIFE_EVENTS: &str = include_str!("../../../data/search/life-events.tsv");

/// One life event and the procedures it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeEvent {
    /// Stable id, e.g. "sinh-con".
    pub id: String,
    /// Vietnamese title, e.g. "Sinh con".
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Procedure codes in the order a resident needs them.
    pub codes: Vec<String>,
}

/// The data lines of a compiled-in table, split on tabs.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// Codes of the most-asked procedures at `level` (e.g. "Cấp xã"), most asked first.
pub fn popular(level: &str) -> Vec<String> {
    rows(POPULAR)
        .filter(|r| r.first() == Some(&level))
        .filter_map(|r| r.get(1).map(|c| c.to_string()))
        .collect()
}

/// Every life event, in the order the opening screen shows them.
pub fn life_events() -> Vec<LifeEvent> {
    rows(LIFE_EVENTS)
        .filter(|r| r.len() >= 4)
        .map(|r| LifeEvent {
            id: r[0].to_string(),
            title: r[1].to_string(),
            title_en: r[2].to_string(),
            codes: r[3]
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_with_what_the_opening_screen_needs() {
        let events = life_events();
        for id in [
            "sinh-con",
            "ket-hon",
            "lam-can-cuoc",
            "xay-nha",
            "mua-ban-dat",
            "khai-tu",
            "nghi-huu",
        ] {
            let e = events
                .iter()
                .find(|e| e.id == id)
                .unwrap_or_else(|| panic!("{id}"));
            assert!((3..=8).contains(&e.codes.len()), "{id}: {:?}", e.codes);
            assert!(!e.title.is_empty() && !e.title_en.is_empty());
        }
        let popular = popular("Cấp xã");
        assert!(popular.len() >= 8);
        assert_eq!(popular[0], "1.001193");
        assert!(super::popular("Cấp không có").is_empty());
    }
}
