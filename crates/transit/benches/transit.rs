//! Bus figures on the real Ho Chi Minh City feed (docs/BENCHMARKS.md, "Buses offline"):
//! ingest time, compact and wire sizes, laying out a service day, and journey planning p50/p95/max
//! over 1,000 seeded random stop pairs (at most 2 transfers, walking up to 500 m).
//!
//! `cargo bench -p congdan-transit --bench transit`

use std::path::Path;
use std::time::{Duration, Instant};

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
    let mut times = Vec::with_capacity(1000);
    let mut found = 0;
    let mut options = 0;
    for _ in 0..1000 {
        let q = Query {
            from: Place::Stop((next() % net.stops.len() as u64) as u32),
            to: Place::Stop((next() % net.stops.len() as u64) as u32),
            depart: 5 * 3600 + (next() % (15 * 3600)) as i32,
            max_transfers: 2,
            max_walk_m: 500,
            min_change_s: 60,
        };
        let started = Instant::now();
        let plans = raptor::plan(&day, &q);
        times.push(started.elapsed());
        found += usize::from(!plans.is_empty());
        options += plans.len();
    }
    times.sort();
    println!(
        "journeys (1,000 pairs, <= 2 transfers, walk <= 500 m): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; {found} answered, {:.1} options each",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().map(|t| t.as_secs_f64() * 1e3).unwrap_or(0.0),
        options as f64 / found.max(1) as f64
    );
}
