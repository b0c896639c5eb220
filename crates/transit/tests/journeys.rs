//! Journey correctness on the real Ho Chi Minh City feed: for hundreds of seeded random stop
//! pairs and times, RAPTOR's earliest arrival equals an exhaustive search written here (a
//! connection scan in rounds over every trip of the three service days, with the same rules),
//! with and without walking; and every bus leg is a real ride of its trip.

use std::path::Path;
use std::sync::OnceLock;

use congdan_transit::ingest::{self, Limits};
use congdan_transit::raptor::{self, LegKind, Place, Query};
use congdan_transit::timetable::{DAY, NEXT_DAY_HORIZON};
use congdan_transit::{DayTimetable, Network, ServiceDate};

const INF: i32 = i32::MAX;

fn network() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/gtfs/hcmc-real.zip");
        ingest::read_zip(&zip, &Limits::default())
            .expect("demo feed ingests")
            .network
    })
}

/// splitmix64: a seeded generator, so a failure names a reproducible pair.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One hop of one trip run: (departure, arrival, from stop, to stop, run number).
type Connection = (i32, i32, u32, u32, u32);

/// Every hop of every trip running on the day before and the day of `date`, and of the trips of
/// the day after leaving before the documented horizon (06:00).
fn connections(net: &Network, date: ServiceDate) -> Vec<Connection> {
    let mut out = Vec::new();
    let mut run = 0u32;
    for (shift, day) in [(-DAY, date.pred()), (0, date), (DAY, date.succ())] {
        for trip in &net.trips {
            if !net.services[trip.service as usize].runs_on(day) {
                continue;
            }
            let stops = &net.patterns[trip.pattern as usize].stops;
            let times = trip.stop_times();
            if shift == DAY && times[0].1 as i32 >= NEXT_DAY_HORIZON {
                continue;
            }
            for i in 1..stops.len() {
                out.push((
                    times[i - 1].1 as i32 + shift,
                    times[i].0 as i32 + shift,
                    stops[i - 1],
                    stops[i],
                    run,
                ));
            }
            run += 1;
        }
    }
    out.sort_by_key(|c| c.0);
    out
}

/// Earliest arrival at stop `to` from stop `from` with at most `q.max_transfers + 1` buses,
/// by brute force.
fn exhaustive(
    net: &Network,
    conns: &[Connection],
    runs: usize,
    (from, to): (u32, u32),
    q: &Query,
) -> Option<i32> {
    let n = net.stops.len();
    let walks = |p: u32| {
        net.footpaths
            .iter()
            .filter(move |f| f.from == p && q.max_walk_m > 0 && f.meters <= q.max_walk_m)
    };
    let mut best_bus = vec![INF; n];
    let mut best_foot = vec![INF; n];
    best_foot[from as usize] = q.depart;
    for f in walks(from) {
        best_foot[f.to as usize] = best_foot[f.to as usize].min(q.depart + f.seconds as i32);
    }
    for _ in 0..=q.max_transfers {
        let ready: Vec<i32> = (0..n)
            .map(|p| best_foot[p].min(best_bus[p].saturating_add(q.min_change_s as i32)))
            .collect();
        let mut on_board = vec![false; runs];
        let mut new_bus = vec![INF; n];
        for &(dep, arr, from, to, run) in conns {
            if on_board[run as usize] || ready[from as usize] <= dep {
                on_board[run as usize] = true;
                new_bus[to as usize] = new_bus[to as usize].min(arr);
            }
        }
        let mut new_foot = vec![INF; n];
        for (p, &at) in new_bus.iter().enumerate() {
            if at < INF {
                for f in walks(p as u32) {
                    new_foot[f.to as usize] = new_foot[f.to as usize].min(at + f.seconds as i32);
                }
            }
        }
        for p in 0..n {
            best_bus[p] = best_bus[p].min(new_bus[p]);
            best_foot[p] = best_foot[p].min(new_foot[p]);
        }
    }
    let best = best_bus[to as usize].min(best_foot[to as usize]);
    (best < INF && from != to).then_some(best)
}

fn check_pairs(seed: u64, pairs: usize, max_walk_m: u32, min_change_s: u32) {
    let net = network();
    let date = ServiceDate::from_yyyymmdd(20251201).expect("a Monday");
    let day = DayTimetable::of_network(net, date);
    let conns = connections(net, date);
    let runs = conns.iter().map(|c| c.4 as usize + 1).max().unwrap_or(0);
    let mut rng = Rng(seed);
    let mut found = 0;
    for i in 0..pairs {
        let (from, to) = (
            rng.below(net.stops.len() as u64) as u32,
            rng.below(net.stops.len() as u64) as u32,
        );
        let q = Query {
            from: Place::Stop(from),
            to: Place::Stop(to),
            depart: 5 * 3600 + rng.below(15 * 3600) as i32,
            max_transfers: 2,
            max_walk_m,
            min_change_s,
        };
        let plans = raptor::plan(&day, &q);
        let expected = exhaustive(net, &conns, runs, (from, to), &q);
        let got = plans.iter().map(|j| j.arrival).min();
        assert_eq!(got, expected, "pair {i} (seed {seed}): {q:?}");
        if got.is_some() {
            found += 1;
        }
        for j in &plans {
            assert!(j.departure >= q.depart, "{q:?} leaves before asked: {j:?}");
            assert!(j.transfers <= 2);
            assert_eq!(j.legs.first().map(|l| l.from), Some(Some(from)));
            assert_eq!(j.legs.last().map(|l| l.to), Some(Some(to)));
            for w in j.legs.windows(2) {
                assert_eq!(w[0].to, w[1].from, "legs join up");
                assert!(w[0].arrival <= w[1].departure, "legs in time order: {j:?}");
            }
            for leg in j.legs.iter().filter(|l| l.kind == LegKind::Bus) {
                assert_real_ride(net, leg);
            }
        }
    }
    assert!(
        found > pairs / 2,
        "most random pairs are connected in one city ({found}/{pairs})"
    );
}

/// The trip visits `from` at the leg's departure and then `to` at its arrival.
fn assert_real_ride(net: &Network, leg: &congdan_transit::Leg) {
    let r = leg.trip.expect("bus legs name their trip");
    let trip = &net.trips[r.trip as usize];
    let stops = &net.patterns[trip.pattern as usize].stops;
    let times = trip.stop_times();
    let shift = i32::from(r.day) * DAY;
    let board = (0..stops.len())
        .find(|&i| Some(stops[i]) == leg.from && times[i].1 as i32 + shift == leg.departure);
    let board = board.unwrap_or_else(|| {
        panic!(
            "trip {} does not leave {:?} at {}",
            trip.id, leg.from, leg.departure
        )
    });
    assert!(
        (board + 1..stops.len())
            .any(|i| Some(stops[i]) == leg.to && times[i].0 as i32 + shift == leg.arrival),
        "trip {} does not reach {:?} at {} after boarding",
        trip.id,
        leg.to,
        leg.arrival
    );
}

#[test]
fn earliest_arrival_matches_exhaustive_search_with_walking() {
    check_pairs(8, 200, 500, 60);
}

#[test]
fn earliest_arrival_matches_exhaustive_search_without_walking() {
    check_pairs(2012, 200, 0, 0);
}
