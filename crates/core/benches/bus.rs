//! Bus figures on the device side (docs/BENCHMARKS.md, "Buses offline"), on the real Ho Chi
//! Minh City feed (data/demo/gtfs/hcmc-real.zip): storing a downloaded network, its size in
//! the profile database, opening the bus screen (open + status + first stop list), and
//! p50/p95/max of departures, stop search and journeys through `Core`.
//!
//! Run: `cargo bench -p congdan-core --bench bus` (release). With `--test` it only checks
//! that everything runs once.

use std::path::Path;
use std::time::{Duration, Instant};

use congdan_core::store::{self, bus::NetworkMeta};
use congdan_core::{Core, JourneyOptions};
use congdan_transit::ingest::{self, Limits};

fn percentiles(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.95),
        at(1.0)
    )
}

/// splitmix64, seeded: the same pairs every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/gtfs/hcmc-real.zip");
    let network = ingest::read_zip(&zip, &Limits::default())
        .expect("demo feed ingests")
        .network;
    let wire = network.to_wire(19).expect("zstd");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("profile.sqlite");
    {
        let mut conn = store::open(&db).expect("profile opens");
        let meta = NetworkMeta {
            province: "79".into(),
            etag: "\"bench\"".into(),
            version: network.feed_version.clone(),
            timezone: network.timezone.clone(),
            stored_ms: 0,
            bytes: wire.len() as i64,
        };
        let started = Instant::now();
        let decoded = congdan_transit::Network::from_wire(&wire).expect("decodes");
        store::bus::replace(&mut conn, &meta, &decoded).expect("stored");
        println!(
            "decode + store a downloaded network: {:.2} s",
            started.elapsed().as_secs_f64()
        );
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
            .expect("vacuum");
        let pages: i64 = conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("pages");
        let page: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page size");
        let empty = {
            let other = dir.path().join("empty.sqlite");
            let c = store::open(&other).expect("empty profile");
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
                .expect("vacuum");
            let n: i64 = c
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .expect("pages");
            n * page
        };
        println!(
            "on the wire: {} bytes; profile database {} bytes, {} bytes more than an empty profile",
            wire.len(),
            pages * page,
            pages * page - empty
        );
    }

    let started = Instant::now();
    let core = Core::open(&db).expect("core opens");
    let status = core.bus_status().expect("status");
    let first = core.bus_stops("ben thanh").expect("stops");
    println!(
        "bus screen: open + status + first stop list: {:.1} ms ({} stops held, {} hits)",
        started.elapsed().as_secs_f64() * 1e3,
        status.stops,
        first.len()
    );

    let n = if quick { 5 } else { 1000 };
    let mut rng = Rng(0x5eed);
    let stops: Vec<String> = network.stops.iter().map(|s| s.id.clone()).collect();
    let at = |rng: &mut Rng| format!("2025-12-01T{:02}:{:02}", 5 + rng.below(15), rng.below(60));

    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let stop = &stops[rng.below(stops.len() as u64) as usize];
        let when = at(&mut rng);
        let started = Instant::now();
        core.bus_departures(stop, Some(&when), 20)
            .expect("departures");
        times.push(started.elapsed());
    }
    println!(
        "departures ({n} random stops and times): {}",
        percentiles(times)
    );

    let queries = [
        "ben thanh",
        "cho lon",
        "hai thuong lan ong",
        "nguyen van cu",
        "b",
        "ben xe mien dong",
        "q5 016",
    ];
    let mut times = Vec::new();
    for _ in 0..if quick { 1 } else { 50 } {
        for q in queries {
            let started = Instant::now();
            core.bus_stops(q).expect("search");
            times.push(started.elapsed());
        }
    }
    println!(
        "stop search ({} queries): {}",
        times.len(),
        percentiles(times)
    );

    let options = |when: String| JourneyOptions {
        at: Some(when),
        ..JourneyOptions::default()
    };
    let started = Instant::now();
    core.bus_journey(&stops[0], &stops[1], &options("2025-12-01T07:00".into()))
        .expect("journey");
    println!(
        "first journey of the day (lays the day out): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::with_capacity(n);
    let mut answered = 0;
    for _ in 0..n {
        let from = &stops[rng.below(stops.len() as u64) as usize];
        let to = &stops[rng.below(stops.len() as u64) as usize];
        let when = format!("2025-12-01T{:02}:{:02}", 5 + rng.below(15), rng.below(60));
        let started = Instant::now();
        let found = core.bus_journey(from, to, &options(when)).expect("journey");
        times.push(started.elapsed());
        answered += usize::from(!found.is_empty());
    }
    println!(
        "journeys through Core ({n} pairs, <= 2 transfers, walk <= 500 m, answers with names): {}; {answered} answered",
        percentiles(times)
    );
}
