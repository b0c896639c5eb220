//! The home unit's epidemic bulletins, read from the cache: the latest
//! figures, the trend of the last days and the vaccination places, nearest
//! first when the caller gives a position (the app's geolocation, the CLI's
//! `--near`). Reads only.

use congdan_protocol::Bulletin;

use super::{BulletinView, Core, Freshness, PlaceNear, TrendPoint, freshness};
use crate::Error;
use crate::store::{bulletins, settings, units};

/// Days of trend when the caller does not say.
pub const DEFAULT_TREND_DAYS: u32 = 14;
/// Most days of trend a caller may ask for.
pub const MAX_TREND_DAYS: u32 = 90;

impl Core {
    /// The home unit's bulletin view: the latest bulletin, the trend over the
    /// last `days` days with a bulletin of the same disease (default
    /// [`DEFAULT_TREND_DAYS`], at most [`MAX_TREND_DAYS`]), and its places,
    /// sorted by distance from `near` (latitude, longitude in degrees) when
    /// given. Reads only. Errors: `not_configured` (no home unit), `storage`.
    pub fn bulletins(
        &self,
        near: Option<(f64, f64)>,
        days: Option<u32>,
    ) -> Result<BulletinView, Error> {
        let days = days.unwrap_or(DEFAULT_TREND_DAYS).clamp(1, MAX_TREND_DAYS);
        self.read(|conn| {
            let unit =
                settings::home_unit(conn)?.ok_or(Error::NotConfigured { what: "home_unit" })?;
            let latest = bulletins::recent(conn, &unit, None, 1)?.into_iter().next();
            let recent = match &latest {
                Some(b) => bulletins::recent(conn, &unit, Some(&b.disease), days)?,
                None => Vec::new(),
            };
            let mut unit_names = std::collections::BTreeMap::new();
            for case in latest.iter().flat_map(|b| &b.cases) {
                if let Some(found) = units::get(conn, &case.unit)? {
                    unit_names.insert(found.code, found.name);
                }
            }
            Ok(BulletinView {
                unit_names,
                ..view(
                    latest,
                    &recent,
                    &unit,
                    near,
                    freshness(conn, "bulletins", &unit)?,
                )
            })
        })
    }
}

/// Sum of new cases over every unit of a bulletin.
fn total(bulletin: &Bulletin) -> u32 {
    bulletin
        .cases
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(c.new_cases))
}

/// New cases of `unit` in a bulletin (0 when it gives none for the unit).
fn mine(bulletin: &Bulletin, unit: &str) -> u32 {
    bulletin
        .cases
        .iter()
        .find(|c| c.unit == unit)
        .map_or(0, |c| c.new_cases)
}

/// Puts the view together from the latest bulletin and the recent ones
/// (newest first, one per day), without unit names (the caller looks them
/// up). Pure, so the rules are tested without a store.
fn view(
    latest: Option<Bulletin>,
    recent: &[Bulletin],
    unit: &str,
    near: Option<(f64, f64)>,
    freshness: Freshness,
) -> BulletinView {
    let trend = recent
        .iter()
        .rev()
        .map(|b| TrendPoint {
            date: b.date.to_string(),
            mine: mine(b, unit),
            total: total(b),
        })
        .collect();
    let mut places: Vec<PlaceNear> = latest
        .iter()
        .flat_map(|b| b.places.iter().cloned())
        .map(|place| {
            let distance_m = match (near, place.lat, place.lon) {
                (Some((lat, lon)), Some(plat), Some(plon)) => Some(
                    congdan_transit::geo::distance_m(lat, lon, plat, plon)
                        .round()
                        .clamp(0.0, f64::from(u32::MAX)) as u32,
                ),
                _ => None,
            };
            PlaceNear { place, distance_m }
        })
        .collect();
    if near.is_some() {
        // Places with a distance first, nearest first; the rest keep their order.
        places.sort_by_key(|p| p.distance_m.map_or((1, 0), |d| (0, d)));
    }
    BulletinView {
        mine: latest
            .as_ref()
            .and_then(|b| b.cases.iter().find(|c| c.unit == unit).cloned()),
        total_new_cases: latest.as_ref().map_or(0, total),
        latest,
        trend,
        places,
        unit_names: std::collections::BTreeMap::new(),
        freshness,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, NaiveDate, TimeZone};
    use congdan_protocol::{CaseCount, VaccinationPlace};

    use super::*;

    fn place(name: &str, at: Option<(f64, f64)>) -> VaccinationPlace {
        VaccinationPlace {
            name: name.to_owned(),
            address: String::new(),
            lat: at.map(|a| a.0),
            lon: at.map(|a| a.1),
            hours: "7:30–11:30".to_owned(),
            vaccine: String::new(),
        }
    }

    fn bulletin(day: u32, mine: u32, other: u32) -> Bulletin {
        let case = |unit: &str, n| CaseCount {
            unit: unit.to_owned(),
            new_cases: n,
            recovered: None,
            deaths: None,
        };
        Bulletin {
            id: format!("b{day}@00004"),
            bulletin: format!("b{day}"),
            unit: "00004".to_owned(),
            issuer_unit: "01".to_owned(),
            issuer_name: "Thành phố Hà Nội".to_owned(),
            date: NaiveDate::from_ymd_opt(2021, 5, day).unwrap(),
            disease: "COVID-19".to_owned(),
            cases: vec![case("00004", mine), case("00008", other)],
            places: vec![
                place("xa", Some((21.10, 105.84))),
                place("không toạ độ", None),
                place("gần", Some((21.041, 105.840))),
            ],
            note: String::new(),
            published_at: FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2021, 5, day, 18, 0, 0)
                .unwrap(),
        }
    }

    fn fresh() -> Freshness {
        Freshness {
            synced_at: None,
            offline: false,
        }
    }

    #[test]
    fn trend_is_oldest_first_with_mine_and_total() {
        let recent = [bulletin(25, 1, 2), bulletin(24, 0, 1)];
        let v = view(Some(recent[0].clone()), &recent, "00004", None, fresh());
        let points: Vec<(&str, u32, u32)> = v
            .trend
            .iter()
            .map(|p| (p.date.as_str(), p.mine, p.total))
            .collect();
        assert_eq!(points, [("2021-05-24", 0, 1), ("2021-05-25", 1, 3)]);
        assert_eq!(v.total_new_cases, 3);
        assert_eq!(v.mine.unwrap().new_cases, 1);
    }

    #[test]
    fn places_sort_by_distance_only_when_a_position_is_given() {
        let b = bulletin(25, 0, 0);
        let names = |v: &BulletinView| {
            v.places
                .iter()
                .map(|p| p.place.name.clone())
                .collect::<Vec<_>>()
        };
        let plain = view(Some(b.clone()), &[], "00004", None, fresh());
        assert_eq!(names(&plain), ["xa", "không toạ độ", "gần"]);
        assert!(plain.places.iter().all(|p| p.distance_m.is_none()));
        let near = view(Some(b), &[], "00004", Some((21.0409, 105.8406)), fresh());
        assert_eq!(names(&near), ["gần", "xa", "không toạ độ"]);
        let d = near.places[0].distance_m.unwrap();
        assert!((55..75).contains(&d), "about 63 m east: {d}");
        assert!(near.places[1].distance_m.unwrap() > 6000);
    }

    #[test]
    fn no_bulletin_is_an_empty_view() {
        let v = view(None, &[], "00004", Some((21.0, 105.8)), fresh());
        assert!(v.latest.is_none() && v.trend.is_empty() && v.places.is_empty());
        assert_eq!(v.total_new_cases, 0);
    }
}
