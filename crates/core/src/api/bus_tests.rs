//! `Core`'s bus queries over a small hand-made network stored the way a sync stores
//! one: service days (a weekday service with a removed date, a Saturday-only trip, a trip
//! past midnight), departures, journeys, stop search and route pages.

use std::sync::Mutex;

use congdan_transit::geo::MicroPoint;
use congdan_transit::{Footpath, Network, Pattern, Route, Service, Shape, Stop, Trip};
use rusqlite::Connection;

use super::*;
use crate::store::bus::{self as store, NetworkMeta};

fn stop(id: &str, name: &str, lat: f64, lon: f64) -> Stop {
    Stop {
        id: id.into(),
        code: format!("Q1 {id}"),
        name: name.into(),
        desc: "Lê Lợi, Quận 1".into(),
        at: MicroPoint::from_degrees(lat, lon),
    }
}

fn hms(h: u32, m: u32) -> u32 {
    h * 3600 + m * 60
}

/// Stops A "Bến Thành", B "Chợ Lớn", C "Hải Thượng Lãn Ông" on route 01 (A→B→C), plus
/// `extra - 3` unserved stops; trips: T1 weekdays 07:00, T2 weekdays 24:20 (past
/// midnight), T3 Saturdays 08:00. The weekday service skips 2025-12-02.
pub(crate) fn network(extra: usize) -> Network {
    let mut stops = vec![
        stop("A", "Bến Thành", 10.7725, 106.6980),
        stop("B", "Chợ Lớn", 10.7500, 106.6600),
        stop("C", "Hải Thượng Lãn Ông", 10.7520, 106.6550),
    ];
    for i in 3..extra {
        stops.push(stop(
            &format!("X{i}"),
            &format!("Điểm {i}"),
            10.9 + i as f64 * 0.01,
            106.9,
        ));
    }
    let times = |start: u32| {
        Trip::encode_times(&[
            (start, start),
            (start + 600, start + 600),
            (start + 1200, start + 1200),
        ])
    };
    Network {
        timezone: "Asia/Ho_Chi_Minh".into(),
        feed_version: "test".into(),
        stops,
        routes: vec![Route {
            id: "R1".into(),
            short_name: "01".into(),
            long_name: "Bến Thành - Chợ Lớn".into(),
            color: "1E88E5".into(),
            text_color: "FFFFFF".into(),
            route_type: 3,
        }],
        patterns: vec![Pattern {
            route: 0,
            direction: 0,
            headsign: "Chợ Lớn".into(),
            stops: vec![0, 1, 2],
            shape: Some(0),
        }],
        trips: vec![
            Trip {
                id: "T1".into(),
                pattern: 0,
                service: 0,
                times: times(hms(7, 0)),
            },
            Trip {
                id: "T2".into(),
                pattern: 0,
                service: 0,
                times: times(hms(24, 20)),
            },
            Trip {
                id: "T3".into(),
                pattern: 0,
                service: 1,
                times: times(hms(8, 0)),
            },
        ],
        services: vec![
            Service {
                id: "WD".into(),
                weekdays: 0b0011111,
                start: 20250101,
                end: 20271231,
                added: vec![],
                removed: vec![20251202],
            },
            Service {
                id: "SAT".into(),
                weekdays: 0b0100000,
                start: 20250101,
                end: 20271231,
                added: vec![],
                removed: vec![],
            },
        ],
        shapes: vec![Shape {
            id: "S".into(),
            points: vec![
                MicroPoint::from_degrees(10.7725, 106.6980),
                MicroPoint::from_degrees(10.7600, 106.6800),
                MicroPoint::from_degrees(10.7520, 106.6550),
            ],
        }],
        footpaths: vec![
            Footpath {
                from: 1,
                to: 2,
                meters: 700,
                seconds: 600,
            },
            Footpath {
                from: 2,
                to: 1,
                meters: 700,
                seconds: 600,
            },
        ],
    }
}

/// A migrated store behind a mutex, as sync uses it.
pub(crate) fn open_store() -> (Mutex<Connection>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let conn = crate::store::open(&dir.path().join("p.sqlite")).unwrap();
    (Mutex::new(conn), dir)
}

fn core_with_network() -> (Core, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(&dir.path().join("profile.sqlite")).unwrap();
    let meta = NetworkMeta {
        province: "79".into(),
        etag: "\"t\"".into(),
        version: "test".into(),
        timezone: "Asia/Ho_Chi_Minh".into(),
        stored_ms: 0,
        bytes: 1,
    };
    store::replace(&mut core.writer(), &meta, &network(3)).unwrap();
    (core, dir)
}

#[test]
fn departures_follow_the_weekday_calendar() {
    let (core, _dir) = core_with_network();
    let monday = core
        .bus_departures("A", Some("2025-12-01T06:50"), 10)
        .unwrap();
    let trips: Vec<&str> = monday
        .departures
        .iter()
        .map(|d| d.trip_id.as_str())
        .collect();
    assert_eq!(trips, ["T1"]);
    assert_eq!(monday.departures[0].departure, "2025-12-01T07:00:00+07:00");
    assert_eq!(monday.departures[0].minutes, 10);
    assert_eq!(monday.departures[0].route_short_name, "01");

    let removed = core
        .bus_departures("A", Some("2025-12-02T06:50"), 10)
        .unwrap();
    assert!(
        removed.departures.is_empty(),
        "2025-12-02 is removed by calendar_dates"
    );
    let saturday = core
        .bus_departures("A", Some("2025-12-06T07:55"), 10)
        .unwrap();
    let trips: Vec<&str> = saturday
        .departures
        .iter()
        .map(|d| d.trip_id.as_str())
        .collect();
    assert_eq!(trips, ["T3"]);
}

#[test]
fn a_trip_past_midnight_leaves_on_the_next_calendar_day() {
    let (core, _dir) = core_with_network();
    // Monday's 24:20 trip leaves early on Tuesday, although Tuesday's own service is removed.
    let board = core
        .bus_departures("A", Some("2025-12-02T00:10"), 10)
        .unwrap();
    assert_eq!(board.departures.len(), 1);
    assert_eq!(board.departures[0].trip_id, "T2");
    assert_eq!(board.departures[0].departure, "2025-12-02T00:20:00+07:00");
    // The terminus has no departures.
    assert!(
        core.bus_departures("C", Some("2025-12-01T06:50"), 10)
            .unwrap()
            .departures
            .is_empty()
    );
}

#[test]
fn journeys_ride_real_trips_on_running_days_only() {
    let (core, _dir) = core_with_network();
    let options = |at: &str| JourneyOptions {
        at: Some(at.into()),
        ..JourneyOptions::default()
    };
    let j = core
        .bus_journey("A", "C", &options("2025-12-01T06:50"))
        .unwrap();
    assert_eq!(j.len(), 1);
    assert_eq!(
        (j[0].departure.as_str(), j[0].arrival.as_str()),
        ("2025-12-01T07:00:00+07:00", "2025-12-01T07:20:00+07:00")
    );
    assert_eq!(j[0].transfers, 0);
    let leg = &j[0].legs[0];
    assert_eq!(
        (
            leg.kind.as_str(),
            leg.route_id.as_deref(),
            leg.trip_id.as_deref()
        ),
        ("bus", Some("R1"), Some("T1"))
    );
    // Sunday: nothing runs; an empty list, not an error.
    assert!(
        core.bus_journey("A", "C", &options("2025-12-07T06:50"))
            .unwrap()
            .is_empty()
    );
    // Walking is a footpath of 700 m: allowed at 800, refused at 500, B → C on foot.
    let walk = JourneyOptions {
        max_walk_m: 800,
        ..options("2025-12-01T06:50")
    };
    assert_eq!(
        core.bus_journey("B", "C", &walk).unwrap()[0].legs[0].kind,
        "walk"
    );
    let err = core
        .bus_journey("A", "Z", &options("2025-12-01T06:50"))
        .unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::NotFound);
    assert_eq!(
        core.bus_journey("A", "C", &options("hôm qua"))
            .unwrap_err()
            .code(),
        crate::ErrorCode::InvalidInput
    );
}

#[test]
fn journeys_from_and_to_a_point_walk_to_the_stops_near_it() {
    let (core, _dir) = core_with_network();
    let at = JourneyOptions {
        at: Some("2025-12-01T06:50".into()),
        ..JourneyOptions::default()
    };
    // 100 m north of A (Bến Thành): 131 m on foot, 110 s, just in time for T1 at 07:00.
    let j = core.bus_journey("geo:10.7734,106.6980", "C", &at).unwrap();
    assert_eq!(j.len(), 1, "{j:?}");
    let walk = &j[0].legs[0];
    assert_eq!(
        (
            walk.kind.as_str(),
            walk.from_stop_id.as_deref(),
            walk.to_stop_id.as_deref(),
            walk.meters
        ),
        ("walk", None, Some("A"), 131)
    );
    assert_eq!(j[0].departure, "2025-12-01T06:58:10+07:00");
    assert_eq!(j[0].legs[1].trip_id.as_deref(), Some("T1"));
    let json = serde_json::to_value(walk).unwrap();
    assert!(json.get("from_stop_id").is_none(), "{json}");
    assert_eq!(json["to_stop_id"], "A");
    // To a point 100 m north of C: the bus, then the walk from C.
    let j = core
        .bus_journey("A", "geo:10.7529,106.6550;u=20", &at)
        .unwrap();
    let last = j[0].legs.last().unwrap();
    assert_eq!(
        (last.from_stop_id.as_deref(), last.to_stop_id.as_deref()),
        (Some("C"), None)
    );
    assert_eq!(j[0].arrival, "2025-12-01T07:21:50+07:00");
    // Nothing within walking distance: no journey. Not a point: refused.
    assert!(
        core.bus_journey("geo:11.5,107.5", "C", &at)
            .unwrap()
            .is_empty()
    );
    for bad in ["geo:10.77", "geo:91,106", "GEO:x,y"] {
        assert_eq!(
            core.bus_journey(bad, "C", &at).unwrap_err().code(),
            crate::ErrorCode::InvalidInput,
            "{bad}"
        );
    }
}

#[test]
fn stops_are_found_with_or_without_diacritics_and_by_street() {
    let (core, _dir) = core_with_network();
    for q in ["ben thanh", "BẾN THÀNH", "Bến Thành"] {
        let hits = core.bus_stops(q).unwrap();
        assert_eq!(hits.first().map(|s| s.stop_id.as_str()), Some("A"), "{q}");
        assert_eq!(hits[0].routes, ["01"]);
    }
    assert_eq!(
        core.bus_stops("hai thuong lan ong").unwrap()[0].stop_id,
        "C"
    );
    assert_eq!(
        core.bus_stops("le loi").unwrap().len(),
        3,
        "street in the description"
    );
    let near = core.bus_near(10.7724, 106.6979, 2).unwrap();
    assert_eq!(near[0].stop_id, "A");
    assert!(near[0].distance_m.is_some_and(|d| d < 30));
}

#[test]
fn a_route_page_draws_its_shape_and_lists_the_days_departures() {
    let (core, _dir) = core_with_network();
    let r = core.bus_route("R1", Some("2025-12-01T12:00")).unwrap();
    assert_eq!(r.directions.len(), 1);
    let d = &r.directions[0];
    assert_eq!(
        d.stops
            .iter()
            .map(|s| s.stop_id.as_str())
            .collect::<Vec<_>>(),
        ["A", "B", "C"]
    );
    assert!(
        d.path.starts_with('M') && d.path.matches(" L").count() == 2,
        "{}",
        d.path
    );
    assert_eq!(d.timetable, ["07:00", "24:20"]);
    assert!(r.view_box.starts_with("0 0 1000 "));
}

#[test]
fn favourites_survive_a_new_network() {
    let (core, _dir) = core_with_network();
    core.set_bus_favourite("stop", "A", "Nhà", true).unwrap();
    core.set_bus_favourite("journey", "A>C", "Đi làm", true)
        .unwrap();
    let meta = store::meta(&core.writer()).unwrap().unwrap();
    store::replace(&mut core.writer(), &meta, &network(5)).unwrap();
    let favs = core.bus_favourites().unwrap();
    assert_eq!(favs.len(), 2);
    core.set_bus_favourite("stop", "A", "", false).unwrap();
    assert_eq!(core.bus_favourites().unwrap().len(), 1);
    assert_eq!(
        core.set_bus_favourite("route", "R1", "", true)
            .unwrap_err()
            .code(),
        crate::ErrorCode::InvalidInput
    );
    assert_eq!(core.bus_status().unwrap().stops, 5);
}
