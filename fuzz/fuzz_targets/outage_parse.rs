//! Any bytes given to the outage-schedule parser either parse or fail cleanly;
//! every accepted cut has an area and ends after it starts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(schedule) = congdan_sources::outages::parse(data, None) {
        for cut in schedule.cuts.items {
            assert!(cut.end > cut.start && !cut.area.is_empty());
        }
    }
});
