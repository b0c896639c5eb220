//! The compact form of a bus network: what the server builds at ingest, sends to a device
//! (postcard bytes behind a magic and a version, compressed on the wire) and what the device
//! stores. Everything refers to everything else by index into the network's own vectors; GTFS
//! ids are kept once, on the stop, route and trip, for the CLI and for display.
//!
//! Trip times are delta-encoded ([`Trip::times`]) so that most of the ~1 million stop times of a
//! city take one or two bytes each.

use serde::{Deserialize, Serialize};

use crate::error::TransitError;
use crate::geo::MicroPoint;

/// First bytes of an encoded network.
const MAGIC: &[u8; 5] = b"CDBUS";
/// Version of the encoding after the magic bytes `CDBUS`; bumped on any change of the types below.
pub const FORMAT_VERSION: u8 = 1;
/// Largest decoded network a device accepts (a metropolis is about 30 MB decoded).
pub const MAX_DECODED_BYTES: u64 = 256 << 20;

/// A whole network of one province, as ingested from one GTFS feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// IANA time zone of the feed (agency_timezone): service days and times are local to it.
    pub timezone: String,
    /// A label for this version of the feed (feed_info's version, else the zip's digest prefix).
    pub feed_version: String,
    /// Stops (location_type 0 or empty), in feed order.
    pub stops: Vec<Stop>,
    /// Routes, in feed order.
    pub routes: Vec<Route>,
    /// Distinct stop sequences of a route and direction.
    pub patterns: Vec<Pattern>,
    /// Trips, grouped by pattern and sorted by first departure.
    pub trips: Vec<Trip>,
    /// Services (calendar plus calendar_dates).
    pub services: Vec<Service>,
    /// Shapes, for drawing a route.
    pub shapes: Vec<Shape>,
    /// Walking links between nearby stops, derived at ingest (see `footpaths`).
    pub footpaths: Vec<Footpath>,
}

/// A place where buses stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    /// GTFS stop_id.
    pub id: String,
    /// GTFS stop_code (the code painted on the pole), may be empty.
    pub code: String,
    /// Name as published (NFC).
    pub name: String,
    /// Description (address and street in the HCMC feed), may be empty.
    pub desc: String,
    /// Position.
    pub at: MicroPoint,
}

/// A bus line as the public knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// GTFS route_id.
    pub id: String,
    /// Number on the bus ("01", "60-1").
    pub short_name: String,
    /// Long name ("Bến Thành - BX Chợ Lớn").
    pub long_name: String,
    /// Colour as RRGGBB without '#', empty when the feed has none.
    pub color: String,
    /// Text colour on `color`, RRGGBB, empty when the feed has none.
    pub text_color: String,
    /// GTFS route_type (3 = bus).
    pub route_type: u16,
}

/// One stop sequence served by trips of one route in one direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Index into [`Network::routes`].
    pub route: u32,
    /// GTFS direction_id (0 or 1; 0 when absent).
    pub direction: u8,
    /// Headsign of its first trip (what the front of the bus says).
    pub headsign: String,
    /// Indices into [`Network::stops`], in travel order.
    pub stops: Vec<u32>,
    /// Index into [`Network::shapes`] of its first trip's shape, if any.
    pub shape: Option<u32>,
}

/// One run of a bus along a pattern on the days of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trip {
    /// GTFS trip_id.
    pub id: String,
    /// Index into [`Network::patterns`].
    pub pattern: u32,
    /// Index into [`Network::services`].
    pub service: u32,
    /// Delta-encoded times in seconds after the service day's noon minus 12 h:
    /// `[arrival at stop 0, dwell at 0, hop to 1, dwell at 1, ...]`, two numbers per stop of the
    /// pattern. Decode with [`Trip::stop_times`].
    pub times: Vec<u32>,
}

impl Trip {
    /// Delta-encodes `(arrival, departure)` pairs (seconds, non-decreasing) into [`Trip::times`].
    pub fn encode_times(times: &[(u32, u32)]) -> Vec<u32> {
        let mut out = Vec::with_capacity(times.len() * 2);
        let mut last = 0u32;
        for (i, &(arr, dep)) in times.iter().enumerate() {
            out.push(if i == 0 {
                arr
            } else {
                arr.saturating_sub(last)
            });
            out.push(dep.saturating_sub(arr));
            last = dep;
        }
        out
    }

    /// The `(arrival, departure)` at each stop of the pattern, in seconds of the service day.
    pub fn stop_times(&self) -> Vec<(u32, u32)> {
        decode_times(&self.times)
    }
}

/// Decodes delta-encoded times (see [`Trip::times`]); saturates rather than overflows on hostile input.
pub fn decode_times(times: &[u32]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(times.len() / 2);
    let mut t = 0u32;
    for pair in times.chunks_exact(2) {
        let arr = t.saturating_add(pair[0]);
        let dep = arr.saturating_add(pair[1]);
        out.push((arr, dep));
        t = dep;
    }
    out
}

/// The `(arrival, departure)` at stop position `pos` of delta-encoded times, without
/// decoding the rest; `None` past the end.
pub fn time_at(times: &[u32], pos: usize) -> Option<(u32, u32)> {
    let mut t = 0u32;
    for (i, pair) in times.chunks_exact(2).enumerate() {
        let arr = t.saturating_add(pair[0]);
        let dep = arr.saturating_add(pair[1]);
        if i == pos {
            return Some((arr, dep));
        }
        t = dep;
    }
    None
}

/// The days a set of trips runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// GTFS service_id.
    pub id: String,
    /// Bit 0 = Monday ... bit 6 = Sunday, from calendar.txt (0 when the service is only in calendar_dates).
    pub weekdays: u8,
    /// First day of calendar.txt's range as YYYYMMDD (0 when absent).
    pub start: u32,
    /// Last day of calendar.txt's range as YYYYMMDD (0 when absent).
    pub end: u32,
    /// Dates (YYYYMMDD) added by calendar_dates (exception_type 1).
    pub added: Vec<u32>,
    /// Dates (YYYYMMDD) removed by calendar_dates (exception_type 2).
    pub removed: Vec<u32>,
}

/// The path a bus follows, for drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    /// GTFS shape_id.
    pub id: String,
    /// Points in order.
    pub points: Vec<MicroPoint>,
}

/// A walk between two different stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footpath {
    /// Index into [`Network::stops`] where the walk starts.
    pub from: u32,
    /// Index into [`Network::stops`] where the walk ends.
    pub to: u32,
    /// Walking distance in metres (straight line times the detour factor).
    pub meters: u32,
    /// Walking time in seconds.
    pub seconds: u32,
}

/// Packs numbers (stop lists, delta times) into the varint bytes a device stores per row.
pub fn pack_u32s(values: &[u32]) -> Vec<u8> {
    postcard::to_allocvec(values).unwrap_or_default()
}

/// Unpacks [`pack_u32s`] bytes; an error for bytes that are not such a list.
pub fn unpack_u32s(bytes: &[u8]) -> Result<Vec<u32>, TransitError> {
    Ok(postcard::from_bytes(bytes)?)
}

/// Packs shape points (microdegrees) for storage.
pub fn pack_points(points: &[MicroPoint]) -> Vec<u8> {
    postcard::to_allocvec(points).unwrap_or_default()
}

/// Unpacks [`pack_points`] bytes.
pub fn unpack_points(bytes: &[u8]) -> Result<Vec<MicroPoint>, TransitError> {
    Ok(postcard::from_bytes(bytes)?)
}

impl Network {
    /// The bytes a device downloads: magic, version, postcard body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 << 20);
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        // Writing into a Vec cannot fail for these plain types.
        match postcard::to_extend(self, out) {
            Ok(bytes) => bytes,
            Err(e) => unreachable!("postcard into a Vec failed: {e}"),
        }
    }

    /// The body served to devices: [`Network::encode`] compressed with zstd at `level`
    /// (19 at ingest: a city is compressed once and downloaded many times).
    pub fn to_wire(&self, level: i32) -> std::io::Result<Vec<u8>> {
        zstd::bulk::compress(&self.encode(), level)
    }

    /// Decodes a body made by [`Network::to_wire`], refusing to inflate past [`MAX_DECODED_BYTES`].
    pub fn from_wire(body: &[u8]) -> Result<Network, TransitError> {
        use std::io::Read;
        let decoder = zstd::stream::read::Decoder::new(body).map_err(TransitError::Wire)?;
        let mut bytes = Vec::new();
        decoder
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(TransitError::Wire)?;
        if bytes.len() as u64 > MAX_DECODED_BYTES {
            return Err(TransitError::Inconsistent(format!(
                "inflates past {MAX_DECODED_BYTES} bytes"
            )));
        }
        Network::decode(&bytes)
    }

    /// Decodes and checks bytes made by [`Network::encode`]; never panics on hostile bytes.
    pub fn decode(bytes: &[u8]) -> Result<Network, TransitError> {
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            return Err(TransitError::Format(0));
        };
        match rest.split_first() {
            Some((&FORMAT_VERSION, body)) => {
                let network: Network = postcard::from_bytes(body)?;
                network.check()?;
                Ok(network)
            }
            Some((&v, _)) => Err(TransitError::Format(v)),
            None => Err(TransitError::Format(0)),
        }
    }

    /// Checks that every index points inside its vector and every trip has two times per stop,
    /// so that planners can index without bounds surprises.
    pub fn check(&self) -> Result<(), TransitError> {
        let bad = |what: String| Err(TransitError::Inconsistent(what));
        let (ns, nr, nsv, nsh) = (
            self.stops.len(),
            self.routes.len(),
            self.services.len(),
            self.shapes.len(),
        );
        for (i, p) in self.patterns.iter().enumerate() {
            if p.route as usize >= nr
                || p.stops.iter().any(|&s| s as usize >= ns)
                || p.stops.len() < 2
            {
                return bad(format!("pattern {i}"));
            }
            if p.shape.is_some_and(|s| s as usize >= nsh) {
                return bad(format!("pattern {i} shape"));
            }
        }
        for t in &self.trips {
            let Some(p) = self.patterns.get(t.pattern as usize) else {
                return bad(format!("trip {} pattern", t.id));
            };
            if t.service as usize >= nsv || t.times.len() != p.stops.len() * 2 {
                return bad(format!("trip {}", t.id));
            }
        }
        if self
            .footpaths
            .iter()
            .any(|f| f.from as usize >= ns || f.to as usize >= ns)
        {
            return bad("footpath".into());
        }
        crate::service::zone(&self.timezone)?;
        Ok(())
    }

    /// Index of the stop with GTFS id `id`.
    pub fn stop_index(&self, id: &str) -> Result<u32, TransitError> {
        self.stops
            .iter()
            .position(|s| s.id == id)
            .map(|i| i as u32)
            .ok_or_else(|| TransitError::UnknownStop(id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_through_the_delta_form() {
        let times = [(25_200, 25_260), (25_400, 25_400), (90_000, 90_030)];
        let enc = Trip::encode_times(&times);
        assert_eq!(enc, vec![25_200, 60, 140, 0, 64_600, 30]);
        assert_eq!(decode_times(&enc), times);
    }

    #[test]
    fn one_stop_time_is_read_without_decoding_the_rest() {
        let enc = Trip::encode_times(&[(100, 110), (200, 200), (300, 330)]);
        assert_eq!(time_at(&enc, 0), Some((100, 110)));
        assert_eq!(time_at(&enc, 2), Some((300, 330)));
        assert_eq!(time_at(&enc, 3), None);
    }

    #[test]
    fn hostile_times_saturate_instead_of_overflowing() {
        assert_eq!(decode_times(&[u32::MAX, 5, 7]), vec![(u32::MAX, u32::MAX)]);
    }

    #[test]
    fn garbage_and_other_versions_are_refused() {
        assert!(matches!(
            Network::decode(b"hello"),
            Err(TransitError::Format(0))
        ));
        assert!(matches!(
            Network::decode(b"CDBUS\x09"),
            Err(TransitError::Format(9))
        ));
        assert!(matches!(
            Network::decode(b"CDBUS\x01\xff\xff"),
            Err(TransitError::Decode(_))
        ));
    }
}
