//! One service day laid out for planning. Times are seconds after the reference time of the
//! query date D; the day holds the trips of D, the trips of D-1 still running after midnight
//! (GTFS times past 24:00, shifted by a day) and the trips of D+1 leaving before 06:00 of D+1.
//!
//! RAPTOR needs trips of a route that never overtake one another, so the trips of each
//! pattern are split greedily into "FIFO chains": a trip joins the first chain whose last trip
//! is at or before it at every stop. Interpolated timetables (like HCMC's) do overtake.

use crate::network::{Footpath, Network, Service, decode_times};
use crate::service::ServiceDate;

/// Seconds in a day.
pub const DAY: i32 = 86_400;
/// Trips of the next day are kept when they leave before this many seconds of the next day.
pub const NEXT_DAY_HORIZON: i32 = 6 * 3600;

/// A trip as the caller knows it, with the day it runs on relative to the query date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TripRef {
    /// The caller's trip number (the index into [`Network::trips`] for a network).
    pub trip: u32,
    /// -1, 0 or 1: the service day of this run relative to the query date.
    pub day: i8,
}

/// One trip run offered to [`DayTimetable::build`].
pub struct Run {
    /// Which trip and day.
    pub trip: TripRef,
    /// The caller's pattern number; runs of one pattern share its stops.
    pub pattern: u32,
    /// `(arrival, departure)` per stop, seconds of the run's own service day.
    pub times: Vec<(u32, u32)>,
}

/// Trips of one pattern that never overtake each other, ready for scanning.
pub struct DayRoute {
    /// The caller's pattern number.
    pub pattern: u32,
    /// Stops in travel order.
    pub stops: Vec<u32>,
    /// Runs, earliest first.
    pub trips: Vec<TripRef>,
    /// `(arrival, departure)` relative to the query date, `trips.len() × stops.len()`, row per trip.
    times: Vec<(i32, i32)>,
}

impl DayRoute {
    /// Arrival and departure of trip row `t` at stop position `i`.
    pub fn at(&self, t: usize, i: usize) -> (i32, i32) {
        self.times[t * self.stops.len() + i]
    }

    /// The first trip row leaving position `i` at or after `ready`.
    pub fn earliest_trip(&self, i: usize, ready: i32) -> Option<usize> {
        // Trips are FIFO, so departures at `i` are sorted: binary search.
        let (mut lo, mut hi) = (0usize, self.trips.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.at(mid, i).1 < ready {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < self.trips.len()).then_some(lo)
    }
}

/// A walk from a stop, as the planner reads it.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    /// Stop walked to.
    pub to: u32,
    /// Metres.
    pub meters: u32,
    /// Seconds.
    pub seconds: u32,
}

/// Everything the planner needs for journeys starting on one date.
pub struct DayTimetable {
    /// The query date the times are relative to.
    pub date: ServiceDate,
    /// FIFO routes of the day.
    pub routes: Vec<DayRoute>,
    /// For each stop, `(route, position)` pairs serving it.
    pub stop_routes: Vec<Vec<(u32, u32)>>,
    /// For each stop, its footpaths.
    pub walks: Vec<Vec<Walk>>,
}

impl DayTimetable {
    /// Lays out `runs` (any order) of patterns whose stops are `pattern_stops` for `date`.
    /// Runs whose time count does not match their pattern are skipped.
    pub fn build(
        date: ServiceDate,
        stop_count: usize,
        pattern_stops: &[Vec<u32>],
        mut runs: Vec<Run>,
        footpaths: &[Footpath],
    ) -> DayTimetable {
        let shift = |r: &Run| i32::from(r.trip.day) * DAY;
        // Runs of unknown patterns, with the wrong number of times, or through stops past
        // `stop_count` are dropped, so planning never indexes out of bounds.
        runs.retain(|r| {
            pattern_stops.get(r.pattern as usize).is_some_and(|s| {
                s.len() == r.times.len()
                    && !s.is_empty()
                    && s.iter().all(|&x| (x as usize) < stop_count)
            })
        });
        runs.sort_by_key(|r| (r.pattern, r.times[0].1 as i32 + shift(r), r.trip.trip));
        let mut routes: Vec<DayRoute> = Vec::new();
        let mut start = 0;
        while start < runs.len() {
            let pattern = runs[start].pattern;
            let end = start
                + runs[start..]
                    .iter()
                    .take_while(|r| r.pattern == pattern)
                    .count();
            let stops = &pattern_stops[pattern as usize];
            let first_chain = routes.len();
            for run in &runs[start..end] {
                let off = shift(run);
                let row: Vec<(i32, i32)> = run
                    .times
                    .iter()
                    .map(|&(a, d)| (a as i32 + off, d as i32 + off))
                    .collect();
                let fits = |r: &DayRoute| {
                    let last = r.trips.len() - 1;
                    (0..stops.len()).all(|i| {
                        let (a, d) = r.at(last, i);
                        a <= row[i].0 && d <= row[i].1
                    })
                };
                match routes[first_chain..].iter_mut().find(|r| fits(r)) {
                    Some(r) => {
                        r.trips.push(run.trip);
                        r.times.extend_from_slice(&row);
                    }
                    None => routes.push(DayRoute {
                        pattern,
                        stops: stops.clone(),
                        trips: vec![run.trip],
                        times: row,
                    }),
                }
            }
            start = end;
        }
        let mut stop_routes = vec![Vec::new(); stop_count];
        for (r, route) in routes.iter().enumerate() {
            for (i, &s) in route.stops.iter().enumerate() {
                if let Some(list) = stop_routes.get_mut(s as usize) {
                    list.push((r as u32, i as u32));
                }
            }
        }
        let mut walks = vec![Vec::new(); stop_count];
        for f in footpaths {
            if (f.to as usize) < stop_count
                && let Some(list) = walks.get_mut(f.from as usize)
            {
                list.push(Walk {
                    to: f.to,
                    meters: f.meters,
                    seconds: f.seconds,
                });
            }
        }
        DayTimetable {
            date,
            routes,
            stop_routes,
            walks,
        }
    }

    /// The runs of `network` that matter for journeys starting on `date` (see the module doc).
    pub fn runs(network: &Network, date: ServiceDate) -> Vec<Run> {
        let trips = network
            .trips
            .iter()
            .enumerate()
            .map(|(t, trip)| (t as u32, trip.pattern, trip.service, trip.times.as_slice()));
        Self::runs_from(&network.services, date, trips)
    }

    /// The runs that matter for journeys starting on `date`, from trips given as
    /// `(trip number, pattern, service, delta-encoded times)` (a device reads them from
    /// its store). Trips of unknown services are skipped.
    pub fn runs_from<'a>(
        services: &[Service],
        date: ServiceDate,
        trips: impl IntoIterator<Item = (u32, u32, u32, &'a [u32])>,
    ) -> Vec<Run> {
        let days = [(-1i8, date.pred()), (0, date), (1, date.succ())];
        let running: Vec<[bool; 3]> = services
            .iter()
            .map(|s| days.map(|(_, d)| s.runs_on(d)))
            .collect();
        let mut runs = Vec::new();
        for (trip, pattern, service, packed) in trips {
            let Some(on) = running.get(service as usize) else {
                continue;
            };
            if !on.iter().any(|&b| b) {
                continue;
            }
            let times = decode_times(packed);
            let (Some(first), Some(last)) = (times.first(), times.last()) else {
                continue;
            };
            for (k, &(day, _)) in days.iter().enumerate() {
                let wanted = match day {
                    -1 => last.0 as i32 >= DAY,
                    0 => true,
                    _ => (first.1 as i32) < NEXT_DAY_HORIZON,
                };
                if on[k] && wanted {
                    runs.push(Run {
                        trip: TripRef { trip, day },
                        pattern,
                        times: times.clone(),
                    });
                }
            }
        }
        runs
    }

    /// The day of a whole in-memory network (tests, benchmarks and the server).
    pub fn of_network(network: &Network, date: ServiceDate) -> DayTimetable {
        let pattern_stops: Vec<Vec<u32>> =
            network.patterns.iter().map(|p| p.stops.clone()).collect();
        DayTimetable::build(
            date,
            network.stops.len(),
            &pattern_stops,
            Self::runs(network, date),
            &network.footpaths,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(trip: u32, day: i8, times: &[(u32, u32)]) -> Run {
        Run {
            trip: TripRef { trip, day },
            pattern: 0,
            times: times.to_vec(),
        }
    }

    #[test]
    fn overtaking_trips_go_to_separate_chains_and_yesterdays_late_trip_comes_first() {
        let date = ServiceDate::from_yyyymmdd(20251201).expect("valid date");
        let runs = vec![
            run(0, 0, &[(600, 600), (1200, 1200)]),
            run(1, 0, &[(700, 700), (1000, 1000)]), // overtakes trip 0
            run(2, -1, &[(86_500, 86_500), (86_700, 86_700)]), // yesterday's 24:01:40
        ];
        let day = DayTimetable::build(date, 2, &[vec![0, 1]], runs, &[]);
        assert_eq!(day.routes.len(), 2);
        assert_eq!(
            day.routes[0].trips,
            vec![TripRef { trip: 2, day: -1 }, TripRef { trip: 0, day: 0 }]
        );
        assert_eq!(day.routes[0].at(0, 0), (100, 100));
        assert_eq!(day.routes[1].trips, vec![TripRef { trip: 1, day: 0 }]);
        assert_eq!(day.routes[0].earliest_trip(0, 101), Some(1));
        assert_eq!(day.routes[0].earliest_trip(0, 601), None);
    }
}
