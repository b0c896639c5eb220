//! The bus tables (issue 8): the home province's network spread over one row per
//! stop, route, pattern, trip, service, shape and footpath, so that a stop search,
//! a departure board or a route page reads a few rows and never the whole city;
//! favourite stops and journeys. A download in progress is in [`super::downloads`].
//!
//! Invariants: `bus_network` has at most one row and describes exactly what the
//! other network tables hold (they are replaced together in one transaction);
//! `bus_favourites` is user data and survives network replacement.

use congdan_transit::geo::MicroPoint;
use congdan_transit::network::{pack_points, pack_u32s, unpack_points, unpack_u32s};
use congdan_transit::{Footpath, Network, Service};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Error;

/// What is stored about the network in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkMeta {
    /// Province code.
    pub province: String,
    /// Strong ETag it was served with.
    pub etag: String,
    /// Feed version label.
    pub version: String,
    /// IANA zone of its times.
    pub timezone: String,
    /// When it was stored (ms since the epoch).
    pub stored_ms: i64,
    /// Bytes downloaded.
    pub bytes: i64,
}

/// A stop row.
#[derive(Debug, Clone, PartialEq)]
pub struct StopRow {
    /// Index in the network.
    pub idx: u32,
    /// GTFS stop_id.
    pub stop_id: String,
    /// Pole code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address / street.
    pub description: String,
    /// Position.
    pub at: MicroPoint,
    /// Folded name (search).
    pub folded_name: String,
    /// Folded code and description (search).
    pub folded_rest: String,
}

/// A route row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    /// Index in the network.
    pub idx: u32,
    /// GTFS route_id.
    pub route_id: String,
    /// Number on the bus.
    pub short_name: String,
    /// Long name.
    pub long_name: String,
    /// RRGGBB or empty.
    pub color: String,
    /// RRGGBB or empty.
    pub text_color: String,
}

/// A pattern row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternRow {
    /// Index in the network.
    pub idx: u32,
    /// Route index.
    pub route: u32,
    /// Direction (0, 1).
    pub direction: u8,
    /// Headsign.
    pub headsign: String,
    /// Stop indices in order.
    pub stops: Vec<u32>,
    /// Shape index.
    pub shape: Option<u32>,
}

/// A trip row with its packed times unpacked (delta form, see `congdan_transit::Trip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripRow {
    /// Index in the network.
    pub idx: u32,
    /// GTFS trip_id.
    pub trip_id: String,
    /// Pattern index.
    pub pattern: u32,
    /// Service index.
    pub service: u32,
    /// Delta-encoded times.
    pub times: Vec<u32>,
}

fn corrupt(what: &'static str) -> impl FnOnce(congdan_transit::TransitError) -> Error {
    move |e| Error::CorruptRow {
        what,
        reason: e.to_string(),
    }
}

/// Replaces the stored network by `net` in one transaction (favourites stay).
/// Errors: `storage`.
pub fn replace(conn: &mut Connection, meta: &NetworkMeta, net: &Network) -> Result<(), Error> {
    let tx = conn
        .transaction()
        .map_err(Error::storage("bus replace begin"))?;
    let s = Error::storage("bus replace");
    for table in [
        "bus_network",
        "bus_stops",
        "bus_routes",
        "bus_patterns",
        "bus_stop_patterns",
        "bus_trips",
        "bus_services",
        "bus_shapes",
        "bus_footpaths",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])
            .map_err(Error::storage("bus clear"))?;
    }
    tx.execute(
        "INSERT INTO bus_network (id, province, etag, version, timezone, stored_ms, bytes)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            meta.province,
            meta.etag,
            meta.version,
            meta.timezone,
            meta.stored_ms,
            meta.bytes
        ],
    )
    .map_err(Error::storage("bus network row"))?;
    {
        let mut st = tx
            .prepare(
                "INSERT INTO bus_stops (idx, stop_id, code, name, description, lat, lon, folded_name, folded_rest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(Error::storage("bus stops prepare"))?;
        for (i, stop) in net.stops.iter().enumerate() {
            let rest = congdan_search::fold(&format!("{} {}", stop.code, stop.desc));
            st.execute(params![
                i as i64,
                stop.id,
                stop.code,
                stop.name,
                stop.desc,
                stop.at.lat,
                stop.at.lon,
                congdan_search::fold(&stop.name),
                rest
            ])
            .map_err(Error::storage("bus stop"))?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO bus_routes (idx, route_id, short_name, long_name, color, text_color)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(Error::storage("bus routes prepare"))?;
        for (i, r) in net.routes.iter().enumerate() {
            st.execute(params![
                i as i64,
                r.id,
                r.short_name,
                r.long_name,
                r.color,
                r.text_color
            ])
            .map_err(Error::storage("bus route"))?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO bus_patterns (idx, route, direction, headsign, stops, shape)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(Error::storage("bus patterns prepare"))?;
        let mut sp = tx
            .prepare(
                "INSERT OR IGNORE INTO bus_stop_patterns (stop, pattern, pos) VALUES (?1, ?2, ?3)",
            )
            .map_err(Error::storage("bus stop patterns prepare"))?;
        for (i, p) in net.patterns.iter().enumerate() {
            st.execute(params![
                i as i64,
                p.route,
                p.direction,
                p.headsign,
                pack_u32s(&p.stops),
                p.shape
            ])
            .map_err(Error::storage("bus pattern"))?;
            for (pos, stop) in p.stops.iter().enumerate() {
                sp.execute(params![stop, i as i64, pos as i64])
                    .map_err(Error::storage("bus stop pattern"))?;
            }
        }
        let mut st = tx
            .prepare(
                "INSERT INTO bus_trips (idx, trip_id, pattern, service, first_departure, last_arrival, times)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(Error::storage("bus trips prepare"))?;
        for (i, t) in net.trips.iter().enumerate() {
            let times = congdan_transit::decode_times(&t.times);
            let first = times.first().map_or(0, |&(_, d)| d);
            let last = times.last().map_or(0, |&(a, _)| a);
            st.execute(params![
                i as i64,
                t.id,
                t.pattern,
                t.service,
                first,
                last,
                pack_u32s(&t.times)
            ])
            .map_err(Error::storage("bus trip"))?;
        }
        let mut st = tx
            .prepare(
                "INSERT INTO bus_services (idx, service_id, weekdays, start_date, end_date, added, removed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(Error::storage("bus services prepare"))?;
        for (i, sv) in net.services.iter().enumerate() {
            st.execute(params![
                i as i64,
                sv.id,
                sv.weekdays,
                sv.start,
                sv.end,
                pack_u32s(&sv.added),
                pack_u32s(&sv.removed)
            ])
            .map_err(Error::storage("bus service"))?;
        }
        let mut st = tx
            .prepare("INSERT INTO bus_shapes (idx, points) VALUES (?1, ?2)")
            .map_err(Error::storage("bus shapes prepare"))?;
        for (i, sh) in net.shapes.iter().enumerate() {
            st.execute(params![i as i64, pack_points(&sh.points)])
                .map_err(Error::storage("bus shape"))?;
        }
        let mut st = tx
            .prepare("INSERT OR REPLACE INTO bus_footpaths (from_stop, to_stop, meters, seconds) VALUES (?1, ?2, ?3, ?4)")
            .map_err(Error::storage("bus footpaths prepare"))?;
        for f in &net.footpaths {
            st.execute(params![f.from, f.to, f.meters, f.seconds])
                .map_err(Error::storage("bus footpath"))?;
        }
    }
    tx.commit().map_err(s)?;
    Ok(())
}

/// The stored network's description, if any. Errors: `storage`.
pub fn meta(conn: &Connection) -> Result<Option<NetworkMeta>, Error> {
    conn.query_row(
        "SELECT province, etag, version, timezone, stored_ms, bytes FROM bus_network WHERE id = 1",
        [],
        |r| {
            Ok(NetworkMeta {
                province: r.get(0)?,
                etag: r.get(1)?,
                version: r.get(2)?,
                timezone: r.get(3)?,
                stored_ms: r.get(4)?,
                bytes: r.get(5)?,
            })
        },
    )
    .optional()
    .map_err(Error::storage("bus network meta"))
}

const STOP_COLUMNS: &str =
    "idx, stop_id, code, name, description, lat, lon, folded_name, folded_rest";

fn stop_row(r: &Row<'_>) -> rusqlite::Result<StopRow> {
    Ok(StopRow {
        idx: r.get(0)?,
        stop_id: r.get(1)?,
        code: r.get(2)?,
        name: r.get(3)?,
        description: r.get(4)?,
        at: MicroPoint {
            lat: r.get(5)?,
            lon: r.get(6)?,
        },
        folded_name: r.get(7)?,
        folded_rest: r.get(8)?,
    })
}

/// Stops whose folded name, code or description contains every folded word, at most
/// `limit`. Errors: `storage`.
pub fn search_stops(
    conn: &Connection,
    words: &[String],
    limit: usize,
) -> Result<Vec<StopRow>, Error> {
    let mut sql = format!("SELECT {STOP_COLUMNS} FROM bus_stops WHERE 1");
    for i in 0..words.len() {
        sql.push_str(&format!(
            " AND instr(folded_name || ' ' || folded_rest, ?{}) > 0",
            i + 1
        ));
    }
    sql.push_str(&format!(" LIMIT {limit}"));
    let mut st = conn
        .prepare_cached(&sql)
        .map_err(Error::storage("bus stop search prepare"))?;
    st.query_map(rusqlite::params_from_iter(words.iter()), stop_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus stop search"))
}

/// Stops inside a box of microdegrees. Errors: `storage`.
pub fn stops_in_box(
    conn: &Connection,
    min: MicroPoint,
    max: MicroPoint,
) -> Result<Vec<StopRow>, Error> {
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT {STOP_COLUMNS} FROM bus_stops WHERE lat BETWEEN ?1 AND ?2 AND lon BETWEEN ?3 AND ?4"
        ))
        .map_err(Error::storage("bus near prepare"))?;
    st.query_map(params![min.lat, max.lat, min.lon, max.lon], stop_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus near"))
}

/// One stop by GTFS id. Errors: `storage`.
pub fn stop_by_id(conn: &Connection, stop_id: &str) -> Result<Option<StopRow>, Error> {
    conn.query_row(
        &format!("SELECT {STOP_COLUMNS} FROM bus_stops WHERE stop_id = ?1"),
        [stop_id],
        stop_row,
    )
    .optional()
    .map_err(Error::storage("bus stop"))
}

/// Stops by index, in the order asked (missing ones skipped). Errors: `storage`.
pub fn stops_by_idx(conn: &Connection, idx: &[u32]) -> Result<Vec<StopRow>, Error> {
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT {STOP_COLUMNS} FROM bus_stops WHERE idx = ?1"
        ))
        .map_err(Error::storage("bus stops prepare"))?;
    let mut out = Vec::with_capacity(idx.len());
    for i in idx {
        if let Some(row) = st
            .query_row([i], stop_row)
            .optional()
            .map_err(Error::storage("bus stop by idx"))?
        {
            out.push(row);
        }
    }
    Ok(out)
}

/// Number of stops stored. Errors: `storage`.
pub fn stop_count(conn: &Connection) -> Result<usize, Error> {
    conn.query_row("SELECT count(*) FROM bus_stops", [], |r| r.get::<_, i64>(0))
        .map(|n| n.max(0) as usize)
        .map_err(Error::storage("bus stop count"))
}

/// `(pattern, position)` of every pattern through stop `idx`. Errors: `storage`.
pub fn patterns_through(conn: &Connection, idx: u32) -> Result<Vec<(u32, u32)>, Error> {
    let mut st = conn
        .prepare_cached("SELECT pattern, pos FROM bus_stop_patterns WHERE stop = ?1")
        .map_err(Error::storage("bus stop patterns prepare"))?;
    st.query_map([idx], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus stop patterns"))
}

fn route_row(r: &Row<'_>) -> rusqlite::Result<RouteRow> {
    Ok(RouteRow {
        idx: r.get(0)?,
        route_id: r.get(1)?,
        short_name: r.get(2)?,
        long_name: r.get(3)?,
        color: r.get(4)?,
        text_color: r.get(5)?,
    })
}

const ROUTE_COLUMNS: &str = "idx, route_id, short_name, long_name, color, text_color";

/// Every route. Errors: `storage`.
pub fn routes(conn: &Connection) -> Result<Vec<RouteRow>, Error> {
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT {ROUTE_COLUMNS} FROM bus_routes ORDER BY idx"
        ))
        .map_err(Error::storage("bus routes prepare"))?;
    st.query_map([], route_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus routes"))
}

/// One route by GTFS id. Errors: `storage`.
pub fn route_by_id(conn: &Connection, route_id: &str) -> Result<Option<RouteRow>, Error> {
    conn.query_row(
        &format!("SELECT {ROUTE_COLUMNS} FROM bus_routes WHERE route_id = ?1"),
        [route_id],
        route_row,
    )
    .optional()
    .map_err(Error::storage("bus route"))
}

const PATTERN_COLUMNS: &str = "idx, route, direction, headsign, stops, shape";

fn pattern_row(r: &Row<'_>) -> rusqlite::Result<(PatternRow, Vec<u8>)> {
    Ok((
        PatternRow {
            idx: r.get(0)?,
            route: r.get(1)?,
            direction: r.get(2)?,
            headsign: r.get(3)?,
            stops: Vec::new(),
            shape: r.get(5)?,
        },
        r.get(4)?,
    ))
}

fn unpack_patterns(rows: Vec<(PatternRow, Vec<u8>)>) -> Result<Vec<PatternRow>, Error> {
    rows.into_iter()
        .map(|(mut p, blob)| {
            p.stops = unpack_u32s(&blob).map_err(corrupt("bus pattern stops"))?;
            Ok(p)
        })
        .collect()
}

/// Every pattern. Errors: `storage`.
pub fn patterns(conn: &Connection) -> Result<Vec<PatternRow>, Error> {
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT {PATTERN_COLUMNS} FROM bus_patterns ORDER BY idx"
        ))
        .map_err(Error::storage("bus patterns prepare"))?;
    let rows = st
        .query_map([], pattern_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus patterns"))?;
    unpack_patterns(rows)
}

/// The patterns of route `route`, by direction. Errors: `storage`.
pub fn patterns_of_route(conn: &Connection, route: u32) -> Result<Vec<PatternRow>, Error> {
    let mut st = conn
        .prepare_cached(&format!(
            "SELECT {PATTERN_COLUMNS} FROM bus_patterns WHERE route = ?1 ORDER BY direction, idx"
        ))
        .map_err(Error::storage("bus route patterns prepare"))?;
    let rows = st
        .query_map([route], pattern_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus route patterns"))?;
    unpack_patterns(rows)
}

/// The pattern `idx`. Errors: `storage`.
pub fn pattern(conn: &Connection, idx: u32) -> Result<Option<PatternRow>, Error> {
    let row = conn
        .query_row(
            &format!("SELECT {PATTERN_COLUMNS} FROM bus_patterns WHERE idx = ?1"),
            [idx],
            pattern_row,
        )
        .optional()
        .map_err(Error::storage("bus pattern"))?;
    Ok(unpack_patterns(row.into_iter().collect())?.pop())
}

/// The route `idx`. Errors: `storage`.
pub fn route(conn: &Connection, idx: u32) -> Result<Option<RouteRow>, Error> {
    conn.query_row(
        &format!("SELECT {ROUTE_COLUMNS} FROM bus_routes WHERE idx = ?1"),
        [idx],
        route_row,
    )
    .optional()
    .map_err(Error::storage("bus route"))
}

/// Trips of `pattern` whose service is in `services`, by first departure; with a window,
/// only those leaving their first stop at or before `window.0` and arriving at their last
/// stop at or after `window.1` (seconds of their service day), so a departure board reads
/// only trips that can pass in its window. Errors: `storage`.
pub fn trips_of_pattern(
    conn: &Connection,
    pattern: u32,
    services: &[bool],
    window: Option<(i64, i64)>,
) -> Result<Vec<TripRow>, Error> {
    let running: String = services
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(i, _)| format!(",{i}"))
        .collect::<String>()
        + ",";
    let (max_first, min_last) = window.unwrap_or((i64::MAX, i64::MIN));
    let mut st = conn
        .prepare_cached(
            "SELECT idx, trip_id, pattern, service, times FROM bus_trips
             WHERE pattern = ?1 AND first_departure <= ?2 AND last_arrival >= ?3
               AND instr(?4, ',' || service || ',') > 0
             ORDER BY first_departure",
        )
        .map_err(Error::storage("bus trips prepare"))?;
    let rows = st
        .query_map(params![pattern, max_first, min_last, running], raw_trip)
        .map_err(Error::storage("bus trips"))?;
    rows.map(|row| trip_row(row.map_err(Error::storage("bus trip row"))?))
        .collect()
}

/// The columns `idx, trip_id, pattern, service, times` of a `bus_trips` row.
type RawTrip = (u32, String, u32, u32, Vec<u8>);

fn raw_trip(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawTrip> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// A trip with its times unpacked. Errors: `storage` (corrupt times).
fn trip_row((idx, trip_id, pattern, service, blob): RawTrip) -> Result<TripRow, Error> {
    Ok(TripRow {
        idx,
        trip_id,
        pattern,
        service,
        times: unpack_u32s(&blob).map_err(corrupt("bus trip times"))?,
    })
}

/// Every trip whose service is in `services`. Errors: `storage`.
pub fn trips_running(conn: &Connection, services: &[bool]) -> Result<Vec<TripRow>, Error> {
    let mut st = conn
        .prepare_cached("SELECT idx, trip_id, pattern, service, times FROM bus_trips ORDER BY idx")
        .map_err(Error::storage("bus all trips prepare"))?;
    let rows = st
        .query_map([], raw_trip)
        .map_err(Error::storage("bus all trips"))?;
    let mut out = Vec::new();
    for row in rows {
        let raw = row.map_err(Error::storage("bus trip row"))?;
        if services.get(raw.3 as usize).copied().unwrap_or(false) {
            out.push(trip_row(raw)?);
        }
    }
    Ok(out)
}

/// GTFS trip ids by index (for answers). Errors: `storage`.
pub fn trip_id(conn: &Connection, idx: u32) -> Result<Option<String>, Error> {
    conn.query_row("SELECT trip_id FROM bus_trips WHERE idx = ?1", [idx], |r| {
        r.get(0)
    })
    .optional()
    .map_err(Error::storage("bus trip id"))
}

/// Every service, by index. Errors: `storage`.
pub fn services(conn: &Connection) -> Result<Vec<Service>, Error> {
    let mut st = conn
        .prepare_cached("SELECT service_id, weekdays, start_date, end_date, added, removed FROM bus_services ORDER BY idx")
        .map_err(Error::storage("bus services prepare"))?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u8>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, Vec<u8>>(5)?,
            ))
        })
        .map_err(Error::storage("bus services"))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, weekdays, start, end, added, removed) =
            row.map_err(Error::storage("bus service row"))?;
        out.push(Service {
            id,
            weekdays,
            start,
            end,
            added: unpack_u32s(&added).map_err(corrupt("bus service dates"))?,
            removed: unpack_u32s(&removed).map_err(corrupt("bus service dates"))?,
        });
    }
    Ok(out)
}

/// Every footpath. Errors: `storage`.
pub fn footpaths(conn: &Connection) -> Result<Vec<Footpath>, Error> {
    let mut st = conn
        .prepare_cached("SELECT from_stop, to_stop, meters, seconds FROM bus_footpaths")
        .map_err(Error::storage("bus footpaths prepare"))?;
    st.query_map([], |r| {
        Ok(Footpath {
            from: r.get(0)?,
            to: r.get(1)?,
            meters: r.get(2)?,
            seconds: r.get(3)?,
        })
    })
    .and_then(|rows| rows.collect())
    .map_err(Error::storage("bus footpaths"))
}

/// The points of shape `idx`. Errors: `storage`.
pub fn shape(conn: &Connection, idx: u32) -> Result<Vec<MicroPoint>, Error> {
    let blob: Option<Vec<u8>> = conn
        .query_row("SELECT points FROM bus_shapes WHERE idx = ?1", [idx], |r| {
            r.get(0)
        })
        .optional()
        .map_err(Error::storage("bus shape"))?;
    match blob {
        Some(b) => unpack_points(&b).map_err(corrupt("bus shape points")),
        None => Ok(Vec::new()),
    }
}

/// A favourite: kind (`stop` or `journey`), key, label, when saved.
pub type Favourite = (String, String, String, i64);

/// Saves or removes a favourite, on disk when this returns (user data). Errors: `storage`.
pub fn set_favourite(
    conn: &Connection,
    kind: &str,
    key: &str,
    label: &str,
    on: bool,
    at_ms: i64,
) -> Result<(), Error> {
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(Error::storage("bus favourite synchronous"))?;
    let result = if on {
        conn.execute(
            "INSERT OR REPLACE INTO bus_favourites (kind, key, label, saved_ms) VALUES (?1, ?2, ?3, ?4)",
            params![kind, key, label, at_ms],
        )
    } else {
        conn.execute(
            "DELETE FROM bus_favourites WHERE kind = ?1 AND key = ?2",
            params![kind, key],
        )
    };
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("bus favourite synchronous"))?;
    result.map_err(Error::storage("bus favourite"))?;
    Ok(())
}

/// Every favourite, latest first. Errors: `storage`.
pub fn favourites(conn: &Connection) -> Result<Vec<Favourite>, Error> {
    let mut st = conn
        .prepare_cached(
            "SELECT kind, key, label, saved_ms FROM bus_favourites ORDER BY saved_ms DESC, key",
        )
        .map_err(Error::storage("bus favourites prepare"))?;
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("bus favourites"))
}
