//! Bus figures on the real Ho Chi Minh City feed (docs/BENCHMARKS.md, "Buses offline"):
//! ingest time, compact and wire sizes, laying out a service day, and journey planning p50/p95/max
//! over 1,000 seeded random stop pairs (at most 2 transfers, walking up to 500 m), and again from
//! a point 150 m north of each start stop (walks of up to 800 m to every stop near it).
//!
//! `cargo bench -p congdan-transit --bench transit`

use std::path::Path;
use std::time::{Duration, Instant};

use congdan_transit::footpaths;
use congdan_transit::geo::{Grid, MicroPoint};
use congdan_transit::ingest::{self, Limits};
use congdan_transit::raptor::{self, Place, Query};
use congdan_transit::{DayTimetable, Network, ServiceDate};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/gtfs/hcmc-real.zip");
    let started = Instant::now();
    let ingested = ingest::read_zip(&zip, &Limits::default()).expect("demo feed ingests");
    let ingest_time = started.elapsed();
    let net = ingested.network;
    let encoded = net.encode();
    let started = Instant::now();
    let wire = net.to_wire(19).expect("zstd");
    let compress_time = started.elapsed();
    let started = Instant::now();
    let back = Network::from_wire(&wire).expect("round trip");
    let decode_time = started.elapsed();
    assert_eq!(back, net);
    println!(
        "zip: {} bytes",
        std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0)
    );
    println!(
        "ingest (read, validate, build, footpaths): {:.2} s",
        ingest_time.as_secs_f64()
    );
    println!(
        "stops {}, routes {}, patterns {}, trips {}, footpaths {}",
        net.stops.len(),
        net.routes.len(),
        net.patterns.len(),
        net.trips.len(),
        net.footpaths.len()
    );
    println!(
        "compact form: {} bytes; on the wire (zstd 19): {} bytes, compressed in {:.2} s",
        encoded.len(),
        wire.len(),
        compress_time.as_secs_f64()
    );
    println!(
        "inflate + decode + check on a device: {:.0} ms",
        decode_time.as_secs_f64() * 1e3
    );

    let date = ServiceDate::from_yyyymmdd(20251201).expect("a Monday");
    let started = Instant::now();
    let day = DayTimetable::of_network(&net, date);
    println!(
        "service day laid out: {:.0} ms, {} FIFO routes",
        started.elapsed().as_secs_f64() * 1e3,
        day.routes.len()
    );

    let mut state = 0x5eed_u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut starts = Vec::with_capacity(1000);
    let queries: Vec<Query> = (0..1000)
        .map(|_| {
            let from = (next() % net.stops.len() as u64) as u32;
            let to = (next() % net.stops.len() as u64) as u32;
            let depart = 5 * 3600 + (next() % (15 * 3600)) as i32;
            starts.push(from);
            Query {
                from: Place::Stop(from),
                to: Place::Stop(to),
                depart,
                max_transfers: 2,
                max_walk_m: 500,
                min_change_s: 60,
            }
        })
        .collect();
    report(
        &day,
        "journeys (1,000 pairs, <= 2 transfers, walk <= 500 m)",
        &queries,
    );
    let positions: Vec<MicroPoint> = net.stops.iter().map(|s| s.at).collect();
    let grid = Grid::new(&positions, 400.0);
    let from_points: Vec<Query> = queries
        .iter()
        .zip(&starts)
        .map(|(q, &from)| {
            let at = positions[from as usize];
            let here = MicroPoint {
                lat: at.lat + 1_350, // about 150 m north
                lon: at.lon,
            };
            let near = grid.within(here, 800.0 / footpaths::DETOUR);
            let access = footpaths::access(
                here,
                near.into_iter().map(|(s, _)| (s, positions[s as usize])),
                800,
            );
            Query {
                from: Place::Point(access),
                ..q.clone()
            }
        })
        .collect();
    report(
        &day,
        "journeys from a point (walk to it <= 800 m)",
        &from_points,
    );
}

/// Plans every query once and prints p50, p95 and max with the share answered.
fn report(day: &DayTimetable, what: &str, queries: &[Query]) {
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0;
    let mut options = 0;
    for q in queries {
        let started = Instant::now();
        let plans = raptor::plan(day, q);
        times.push(started.elapsed());
        found += usize::from(!plans.is_empty());
        options += plans.len();
    }
    times.sort();
    println!(
        "{what}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; {found} answered, {:.1} options each",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().map(|t| t.as_secs_f64() * 1e3).unwrap_or(0.0),
        options as f64 / found.max(1) as f64
    );
}
