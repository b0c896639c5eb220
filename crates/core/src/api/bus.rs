//! Buses offline (issue 8): stop search with or without diacritics, nearest stops,
//! departures, route pages with a drawing, journeys (RAPTOR from `congdan-transit`),
//! favourites and the network's freshness. Everything reads the stored network; only
//! [`Core::sync_bus`] (also run by [`Core::sync`]) touches the network.
//!
//! A journey's end is a GTFS stop_id or a point written as a `geo:` URI (RFC 5870,
//! `geo:10.7725,106.698`): the device's location or a point the user picked. From a point
//! the planner walks to every stop within [`ACCESS_WALK_M`] (or `max_walk_m` if more) by
//! the footpath rule and starts from all of them at once.
//!
//! Journeys need the day's trips in memory: the day is laid out once per service date
//! and network (about 10 ms and a few MB for Ho Chi Minh City) and kept in
//! [`BusCache`]; stop, departure and route queries read only the rows they need.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use congdan_transit::footpaths::{self, DETOUR};
use congdan_transit::geo::{MicroPoint, micro_distance_m};
use congdan_transit::raptor::{self, LegKind, Place, Query};
use congdan_transit::service::zone;
use congdan_transit::timetable::DAY;
use congdan_transit::{DayTimetable, ServiceDate, decode_times, time_at};
use rusqlite::Connection;

use super::Core;
use super::bus_models::*;
use crate::Error;
use crate::store::bus::{self as store, StopRow};
use crate::store::{settings, units};
use crate::sync::Transport;
use crate::sync::bus::Pulled;

/// Most stops a search or a nearest-stop list returns.
const MAX_STOPS: usize = 50;
/// Departures are looked for up to this many seconds after the asked time.
const DEPARTURE_HORIZON: i64 = 3 * 3600;
/// Width of a route drawing in SVG user units.
const DRAWING_WIDTH: f64 = 1000.0;
/// The walk from or to a point goes at least this far (metres, detour counted): it cannot
/// be avoided, so it is not held to a short `max_walk_m` meant for changes between stops.
pub const ACCESS_WALK_M: u32 = 800;
/// The prefix of a point written as a place (RFC 5870).
const GEO: &str = "geo:";

/// The laid-out service day of the last journey query.
#[derive(Default)]
pub struct BusCache {
    day: Mutex<Option<(String, ServiceDate, Arc<DayTimetable>)>>,
}

impl std::fmt::Debug for BusCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusCache").finish_non_exhaustive()
    }
}

fn no_network() -> Error {
    Error::NotFound {
        what: "bus network",
        key: String::new(),
    }
}

fn bad_stop(id: &str) -> Error {
    Error::NotFound {
        what: "bus stop",
        key: id.to_string(),
    }
}

/// The stored network's zone. Errors: `not_found` (no network), `storage`.
fn network_zone(conn: &Connection) -> Result<(store::NetworkMeta, Tz), Error> {
    let meta = store::meta(conn)?.ok_or_else(no_network)?;
    let tz = zone(&meta.timezone).map_err(|e| Error::CorruptRow {
        what: "bus network",
        reason: e.to_string(),
    })?;
    Ok((meta, tz))
}

/// Reads `--at`: RFC 3339, or a local date-time of the feed's zone; `None` is `now`.
fn instant(at: Option<&str>, tz: Tz, now: DateTime<chrono::Utc>) -> Result<DateTime<Tz>, Error> {
    let Some(text) = at.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(now.with_timezone(&tz));
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&tz));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format)
            && let Some(t) = tz.from_local_datetime(&local).earliest()
        {
            return Ok(t);
        }
    }
    Err(Error::InvalidInput {
        what: "at",
        reason: format!("{text:?} is not a date and time (2025-12-01T07:30)"),
    })
}

/// The corners of a box reaching `reach_m` metres from `here` in every direction.
fn box_around(here: MicroPoint, reach_m: f64) -> (MicroPoint, MicroPoint) {
    let lat = (reach_m / 111_195.0 * 1e6).ceil() as i32;
    let lon = (f64::from(lat) / here.lat_deg().to_radians().cos().max(0.1)).ceil() as i32;
    (
        MicroPoint {
            lat: here.lat.saturating_sub(lat),
            lon: here.lon.saturating_sub(lon),
        },
        MicroPoint {
            lat: here.lat.saturating_add(lat),
            lon: here.lon.saturating_add(lon),
        },
    )
}

/// A position in degrees, refused when it is not one.
fn position(lat: f64, lon: f64) -> Result<MicroPoint, Error> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::InvalidInput {
            what: "position",
            reason: format!("{lat},{lon}"),
        });
    }
    Ok(MicroPoint::from_degrees(lat, lon))
}

/// The point of a `geo:LAT,LON[,ALT][;params]` place; `None` when `text` is not one.
fn geo_point(text: &str) -> Option<Result<MicroPoint, Error>> {
    let head = text.get(..GEO.len())?;
    if !head.eq_ignore_ascii_case(GEO) {
        return None;
    }
    let coords = text[GEO.len()..].split(';').next().unwrap_or_default();
    let numbers: Vec<Option<f64>> = coords.split(',').map(|n| n.trim().parse().ok()).collect();
    Some(match numbers.as_slice() {
        [Some(lat), Some(lon)] | [Some(lat), Some(lon), Some(_)] => position(*lat, *lon),
        _ => Err(Error::InvalidInput {
            what: "place",
            reason: format!("{text:?} is not geo:LAT,LON"),
        }),
    })
}

/// A journey's end: a stop by its GTFS id, or a point with the walks to the stops near it
/// (up to `walk_m` metres). Errors: `not_found` (unknown stop), `invalid_input` (bad
/// `geo:`), `storage`.
fn place(conn: &Connection, text: &str, walk_m: u32) -> Result<Place, Error> {
    let Some(point) = geo_point(text) else {
        let stop = store::stop_by_id(conn, text)?.ok_or_else(|| bad_stop(text))?;
        return Ok(Place::Stop(stop.idx));
    };
    let here = point?;
    let (min, max) = box_around(here, f64::from(walk_m) / DETOUR);
    let near = store::stops_in_box(conn, min, max)?;
    Ok(Place::Point(footpaths::access(
        here,
        near.iter().map(|s| (s.idx, s.at)),
        walk_m,
    )))
}

fn rfc3339(date: ServiceDate, tz: Tz, seconds: i64) -> String {
    date.instant(tz, seconds).to_rfc3339()
}

impl Core {
    /// What the device holds of the bus network. Reads only. Errors: `storage`.
    pub fn bus_status(&self) -> Result<BusStatus, Error> {
        self.read(|conn| {
            let meta = store::meta(conn)?;
            let download = crate::store::downloads::get(conn, crate::sync::bus::DOWNLOAD)?;
            Ok(BusStatus {
                province: meta.as_ref().map(|m| m.province.clone()),
                version: meta.as_ref().map(|m| m.version.clone()),
                stored_at: meta.as_ref().and_then(|m| {
                    chrono::Utc
                        .timestamp_millis_opt(m.stored_ms)
                        .single()
                        .map(|t| t.to_rfc3339())
                }),
                stops: store::stop_count(conn)? as u32,
                downloading: download.map(|d| {
                    (
                        u32::try_from(d.held).unwrap_or(u32::MAX),
                        u32::try_from(d.total).unwrap_or(u32::MAX),
                    )
                }),
            })
        })
    }

    /// Downloads the home province's network if the server has a newer one, resuming a
    /// download in progress. Writes: `bus_*`. Errors: `not_configured` (no server or home
    /// unit), `offline`, `server_unavailable`, `bad_response`, `storage`.
    pub async fn sync_bus(&self) -> Result<bool, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let transport = self.http(&url)?;
        Ok(matches!(
            self.pull_bus(&transport).await?,
            Some(Pulled::Stored { .. })
        ))
    }

    /// The home unit's province code, when a home unit is set.
    fn home_province(&self) -> Result<Option<String>, Error> {
        self.read(|conn| {
            let Some(code) = settings::home_unit(conn)? else {
                return Ok(None);
            };
            let unit = units::get(conn, &code)?;
            Ok(Some(unit.and_then(|u| u.parent).unwrap_or(code)))
        })
    }

    /// Pulls the home province's network over `transport`; `None` without a home unit.
    pub(crate) async fn pull_bus<T: Transport>(
        &self,
        transport: &T,
    ) -> Result<Option<Pulled>, Error> {
        let Some(province) = self.home_province()? else {
            return Ok(None);
        };
        let now = self.inner.clock.now().timestamp_millis();
        let pulled = crate::sync::bus::pull(
            self.writer_mutex(),
            transport,
            &province,
            now,
            crate::sync::bus::CHUNK,
        )
        .await?;
        if matches!(pulled, Pulled::Stored { .. }) {
            *self
                .inner
                .bus
                .day
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = None;
        }
        Ok(Some(pulled))
    }

    /// [`Core::pull_bus`] inside a whole sync: a failure is logged and leaves the chunks
    /// already downloaded for the next sync, without failing the other resources. The
    /// result is recorded in `sync_state` (`bus`, the province), so a sync that retries a
    /// failed one skips the network once it completed ([`crate::sync::resume`]): on a
    /// link that is up a few seconds at a time the catalogue after it gets those seconds,
    /// not one more round trip for the same answer. `progress` hears of a completed pull.
    pub(crate) async fn pull_bus_reported<T: Transport>(
        &self,
        transport: &T,
        progress: &(dyn Fn(super::SyncProgress) + Send + Sync),
    ) -> Option<super::ResourceReport> {
        let report = |pages: u32, items: u32, not_modified: bool| super::ResourceReport {
            resource: "bus".to_string(),
            pages,
            items,
            deleted: 0,
            not_modified,
        };
        let pulled = match self.pull_bus_resumed(transport).await {
            Ok(Some(pulled)) => pulled,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(code = e.code().as_str(), error = %e, "bus network not pulled");
                return None;
            }
        };
        let (requests, items) = match pulled {
            Pulled::Stored { requests, stops } => {
                (requests, u32::try_from(stops).unwrap_or(u32::MAX))
            }
            Pulled::NotModified | Pulled::NoNetwork => (1, 0),
        };
        progress(super::SyncProgress {
            resource: "bus".to_string(),
            page: requests,
            items,
            bytes: 0,
            done: true,
        });
        match pulled {
            Pulled::NoNetwork => None,
            Pulled::NotModified => Some(report(1, 0, true)),
            Pulled::Stored { .. } => Some(report(requests, items, false)),
        }
    }

    /// [`Core::pull_bus`] unless the failed sync this one retries completed it, with its
    /// result recorded in `sync_state`; `None` without a home unit or when skipped.
    async fn pull_bus_resumed<T: Transport>(&self, transport: &T) -> Result<Option<Pulled>, Error> {
        let Some(province) = self.home_province()? else {
            return Ok(None);
        };
        if self.done_since_failed_sync("bus", &province)? {
            return Ok(None);
        }
        let result = self.pull_bus(transport).await;
        let now = self.inner.clock.now();
        crate::sync::documents::record(self.writer_mutex(), "bus", &province, &result, now)?;
        result
    }

    /// Stops whose name, code or street contains every word of `query`, with or without
    /// diacritics ("ben thanh", "Hải Thượng Lãn Ông"); names that match come first.
    /// Reads only. Errors: `storage`.
    pub fn bus_stops(&self, query: &str) -> Result<Vec<BusStop>, Error> {
        let words: Vec<String> = congdan_search::fold(query)
            .split_whitespace()
            .map(str::to_string)
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        self.read(|conn| {
            let mut rows = store::search_stops(conn, &words, 2000)?;
            let phrase = words.join(" ");
            // Whole words of the name first ("cho lon" is Chợ Lớn before Chợ Long Phước),
            // then the name starting with the words, then containing them, then the street.
            let rank = |s: &StopRow| {
                let padded = format!(" {} ", s.folded_name);
                let whole = padded.contains(&format!(" {phrase} "));
                let in_name = words.iter().all(|w| s.folded_name.contains(w.as_str()));
                (
                    !whole,
                    !s.folded_name.starts_with(&phrase),
                    !s.folded_name.contains(&phrase),
                    !in_name,
                    s.name.len(),
                )
            };
            rows.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)));
            rows.truncate(MAX_STOPS);
            rows.iter().map(|s| stop_model(conn, s, None)).collect()
        })
    }

    /// The stops nearest to a point, nearest first (at most `limit`, within 2 km).
    /// Reads only. Errors: `invalid_input` (not a position), `storage`.
    pub fn bus_near(&self, lat: f64, lon: f64, limit: usize) -> Result<Vec<BusStop>, Error> {
        let here = position(lat, lon)?;
        let limit = limit.clamp(1, MAX_STOPS);
        self.read(|conn| {
            let mut found = Vec::new();
            for reach_m in [350.0, 1_000.0, 2_000.0] {
                let (min, max) = box_around(here, reach_m);
                found = store::stops_in_box(conn, min, max)?;
                if found.len() >= limit {
                    break;
                }
            }
            let mut with_distance: Vec<(f64, StopRow)> = found
                .into_iter()
                .map(|s| (micro_distance_m(here, s.at), s))
                .filter(|(d, _)| *d <= 2_000.0)
                .collect();
            with_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
            with_distance.truncate(limit);
            with_distance
                .iter()
                .map(|(d, s)| stop_model(conn, s, Some(d.round() as u32)))
                .collect()
        })
    }

    /// The next departures from a stop after `at` (default now) within three hours, in
    /// the feed's zone, honouring calendar dates and trips past midnight. Reads only.
    /// Errors: `not_found` (no network, unknown stop), `invalid_input` (`at`), `storage`.
    pub fn bus_departures(
        &self,
        stop_id: &str,
        at: Option<&str>,
        limit: usize,
    ) -> Result<BusDepartures, Error> {
        let now = self.inner.clock.now();
        self.read(|conn| {
            let (_, tz) = network_zone(conn)?;
            let when = instant(at, tz, now)?;
            let (date, secs) = ServiceDate::of_instant(when);
            let stop = store::stop_by_id(conn, stop_id)?.ok_or_else(|| bad_stop(stop_id))?;
            let services = store::services(conn)?;
            let days = [(-1i64, date.pred()), (0, date)];
            let mut found = Vec::new();
            for (pattern, pos) in store::patterns_through(conn, stop.idx)? {
                let Some(p) = store::pattern(conn, pattern)? else {
                    continue;
                };
                if pos as usize + 1 >= p.stops.len() {
                    continue; // the terminus: buses end here
                }
                let route = store::route(conn, p.route)?;
                for (shift, day) in days {
                    let running: Vec<bool> = services.iter().map(|s| s.runs_on(day)).collect();
                    // In the run's own day: it leaves its first stop by the window's end and
                    // reaches its last stop after the window's start.
                    let offset = shift * i64::from(DAY);
                    let window = (secs + DEPARTURE_HORIZON - offset, secs - offset);
                    for trip in store::trips_of_pattern(conn, pattern, &running, Some(window))? {
                        let Some((_, dep)) = time_at(&trip.times, pos as usize) else {
                            continue;
                        };
                        let t = i64::from(dep) + offset;
                        if t >= secs && t <= secs + DEPARTURE_HORIZON {
                            found.push((t, p.headsign.clone(), route.clone(), trip.trip_id));
                        }
                    }
                }
            }
            found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.3.cmp(&b.3)));
            found.truncate(limit.max(1));
            let departures = found
                .into_iter()
                .map(|(t, headsign, route, trip_id)| {
                    let route = route.unwrap_or_else(|| store::RouteRow {
                        idx: 0,
                        route_id: String::new(),
                        short_name: String::new(),
                        long_name: String::new(),
                        color: String::new(),
                        text_color: String::new(),
                    });
                    BusDeparture {
                        route_id: route.route_id,
                        route_short_name: route.short_name,
                        route_color: route.color,
                        route_text_color: route.text_color,
                        headsign,
                        trip_id,
                        departure: rfc3339(date, tz, t),
                        minutes: (t - secs) / 60,
                    }
                })
                .collect();
            Ok(BusDepartures {
                stop: stop_model(conn, &stop, None)?,
                at: when.to_rfc3339(),
                departures,
            })
        })
    }

    /// A route page: both directions with their stops, a drawing from the shapes and the
    /// first-stop timetable of the service day of `at` (default today). Reads only.
    /// Errors: `not_found` (no network, unknown route), `invalid_input`, `storage`.
    pub fn bus_route(&self, route_id: &str, at: Option<&str>) -> Result<BusRoute, Error> {
        let now = self.inner.clock.now();
        self.read(|conn| {
            let (_, tz) = network_zone(conn)?;
            let (date, _) = ServiceDate::of_instant(instant(at, tz, now)?);
            let route = store::route_by_id(conn, route_id)?.ok_or_else(|| Error::NotFound {
                what: "bus route",
                key: route_id.to_string(),
            })?;
            let services = store::services(conn)?;
            let today: Vec<bool> = services.iter().map(|s| s.runs_on(date)).collect();
            let mut drawn = Vec::new();
            for p in store::patterns_of_route(conn, route.idx)? {
                let stops = store::stops_by_idx(conn, &p.stops)?;
                let line = match p.shape {
                    Some(shape) => store::shape(conn, shape)?,
                    None => Vec::new(),
                };
                let line = if line.len() >= 2 {
                    line
                } else {
                    stops.iter().map(|s| s.at).collect()
                };
                let mut timetable: Vec<String> =
                    store::trips_of_pattern(conn, p.idx, &today, None)?
                        .iter()
                        .filter_map(|t| decode_times(&t.times).first().map(|&(_, d)| d))
                        .map(|d| format!("{:02}:{:02}", d / 3600, d / 60 % 60))
                        .collect();
                timetable.sort();
                drawn.push((p, stops, line, timetable));
            }
            let all: Vec<MicroPoint> = drawn
                .iter()
                .flat_map(|(_, s, l, _)| l.iter().copied().chain(s.iter().map(|s| s.at)))
                .collect();
            let frame = Frame::around(&all);
            let directions = drawn
                .into_iter()
                .map(|(p, stops, line, timetable)| BusDirection {
                    direction: p.direction,
                    headsign: p.headsign,
                    stops: stops
                        .iter()
                        .map(|s| {
                            let (x, y) = frame.xy(s.at);
                            BusRouteStop {
                                stop_id: s.stop_id.clone(),
                                name: s.name.clone(),
                                x,
                                y,
                            }
                        })
                        .collect(),
                    path: frame.path(&line),
                    timetable,
                })
                .collect();
            Ok(BusRoute {
                route_id: route.route_id,
                short_name: route.short_name,
                long_name: route.long_name,
                color: route.color,
                text_color: route.text_color,
                view_box: format!("0 0 {} {}", DRAWING_WIDTH, frame.height.round()),
                directions,
                date: date.0.format("%Y-%m-%d").to_string(),
            })
        })
    }

    /// Journeys from `from` to `to` (each a GTFS stop_id or a `geo:LAT,LON` point) leaving
    /// at or after `options.at`: a Pareto set over arrival, transfers and walking, earliest
    /// arrival first; `[]` when there is none (also when no stop is within walking distance
    /// of a point). Reads only (lays out and caches the service day on first use). Errors:
    /// `not_found` (no network, unknown stop), `invalid_input`, `storage`.
    pub fn bus_journey(
        &self,
        from: &str,
        to: &str,
        options: &JourneyOptions,
    ) -> Result<Vec<BusJourney>, Error> {
        if options.max_transfers > 4 {
            return Err(Error::InvalidInput {
                what: "max_transfers",
                reason: "0–4".into(),
            });
        }
        let now = self.inner.clock.now();
        let walk_m = options.max_walk_m.max(ACCESS_WALK_M);
        let (meta, tz, when, from, to) = self.read(|conn| {
            let (meta, tz) = network_zone(conn)?;
            let when = instant(options.at.as_deref(), tz, now)?;
            let from = place(conn, from, walk_m)?;
            let to = place(conn, to, walk_m)?;
            Ok((meta, tz, when, from, to))
        })?;
        let (date, secs) = ServiceDate::of_instant(when);
        let day = self.bus_day(&meta.etag, date)?;
        let query = Query {
            from,
            to,
            depart: secs as i32,
            max_transfers: options.max_transfers,
            max_walk_m: options.max_walk_m,
            min_change_s: options.min_change_s,
        };
        let plans = raptor::plan(&day, &query);
        self.read(|conn| {
            plans
                .iter()
                .map(|j| {
                    let legs = j
                        .legs
                        .iter()
                        .map(|leg| leg_model(conn, leg, date, tz))
                        .collect::<Result<Vec<_>, Error>>()?;
                    Ok(BusJourney {
                        departure: rfc3339(date, tz, i64::from(j.departure)),
                        arrival: rfc3339(date, tz, i64::from(j.arrival)),
                        transfers: j.transfers,
                        walk_meters: j.walk_m,
                        legs,
                    })
                })
                .collect()
        })
    }

    /// The laid-out day `date` of the network `etag`, from the cache or the store.
    fn bus_day(&self, etag: &str, date: ServiceDate) -> Result<Arc<DayTimetable>, Error> {
        let mut cached = self
            .inner
            .bus
            .day
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((e, d, day)) = cached.as_ref()
            && e == etag
            && *d == date
        {
            return Ok(Arc::clone(day));
        }
        let day = self.read(|conn| {
            let services = store::services(conn)?;
            let window = [date.pred(), date, date.succ()];
            let wanted: Vec<bool> = services
                .iter()
                .map(|s| window.iter().any(|&d| s.runs_on(d)))
                .collect();
            let trips = store::trips_running(conn, &wanted)?;
            let patterns = store::patterns(conn)?;
            let mut pattern_stops = vec![
                Vec::new();
                patterns
                    .iter()
                    .map(|p| p.idx as usize + 1)
                    .max()
                    .unwrap_or(0)
            ];
            for p in patterns {
                let idx = p.idx as usize;
                pattern_stops[idx] = p.stops;
            }
            let runs = DayTimetable::runs_from(
                &services,
                date,
                trips
                    .iter()
                    .map(|t| (t.idx, t.pattern, t.service, t.times.as_slice())),
            );
            let stop_count = store::stop_count(conn)?;
            Ok(DayTimetable::build(
                date,
                stop_count,
                &pattern_stops,
                runs,
                &store::footpaths(conn)?,
            ))
        })?;
        let day = Arc::new(day);
        *cached = Some((etag.to_string(), date, Arc::clone(&day)));
        Ok(day)
    }

    /// Saves (`on`) or removes a favourite stop (`kind` "stop", `key` a stop_id) or journey
    /// ("journey", "FROM>TO"), on disk when this returns. Writes: `bus_favourites`.
    /// Errors: `invalid_input` (other kinds), `storage`.
    pub fn set_bus_favourite(
        &self,
        kind: &str,
        key: &str,
        label: &str,
        on: bool,
    ) -> Result<(), Error> {
        if kind != "stop" && kind != "journey" {
            return Err(Error::InvalidInput {
                what: "favourite",
                reason: format!("kind {kind:?}"),
            });
        }
        let at = self.inner.clock.now().timestamp_millis();
        store::set_favourite(&self.writer(), kind, key, label, on, at)
    }

    /// Favourite stops and journeys, latest first. Reads only. Errors: `storage`.
    pub fn bus_favourites(&self) -> Result<Vec<BusFavourite>, Error> {
        self.read(|conn| {
            Ok(store::favourites(conn)?
                .into_iter()
                .map(|(kind, key, label, _)| BusFavourite { kind, key, label })
                .collect())
        })
    }
}

/// A stop row as the UI sees it, with the numbers of the routes that serve it.
fn stop_model(conn: &Connection, s: &StopRow, distance_m: Option<u32>) -> Result<BusStop, Error> {
    let mut routes = Vec::new();
    for (pattern, _) in store::patterns_through(conn, s.idx)? {
        if let Some(p) = store::pattern(conn, pattern)?
            && let Some(r) = store::route(conn, p.route)?
            && !routes.contains(&r.short_name)
        {
            routes.push(r.short_name);
        }
    }
    routes.sort_by_key(|r| natural(r));
    Ok(BusStop {
        stop_id: s.stop_id.clone(),
        code: s.code.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        lat: s.at.lat_deg(),
        lon: s.at.lon_deg(),
        routes,
        distance_m,
    })
}

/// Sort key putting "8" before "19" before "60-1".
fn natural(name: &str) -> (u64, String) {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(u64::MAX), name.to_string())
}

fn leg_model(
    conn: &Connection,
    leg: &congdan_transit::Leg,
    date: ServiceDate,
    tz: Tz,
) -> Result<BusLeg, Error> {
    // The id and name of a leg's end; `None` for the point of the query.
    let end = |idx: Option<u32>| -> Result<(Option<String>, Option<String>), Error> {
        let Some(idx) = idx else {
            return Ok((None, None));
        };
        let stop = store::stops_by_idx(conn, &[idx])?
            .pop()
            .ok_or_else(|| Error::CorruptRow {
                what: "bus journey stop",
                reason: idx.to_string(),
            })?;
        Ok((Some(stop.stop_id), Some(stop.name)))
    };
    let (from_stop_id, from_stop_name) = end(leg.from)?;
    let (to_stop_id, to_stop_name) = end(leg.to)?;
    let mut out = BusLeg {
        kind: if leg.kind == LegKind::Bus {
            "bus"
        } else {
            "walk"
        }
        .to_string(),
        from_stop_id,
        to_stop_id,
        from_stop_name,
        to_stop_name,
        departure: rfc3339(date, tz, i64::from(leg.departure)),
        arrival: rfc3339(date, tz, i64::from(leg.arrival)),
        route_id: None,
        trip_id: None,
        route_short_name: None,
        headsign: None,
        meters: leg.meters,
    };
    if let (Some(trip), Some(pattern)) = (leg.trip, leg.pattern) {
        out.trip_id = store::trip_id(conn, trip.trip)?;
        if let Some(p) = store::pattern(conn, pattern)? {
            let route = store::route(conn, p.route)?;
            out.route_id = route.as_ref().map(|r| r.route_id.clone());
            out.route_short_name = route.map(|r| r.short_name);
            out.headsign = Some(p.headsign);
        }
    }
    Ok(out)
}

/// Projects positions into a drawing [`DRAWING_WIDTH`] wide (equirectangular at the
/// centre's latitude, north up, 4 % margin).
struct Frame {
    min: (f64, f64),
    scale: f64,
    height: f64,
    margin: f64,
}

impl Frame {
    fn around(points: &[MicroPoint]) -> Frame {
        let xs = points.iter().map(|p| p.lon_deg());
        let ys = points.iter().map(|p| p.lat_deg());
        let (min_x, max_x) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
        let (min_y, max_y) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
        if points.is_empty() {
            return Frame {
                min: (0.0, 0.0),
                scale: 1.0,
                height: 100.0,
                margin: 0.0,
            };
        }
        let k = ((min_y + max_y) / 2.0).to_radians().cos();
        let w = ((max_x - min_x) * k).max(1e-6);
        let h = (max_y - min_y).max(1e-6);
        let margin = DRAWING_WIDTH * 0.04;
        let scale = (DRAWING_WIDTH - 2.0 * margin) / w.max(h * 0.6);
        let height = (h * scale + 2.0 * margin).max(200.0);
        Frame {
            min: (min_x, max_y),
            scale,
            height,
            margin,
        }
    }

    fn xy(&self, p: MicroPoint) -> (f64, f64) {
        let k = self.min.1.to_radians().cos();
        let x = self.margin + (p.lon_deg() - self.min.0) * k * self.scale;
        let y = self.margin + (self.min.1 - p.lat_deg()) * self.scale;
        ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0)
    }

    fn path(&self, line: &[MicroPoint]) -> String {
        let mut out = String::with_capacity(line.len() * 12);
        for (i, p) in line.iter().enumerate() {
            let (x, y) = self.xy(*p);
            out.push_str(if i == 0 { "M" } else { " L" });
            out.push_str(&format!("{x} {y}"));
        }
        out
    }
}
