//! Any bytes given to GTFS ingest as a zip give a network or a report, never a panic,
//! and a network that ingest accepts always passes its own consistency check.
#![no_main]

use std::io::Write;

use congdan_transit::ingest::{self, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else { return };
    if file.write_all(data).is_err() {
        return;
    }
    let limits = Limits { max_zip_bytes: 1 << 20, max_entry_bytes: 4 << 20, max_total_bytes: 8 << 20, max_ratio: 100 };
    if let Ok(got) = ingest::read_zip(file.path(), &limits) {
        assert!(got.network.check().is_ok());
    }
});
