//! Replays the fuzz corpora (fuzz/corpus/gtfs_zip, fuzz/corpus/bus_network: seeds from the
//! real feeds plus what fuzzing found) through the same checks as the fuzz targets, so
//! `make test` catches a regression without nightly or cargo-fuzz.

use std::io::Write;

use congdan_transit::ingest::{self, Limits};
use congdan_transit::raptor::{self, Place, Query};
use congdan_transit::{DayTimetable, Network, ServiceDate};

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../fuzz/corpus/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            let path = e.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir} has seeds");
    files
}

#[test]
fn gtfs_zip_corpus_gives_networks_or_reports() {
    for (name, bytes) in corpus("gtfs_zip") {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&bytes).unwrap();
        if let Ok(got) = ingest::read_zip(file.path(), &Limits::default()) {
            assert!(got.network.check().is_ok(), "{name}");
        }
    }
}

#[test]
fn bus_network_corpus_decodes_or_is_refused_and_plans_without_panic() {
    let date = ServiceDate::from_yyyymmdd(20251201).unwrap();
    let mut decoded = 0;
    for (_, bytes) in corpus("bus_network") {
        let Ok(network) = Network::from_wire(&bytes).or_else(|_| Network::decode(&bytes)) else {
            continue;
        };
        decoded += 1;
        let day = DayTimetable::of_network(&network, date);
        let n = network.stops.len() as u32;
        if n >= 2 {
            let q = Query {
                from: Place::Stop(0),
                to: Place::Stop(n - 1),
                depart: 6 * 3600,
                max_transfers: 2,
                max_walk_m: 500,
                min_change_s: 60,
            };
            for j in raptor::plan(&day, &q) {
                assert!(j.arrival >= j.departure);
            }
        }
    }
    assert!(decoded > 0, "the seeds include real networks");
}
