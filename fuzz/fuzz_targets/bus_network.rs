//! Any bytes a server sends as a bus network are refused or decode into a network that can
//! be laid out and planned on without a panic.
#![no_main]

use congdan_transit::raptor::{self, Place, Query};
use congdan_transit::{DayTimetable, Network, ServiceDate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = Network::from_wire(data).or_else(|_| Network::decode(data));
    let Ok(network) = decoded else { return };
    let Some(date) = ServiceDate::from_yyyymmdd(20251201) else { return };
    let day = DayTimetable::of_network(&network, date);
    let n = network.stops.len() as u32;
    if n >= 2 {
        let q = Query { from: Place::Stop(0), to: Place::Stop(n - 1), depart: 6 * 3600, max_transfers: 2, max_walk_m: 500, min_change_s: 60 };
        for j in raptor::plan(&day, &q) {
            assert!(j.arrival >= j.departure);
        }
    }
});
