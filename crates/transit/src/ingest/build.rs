//! From the rows gtfs-structures read to a checked [`Network`]: references (trip → route and
//! service, stop time → trip and stop), times (present at both ends, never going backwards;
//! missing intermediate times are interpolated as GTFS allows), calendars (at least one of
//! calendar.txt and calendar_dates.txt), then patterns, shapes and footpaths.

use std::collections::HashMap;

use gtfs_structures::{DirectionType, Exception, LocationType, RawGtfs, RouteType};

use super::report::{Report, at, problem_of_gtfs_error};
use crate::geo::MicroPoint;
use crate::network::{Network, Pattern, Route, Service, Shape, Stop, Trip};

/// A stop time row: (stop_sequence, stop index, arrival, departure, row index in the file).
type Row = (u32, u32, Option<u32>, Option<u32>, usize);

/// Line of row `i` of a file (the header is line 1).
fn line(i: usize) -> Option<u64> {
    Some(i as u64 + 2)
}

fn required<T>(
    file: &str,
    rows: Result<Vec<T>, gtfs_structures::Error>,
    report: &mut Report,
) -> Option<Vec<T>> {
    rows.map_err(|e| report.error(problem_of_gtfs_error(file, &e)))
        .ok()
}

fn optional<T>(
    file: &str,
    rows: Option<Result<Vec<T>, gtfs_structures::Error>>,
    report: &mut Report,
) -> Vec<T> {
    match rows {
        None => Vec::new(),
        Some(rows) => required(file, rows, report).unwrap_or_default(),
    }
}

/// A date as YYYYMMDD, from its parts.
fn ymd(year: i16, month: i8, day: i8) -> u32 {
    (year.max(0) as u32) * 10_000 + month.max(0) as u32 * 100 + day.max(0) as u32
}

fn route_type(t: RouteType) -> u16 {
    let n: i16 = match t {
        RouteType::Tramway => 0,
        RouteType::Subway => 1,
        RouteType::Rail => 2,
        RouteType::Bus => 3,
        RouteType::Ferry => 4,
        RouteType::CableCar => 5,
        RouteType::Gondola => 6,
        RouteType::Funicular => 7,
        RouteType::Extended(e) => e as i16,
        RouteType::Other(i) => i,
    };
    n.max(0) as u16
}

/// A colour as RRGGBB.
fn hex(rgb: Option<[u8; 3]>) -> String {
    rgb.map(|[r, g, b]| format!("{r:02X}{g:02X}{b:02X}"))
        .unwrap_or_default()
}

/// Builds the network of `raw`, recording every problem in `report`; `None` when a required file
/// is unreadable. The caller must also refuse the network when `report.has_errors()`.
pub fn network(raw: RawGtfs, version: &str, report: &mut Report) -> Option<Network> {
    let agencies = required("agency.txt", raw.agencies, report);
    let raw_stops = required("stops.txt", raw.stops, report);
    let raw_routes = required("routes.txt", raw.routes, report);
    let raw_trips = required("trips.txt", raw.trips, report);
    let raw_times = required("stop_times.txt", raw.stop_times, report);
    let has_calendar = raw.calendar.is_some() || raw.calendar_dates.is_some();
    let calendar = optional("calendar.txt", raw.calendar, report);
    let calendar_dates = optional("calendar_dates.txt", raw.calendar_dates, report);
    let raw_shapes = optional("shapes.txt", raw.shapes, report);
    let feed_info = optional("feed_info.txt", raw.feed_info, report);
    if !has_calendar {
        report.error(at(
            "calendar.txt",
            None,
            None,
            "neither calendar.txt nor calendar_dates.txt is present",
        ));
    }
    let (agencies, raw_stops, raw_routes, raw_trips, raw_times) =
        (agencies?, raw_stops?, raw_routes?, raw_trips?, raw_times?);

    let Some(agency) = agencies.first() else {
        report.error(at("agency.txt", None, None, "no agency"));
        return None;
    };
    let timezone = agency.timezone.trim().to_string();
    if crate::service::zone(&timezone).is_err() {
        report.error(at(
            "agency.txt",
            line(0),
            None,
            format!("agency_timezone {timezone:?} is not an IANA zone"),
        ));
    }

    let mut stops = Vec::new();
    let mut stop_index = HashMap::new();
    for (i, s) in raw_stops.iter().enumerate() {
        if s.location_type != LocationType::StopPoint {
            continue;
        }
        let (Some(lat), Some(lon)) = (s.latitude, s.longitude) else {
            report.warn(at(
                "stops.txt",
                line(i),
                Some(&s.id),
                "stop without coordinates skipped",
            ));
            continue;
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            report.error(at(
                "stops.txt",
                line(i),
                Some(&s.id),
                format!("coordinates {lat},{lon} out of range"),
            ));
            continue;
        }
        stop_index.insert(s.id.clone(), stops.len() as u32);
        stops.push(Stop {
            id: s.id.clone(),
            code: s.code.clone().unwrap_or_default(),
            name: s.name.clone().unwrap_or_default(),
            desc: s.description.clone().unwrap_or_default(),
            at: MicroPoint::from_degrees(lat, lon),
        });
    }

    let mut routes = Vec::new();
    let mut route_index = HashMap::new();
    for r in &raw_routes {
        route_index.insert(r.id.clone(), routes.len() as u32);
        routes.push(Route {
            id: r.id.clone(),
            short_name: r.short_name.clone().unwrap_or_default(),
            long_name: r.long_name.clone().unwrap_or_default(),
            color: hex(r.color.map(|c| [c.r, c.g, c.b])),
            text_color: hex(r.text_color.map(|c| [c.r, c.g, c.b])),
            route_type: route_type(r.route_type),
        });
    }

    let mut services: Vec<Service> = Vec::new();
    let mut service_index: HashMap<String, u32> = HashMap::new();
    for (i, c) in calendar.iter().enumerate() {
        let (sd, ed) = (c.start_date, c.end_date);
        let (start, end) = (
            ymd(sd.year(), sd.month(), sd.day()),
            ymd(ed.year(), ed.month(), ed.day()),
        );
        if start > end {
            report.error(at(
                "calendar.txt",
                line(i),
                Some(&c.id),
                format!("start_date {start} is after end_date {end}"),
            ));
        }
        let days = [
            c.monday,
            c.tuesday,
            c.wednesday,
            c.thursday,
            c.friday,
            c.saturday,
            c.sunday,
        ];
        let weekdays = days
            .iter()
            .enumerate()
            .fold(0u8, |acc, (b, &on)| acc | (u8::from(on) << b));
        service_index.insert(c.id.clone(), services.len() as u32);
        services.push(Service {
            id: c.id.clone(),
            weekdays,
            start,
            end,
            added: vec![],
            removed: vec![],
        });
    }
    for cd in &calendar_dates {
        let idx = *service_index
            .entry(cd.service_id.clone())
            .or_insert_with(|| {
                services.push(Service {
                    id: cd.service_id.clone(),
                    weekdays: 0,
                    start: 0,
                    end: 0,
                    added: vec![],
                    removed: vec![],
                });
                services.len() as u32 - 1
            });
        let s = &mut services[idx as usize];
        let date = ymd(cd.date.year(), cd.date.month(), cd.date.day());
        match cd.exception_type {
            Exception::Added => s.added.push(date),
            Exception::Deleted => s.removed.push(date),
        }
    }

    let mut shape_points: HashMap<&str, Vec<(usize, MicroPoint)>> = HashMap::new();
    for s in &raw_shapes {
        shape_points.entry(&s.id).or_default().push((
            s.sequence,
            MicroPoint::from_degrees(s.latitude, s.longitude),
        ));
    }
    let mut shapes = Vec::new();
    let mut shape_index = HashMap::new();
    let mut shape_ids: Vec<&str> = shape_points.keys().copied().collect();
    shape_ids.sort_unstable();
    for id in shape_ids {
        let mut pts = shape_points.remove(id).unwrap_or_default();
        pts.sort_by_key(|p| p.0);
        pts.dedup_by_key(|p| p.1);
        shape_index.insert(id.to_string(), shapes.len() as u32);
        shapes.push(Shape {
            id: id.to_string(),
            points: pts.into_iter().map(|p| p.1).collect(),
        });
    }

    // Trips: references to routes and services.
    struct TripRow<'a> {
        raw: &'a gtfs_structures::RawTrip,
        route: u32,
        service: u32,
        line: Option<u64>,
    }
    let mut trips_by_id: HashMap<&str, TripRow> = HashMap::new();
    for (i, t) in raw_trips.iter().enumerate() {
        let route = route_index.get(&t.route_id).copied();
        let service = service_index.get(&t.service_id).copied();
        if route.is_none() {
            report.error(at(
                "trips.txt",
                line(i),
                Some(&t.id),
                format!("route_id {:?} is not in routes.txt", t.route_id),
            ));
        }
        if service.is_none() {
            report.error(at(
                "trips.txt",
                line(i),
                Some(&t.id),
                format!(
                    "service_id {:?} is in neither calendar.txt nor calendar_dates.txt",
                    t.service_id
                ),
            ));
        }
        if let (Some(route), Some(service)) = (route, service)
            && trips_by_id
                .insert(
                    &t.id,
                    TripRow {
                        raw: t,
                        route,
                        service,
                        line: line(i),
                    },
                )
                .is_some()
        {
            report.error(at(
                "trips.txt",
                line(i),
                Some(&t.id),
                "trip_id appears twice",
            ));
        }
    }

    // Stop times: references, grouped by trip.
    let mut times_of: HashMap<&str, Vec<Row>> = HashMap::new();
    for (i, st) in raw_times.iter().enumerate() {
        let stop = stop_index.get(&st.stop_id).copied();
        let known_trip = trips_by_id.contains_key(st.trip_id.as_str());
        if !known_trip && !raw_trips.iter().any(|t| t.id == st.trip_id) {
            report.error(at(
                "stop_times.txt",
                line(i),
                Some(&st.trip_id),
                format!("trip_id {:?} is not in trips.txt", st.trip_id),
            ));
            continue;
        }
        let Some(stop) = stop else {
            report.error(at(
                "stop_times.txt",
                line(i),
                Some(&st.trip_id),
                format!("stop_id {:?} is not in stops.txt", st.stop_id),
            ));
            continue;
        };
        times_of.entry(&st.trip_id).or_default().push((
            st.stop_sequence,
            stop,
            st.arrival_time,
            st.departure_time,
            i,
        ));
    }

    let mut pattern_index: HashMap<(u32, u8, Vec<u32>), u32> = HashMap::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut trips: Vec<Trip> = Vec::new();
    let mut trip_ids: Vec<&str> = trips_by_id.keys().copied().collect();
    trip_ids.sort_unstable();
    for id in trip_ids {
        let row = &trips_by_id[id];
        let mut rows = times_of.remove(id).unwrap_or_default();
        rows.sort_by_key(|r| r.0);
        if rows.windows(2).any(|w| w[0].0 == w[1].0) {
            report.error(at(
                "stop_times.txt",
                None,
                Some(id),
                "stop_sequence repeats within the trip",
            ));
            continue;
        }
        if rows.len() < 2 {
            report.warn(at(
                "trips.txt",
                row.line,
                Some(id),
                "trip with fewer than two stop times skipped",
            ));
            continue;
        }
        let Some(times) = trip_times(id, &rows, report) else {
            continue;
        };
        let stops_seq: Vec<u32> = rows.iter().map(|r| r.1).collect();
        let direction = u8::from(row.raw.direction_id == Some(DirectionType::Inbound));
        let key = (row.route, direction, stops_seq);
        let pattern = *pattern_index.entry(key.clone()).or_insert_with(|| {
            let headsign = row
                .raw
                .trip_headsign
                .clone()
                .filter(|h| !h.trim().is_empty())
                .unwrap_or_else(|| {
                    key.2
                        .last()
                        .and_then(|&s| stops.get(s as usize))
                        .map(|s| s.name.clone())
                        .unwrap_or_default()
                });
            patterns.push(Pattern {
                route: row.route,
                direction,
                headsign,
                stops: key.2.clone(),
                shape: row
                    .raw
                    .shape_id
                    .as_ref()
                    .and_then(|s| shape_index.get(s).copied()),
            });
            patterns.len() as u32 - 1
        });
        trips.push(Trip {
            id: id.to_string(),
            pattern,
            service: row.service,
            times: Trip::encode_times(&times),
        });
    }
    trips.sort_by_key(|t| (t.pattern, t.times.first().copied().unwrap_or_default()));
    if trips.is_empty() {
        report.error(at(
            "stop_times.txt",
            None,
            None,
            "no trip has usable stop times",
        ));
    }
    let version = feed_info
        .first()
        .and_then(|f| f.version.clone())
        .map(|v| format!("{v}-{version}"))
        .unwrap_or_else(|| version.to_string());
    let footpaths = crate::footpaths::derive(&stops.iter().map(|s| s.at).collect::<Vec<_>>());
    Some(Network {
        timezone,
        feed_version: version,
        stops,
        routes,
        patterns,
        trips,
        services,
        shapes,
        footpaths,
    })
}

/// `(arrival, departure)` per stop of one trip, sorted rows `(seq, stop, arr, dep, row index)`;
/// interpolates missing intermediate times by position, refuses missing ends and time travel.
fn trip_times(id: &str, rows: &[Row], report: &mut Report) -> Option<Vec<(u32, u32)>> {
    let n = rows.len();
    let mut known: Vec<Option<(u32, u32)>> = rows
        .iter()
        .map(|r| match (r.2, r.3) {
            (Some(a), Some(d)) => Some((a, d)),
            (Some(a), None) => Some((a, a)),
            (None, Some(d)) => Some((d, d)),
            (None, None) => None,
        })
        .collect();
    for end in [0, n - 1] {
        if known[end].is_none() {
            report.error(at(
                "stop_times.txt",
                line(rows[end].4),
                Some(id),
                "first and last stop of a trip need times",
            ));
            return None;
        }
    }
    let mut last = 0usize;
    for i in 1..n {
        if let Some((a, _)) = known[i] {
            let (_, d0) = known[last].unwrap_or_default();
            for (j, slot) in known.iter_mut().enumerate().take(i).skip(last + 1) {
                let t = d0 + (a.saturating_sub(d0)) * (j - last) as u32 / (i - last) as u32;
                *slot = Some((t, t));
            }
            last = i;
        }
    }
    let times: Vec<(u32, u32)> = known.into_iter().map(Option::unwrap_or_default).collect();
    for i in 0..n {
        let back = times[i].1 < times[i].0 || (i > 0 && times[i].0 < times[i - 1].1);
        if back {
            report.error(at(
                "stop_times.txt",
                line(rows[i].4),
                Some(id),
                "time goes backwards along the trip",
            ));
            return None;
        }
    }
    Some(times)
}
