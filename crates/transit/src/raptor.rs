//! Journey planning with McRAPTOR, the multi-criteria form of RAPTOR (Delling, Pajor,
//! Werneck: "Round-Based Public Transit Routing", 2012). Round k finds, for every stop, the
//! Pareto set ("bag") of labels (arrival, metres walked) reachable with k buses; the number of
//! buses is the round, so the journeys read at the destination form a Pareto set over
//! (arrival, transfers, walking). Each round scans every route through a stop that got a new
//! label in the round before, carrying a route bag of (trip, walking) pairs, then relaxes
//! footpaths from the stops a bus reached. docs/TRANSIT.md says why bags and not two passes.
//!
//! Rules (the exhaustive test in `tests/journeys.rs` checks the same ones independently):
//! - a stop keeps two bags, "arrived by bus" and "arrived on foot" (or the start); boarding
//!   needs `bus + min_change` or `foot`, at or before the departure;
//! - walks start at the origin stop or where a bus was left, never after another walk, and
//!   only along footpaths of at most `max_walk_m` metres;
//! - a journey may start or end at a point instead of a stop ([`Place::Point`]): every stop
//!   within walking distance is a start (at `depart` plus its walk) or an end (plus its walk),
//!   so one search covers all of them; the walk from the point is the journey's first walk.
//! - a label is dropped when a label of the same stop and kind from this or an earlier round
//!   is at least as early with no more walking (in [`WALK_STEP_M`] steps), when a bus label
//!   there is ready to board as early with no more walking (for a foot label), or when a
//!   journey already found is.

use crate::timetable::{DayTimetable, TripRef};

/// Walking is compared in steps of this many metres: 30 m more to cross a street is not a
/// different journey to a rider, and coarser steps keep the bags, hence the query, small
/// (docs/TRANSIT.md). Between journeys in the same step and at the same time, the one with
/// fewer metres wins; arrival and transfers are compared exactly.
pub const WALK_STEP_M: u32 = 100;

/// Whether `a` = (time or trip, metres walked) makes `b` useless: no later, and no more
/// walking counted in [`WALK_STEP_M`] steps (exact metres decide between equals).
fn covers(a: (i32, u32), b: (i32, u32)) -> bool {
    let (sa, sb) = (a.1 / WALK_STEP_M, b.1 / WALK_STEP_M);
    a.0 <= b.0 && sa <= sb && (a.0 < b.0 || sa < sb || a.1 <= b.1)
}

/// A stop reached on foot from the point of a query (or the point reached from a stop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// The stop.
    pub stop: u32,
    /// Metres walked between the point and the stop.
    pub meters: u32,
    /// Seconds of that walk.
    pub seconds: u32,
}

/// One end of a journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A stop (index into the network's stops).
    Stop(u32),
    /// A point, given as the stops within walking distance of it
    /// ([`crate::footpaths::access`] computes them); no stop near means no journey.
    Point(Vec<Access>),
}

/// What to plan.
#[derive(Debug, Clone)]
pub struct Query {
    /// Where to leave from.
    pub from: Place,
    /// Where to go.
    pub to: Place,
    /// Earliest departure, seconds after the reference time of the timetable's date.
    pub depart: i32,
    /// Most changes of bus (at most `max_transfers + 1` buses).
    pub max_transfers: u8,
    /// Longest single walk between stops in metres; 0 means no walking between different stops.
    /// The walks from and to a point are given by [`Place::Point`], not limited here.
    pub max_walk_m: u32,
    /// Spare seconds needed to change bus at the same stop.
    pub min_change_s: u32,
}

/// Walk or bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegKind {
    /// On foot between two stops, or between the point of the query and a stop.
    Walk,
    /// On board a trip.
    Bus,
}

/// One part of a journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    /// Walk or bus.
    pub kind: LegKind,
    /// Stop where it starts; `None` is the point the query leaves from.
    pub from: Option<u32>,
    /// Stop where it ends; `None` is the point the query goes to.
    pub to: Option<u32>,
    /// Departure, seconds relative to the timetable date.
    pub departure: i32,
    /// Arrival, seconds relative to the timetable date.
    pub arrival: i32,
    /// The trip ridden (bus legs).
    pub trip: Option<TripRef>,
    /// The caller's pattern number of the trip (bus legs).
    pub pattern: Option<u32>,
    /// Metres walked (walk legs).
    pub meters: u32,
}

/// A way from A to B.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journey {
    /// Departure of the first leg.
    pub departure: i32,
    /// Arrival of the last leg.
    pub arrival: i32,
    /// Changes of bus.
    pub transfers: u8,
    /// Metres walked in total.
    pub walk_m: u32,
    /// Legs in order.
    pub legs: Vec<Leg>,
}

/// How a label got to its stop.
#[derive(Clone, Copy)]
enum How {
    /// The origin stop itself (`None`), or the end of the walk from the origin point.
    Start(Option<Access>),
    /// A footpath from the stop where a bus (or the origin stop) was left.
    Walk {
        from: u32,
        meters: u32,
        seconds: u32,
    },
    /// Off a bus: route row (trip), boarding and alighting positions.
    Bus {
        route: u32,
        row: u32,
        board: u32,
        alight: u32,
    },
}

/// One way to be at a stop: the arena entry of McRAPTOR.
#[derive(Clone, Copy)]
struct Label {
    stop: u32,
    arr: i32,
    walk: u32,
    round: u8,
    how: How,
    /// The label this one continues (`NONE` for a start).
    prev: u32,
    /// Dominated by a later label of the same round: no longer extended.
    dead: bool,
}

const NONE: u32 = u32::MAX;

impl Label {
    fn by_bus(&self) -> bool {
        matches!(self.how, How::Bus { .. })
    }

    /// A footpath may start here: off a bus, or at the origin stop itself.
    fn may_walk(&self) -> bool {
        matches!(self.how, How::Bus { .. } | How::Start(None))
    }
}

/// A journey found at the destination: its label, the walk from it to a point, and totals.
#[derive(Clone, Copy)]
struct Arrival {
    label: u32,
    egress: Option<Access>,
    arr: i32,
    walk: u32,
}

/// The state of one search.
struct Search<'a> {
    day: &'a DayTimetable,
    q: &'a Query,
    labels: Vec<Label>,
    /// Pareto bags over every round so far, per stop: by bus and on foot.
    best_bus: Vec<Vec<u32>>,
    best_foot: Vec<Vec<u32>>,
    /// For a point destination, the walk from each stop to it.
    egress: Vec<Option<Access>>,
    arrivals: Vec<Arrival>,
    /// The (arrival, walking) pairs of `arrivals` that no other covers, for pruning.
    front: Vec<(i32, u32)>,
    round: u8,
}

impl Search<'_> {
    /// Adds a label unless it is dominated; returns its number. Besides labels of its own
    /// kind, a foot label is dominated by a bus label that is ready to board (arrival plus
    /// change time) no later with no more walking: that one boards the same buses and may
    /// also walk on.
    fn insert(&mut self, label: Label) -> Option<u32> {
        let key = (label.arr, label.walk);
        if self.front.iter().any(|&f| covers(f, key)) {
            return None;
        }
        let stop = label.stop as usize;
        let change = self.q.min_change_s as i32;
        let ready = |o: &Label| (o.arr.saturating_add(change), o.walk);
        let labels = &mut self.labels;
        let covered = if label.by_bus() {
            self.best_bus[stop]
                .iter()
                .any(|&l| covers((labels[l as usize].arr, labels[l as usize].walk), key))
        } else {
            self.best_foot[stop]
                .iter()
                .any(|&l| covers((labels[l as usize].arr, labels[l as usize].walk), key))
                || self.best_bus[stop]
                    .iter()
                    .any(|&l| covers(ready(&labels[l as usize]), key))
        };
        if covered {
            return None;
        }
        let round = label.round;
        let mut drop = |bag: &mut Vec<u32>, by: (i32, u32)| {
            bag.retain(|&l| {
                let o = &mut labels[l as usize];
                let worse = covers(by, (o.arr, o.walk));
                if worse && o.round == round {
                    o.dead = true;
                }
                !worse
            });
        };
        if label.by_bus() {
            drop(&mut self.best_bus[stop], key);
            drop(&mut self.best_foot[stop], ready(&label));
        } else {
            drop(&mut self.best_foot[stop], key);
        }
        let id = labels.len() as u32;
        labels.push(label);
        if label.by_bus() {
            self.best_bus[stop].push(id);
        } else {
            self.best_foot[stop].push(id);
        }
        self.reached(id);
        Some(id)
    }

    /// Records a journey if label `id` is at (or a walk away from) the destination.
    fn reached(&mut self, id: u32) {
        let l = self.labels[id as usize];
        let (egress, extra) = match &self.q.to {
            Place::Stop(t) if *t == l.stop => (None, (0, 0)),
            Place::Point(_) if l.may_walk() => match self.egress[l.stop as usize] {
                Some(a) => (Some(a), (a.seconds as i32, a.meters)),
                None => return,
            },
            _ => return,
        };
        let arrival = Arrival {
            label: id,
            egress,
            arr: l.arr.saturating_add(extra.0),
            walk: l.walk.saturating_add(extra.1),
        };
        let key = (arrival.arr, arrival.walk);
        self.arrivals.push(arrival);
        if !self.front.iter().any(|&f| covers(f, key)) {
            self.front.retain(|&f| !covers(key, f));
            self.front.push(key);
        }
    }

    /// Footpaths from the labels in `from` (those that may walk); returns the new foot labels.
    fn relax_footpaths(&mut self, from: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        let day = self.day;
        let max = self.q.max_walk_m;
        for &id in from {
            let l = self.labels[id as usize];
            if l.dead || !l.may_walk() {
                continue;
            }
            for w in day.walks[l.stop as usize]
                .iter()
                .filter(|w| max > 0 && w.meters <= max)
            {
                let new = Label {
                    stop: w.to,
                    arr: l.arr.saturating_add(w.seconds as i32),
                    walk: l.walk.saturating_add(w.meters),
                    round: self.round,
                    how: How::Walk {
                        from: l.stop,
                        meters: w.meters,
                        seconds: w.seconds,
                    },
                    prev: id,
                    dead: false,
                };
                out.extend(self.insert(new));
            }
        }
        out
    }

    /// Round `self.round`: every route through a stop of `fresh` (the labels of the round
    /// before), boarding from those labels; returns the new bus labels.
    fn scan_routes(&mut self, fresh: &[u32]) -> Vec<u32> {
        let day = self.day;
        let change = self.q.min_change_s as i32;
        let n = day.stop_routes.len();
        let mut at_stop: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut route_start = vec![u32::MAX; day.routes.len()];
        let mut queue = Vec::new();
        for &id in fresh {
            let l = self.labels[id as usize];
            if l.dead {
                continue;
            }
            let p = l.stop as usize;
            if at_stop[p].is_empty() {
                for &(route, pos) in &day.stop_routes[p] {
                    let s = &mut route_start[route as usize];
                    if *s == u32::MAX {
                        queue.push(route);
                    }
                    *s = (*s).min(pos);
                }
            }
            at_stop[p].push(id);
        }
        let mut new = Vec::new();
        // (trip row, boarding position, walking, label boarded from), Pareto on (row, walking).
        let mut bag: Vec<(usize, usize, u32, u32)> = Vec::new();
        for route in queue {
            let dr = &day.routes[route as usize];
            bag.clear();
            for i in route_start[route as usize] as usize..dr.stops.len() {
                let p = dr.stops[i];
                for &(row, board, walk, prev) in &bag {
                    let label = Label {
                        stop: p,
                        arr: dr.at(row, i).0,
                        walk,
                        round: self.round,
                        how: How::Bus {
                            route,
                            row: row as u32,
                            board: board as u32,
                            alight: i as u32,
                        },
                        prev,
                        dead: false,
                    };
                    new.extend(self.insert(label));
                }
                for &id in &at_stop[p as usize] {
                    let l = self.labels[id as usize];
                    let ready = if l.by_bus() {
                        l.arr.saturating_add(change)
                    } else {
                        l.arr
                    };
                    let Some(row) = dr.earliest_trip(i, ready) else {
                        continue;
                    };
                    let key = (row as i32, l.walk);
                    if bag.iter().any(|e| covers((e.0 as i32, e.2), key)) {
                        continue;
                    }
                    bag.retain(|e| !covers(key, (e.0 as i32, e.2)));
                    bag.push((row, i, l.walk, id));
                }
            }
        }
        new
    }

    /// The legs of arrival `a`, first to last.
    fn rebuild(&self, a: &Arrival) -> Option<Journey> {
        let mut legs = Vec::new();
        if let Some(e) = a.egress {
            let at = self.labels.get(a.label as usize)?.arr;
            legs.push(Leg {
                kind: LegKind::Walk,
                from: Some(e.stop),
                to: None,
                departure: at,
                arrival: at.saturating_add(e.seconds as i32),
                trip: None,
                pattern: None,
                meters: e.meters,
            });
        }
        let mut id = a.label;
        while id != NONE {
            let l = self.labels.get(id as usize)?;
            let walk = |from: Option<u32>, meters: u32, seconds: u32| Leg {
                kind: LegKind::Walk,
                from,
                to: Some(l.stop),
                departure: l.arr - seconds as i32,
                arrival: l.arr,
                trip: None,
                pattern: None,
                meters,
            };
            match l.how {
                How::Start(None) => {}
                How::Start(Some(access)) => legs.push(walk(None, access.meters, access.seconds)),
                How::Walk {
                    from,
                    meters,
                    seconds,
                } => legs.push(walk(Some(from), meters, seconds)),
                How::Bus {
                    route,
                    row,
                    board,
                    alight,
                } => {
                    let dr = self.day.routes.get(route as usize)?;
                    legs.push(Leg {
                        kind: LegKind::Bus,
                        from: Some(dr.stops[board as usize]),
                        to: Some(dr.stops[alight as usize]),
                        departure: dr.at(row as usize, board as usize).1,
                        arrival: dr.at(row as usize, alight as usize).0,
                        trip: Some(dr.trips[row as usize]),
                        pattern: Some(dr.pattern),
                        meters: 0,
                    });
                }
            }
            id = l.prev;
        }
        legs.reverse();
        // Leave just in time for the first bus.
        if let [first, second, ..] = legs.as_mut_slice()
            && first.kind == LegKind::Walk
            && second.kind == LegKind::Bus
        {
            let secs = first.arrival - first.departure;
            first.arrival = second.departure;
            first.departure = second.departure - secs;
        }
        let buses = legs.iter().filter(|l| l.kind == LegKind::Bus).count();
        Some(Journey {
            departure: legs.first()?.departure,
            arrival: legs.last()?.arrival,
            transfers: buses.saturating_sub(1) as u8,
            walk_m: legs.iter().map(|l| l.meters).sum(),
            legs,
        })
    }
}

/// The Pareto set of journeys for `q` over (arrival, transfers, walking), earliest arrival
/// first (ties: fewer transfers, less walking, later departure); empty when there is none or
/// both ends are the same stop.
pub fn plan(day: &DayTimetable, q: &Query) -> Vec<Journey> {
    let n = day.stop_routes.len();
    let valid = |p: &Place| match p {
        Place::Stop(s) => (*s as usize) < n,
        Place::Point(list) => list.iter().all(|a| (a.stop as usize) < n),
    };
    if !valid(&q.from)
        || !valid(&q.to)
        || matches!((&q.from, &q.to), (Place::Stop(a), Place::Stop(b)) if a == b)
    {
        return Vec::new();
    }
    let mut egress = Vec::new();
    if let Place::Point(list) = &q.to {
        egress = vec![None; n];
        for a in list {
            egress[a.stop as usize] = Some(*a);
        }
    }
    let mut s = Search {
        day,
        q,
        labels: Vec::new(),
        best_bus: vec![Vec::new(); n],
        best_foot: vec![Vec::new(); n],
        egress,
        arrivals: Vec::new(),
        front: Vec::new(),
        round: 0,
    };
    let start = |stop: u32, how: How, arr: i32, walk: u32| Label {
        stop,
        arr,
        walk,
        round: 0,
        how,
        prev: NONE,
        dead: false,
    };
    let mut fresh: Vec<u32> = Vec::new();
    match &q.from {
        Place::Stop(from) => {
            fresh.extend(s.insert(start(*from, How::Start(None), q.depart, 0)));
            let walked = s.relax_footpaths(&fresh);
            fresh.extend(walked);
        }
        Place::Point(list) => {
            for a in list {
                let at = q.depart.saturating_add(a.seconds as i32);
                fresh.extend(s.insert(start(a.stop, How::Start(Some(*a)), at, a.meters)));
            }
        }
    }
    for k in 1..=q.max_transfers.saturating_add(1) {
        if fresh.is_empty() {
            break;
        }
        s.round = k;
        let by_bus = s.scan_routes(&fresh);
        let on_foot = s.relax_footpaths(&by_bus);
        fresh = by_bus;
        fresh.extend(on_foot);
    }
    let mut all: Vec<Journey> = s.arrivals.iter().filter_map(|a| s.rebuild(a)).collect();
    all.sort_by_key(|j| {
        (
            j.arrival,
            j.transfers,
            j.walk_m,
            std::cmp::Reverse(j.departure),
        )
    });
    let mut kept: Vec<Journey> = Vec::new();
    for j in all {
        let dominated = kept.iter().any(|k| {
            k.transfers <= j.transfers && covers((k.arrival, k.walk_m), (j.arrival, j.walk_m))
        });
        if !dominated {
            kept.push(j);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Footpath;
    use crate::service::ServiceDate;
    use crate::timetable::Run;

    const H: u32 = 3600;
    const M: u32 = 60;

    /// A day of hand-made patterns, one trip each: `(stops, [(arrival, departure)])`.
    fn day(
        stops: usize,
        trips: &[(&[u32], &[u32])],
        footpaths: &[(u32, u32, u32)],
    ) -> DayTimetable {
        let pattern_stops: Vec<Vec<u32>> = trips.iter().map(|(s, _)| s.to_vec()).collect();
        let runs = trips
            .iter()
            .enumerate()
            .map(|(i, (_, times))| Run {
                trip: TripRef {
                    trip: i as u32,
                    day: 0,
                },
                pattern: i as u32,
                times: times.iter().map(|&t| (t, t)).collect(),
            })
            .collect();
        let footpaths: Vec<Footpath> = footpaths
            .iter()
            .map(|&(from, to, meters)| Footpath {
                from,
                to,
                meters,
                seconds: (f64::from(meters) / crate::footpaths::WALK_SPEED_MPS).ceil() as u32,
            })
            .collect();
        let date = ServiceDate::from_yyyymmdd(20251201).expect("valid date");
        DayTimetable::build(date, stops, &pattern_stops, runs, &footpaths)
    }

    fn query(from: Place, to: Place, depart: u32) -> Query {
        Query {
            from,
            to,
            depart: depart as i32,
            max_transfers: 2,
            max_walk_m: 500,
            min_change_s: 60,
        }
    }

    fn summary(plans: &[Journey]) -> Vec<(i32, u8, u32)> {
        plans
            .iter()
            .map(|j| (j.arrival, j.transfers, j.walk_m))
            .collect()
    }

    const A: u32 = 0;
    const B: u32 = 1;
    const C: u32 = 2;
    const D: u32 = 3;
    const E: u32 = 4;
    const F: u32 = 5;

    /// A to B three ways: bus 1 to C, walk 400 m to D, bus 2 arrives 08:20 (earliest); bus 1
    /// to E, walk 100 m to F, bus 4 arrives 08:30 (the middle option); bus 3 direct at 08:50
    /// (fewest transfers). An earliest-arrival pass and a pass without walking never see the
    /// middle one; a Pareto set over walking must.
    fn three_ways() -> DayTimetable {
        day(
            6,
            &[
                (&[A, C, E], &[7 * H, 7 * H + 10 * M, 7 * H + 15 * M]),
                (&[D, B], &[7 * H + 20 * M, 8 * H + 20 * M]),
                (&[A, B], &[7 * H + 5 * M, 8 * H + 50 * M]),
                (&[F, B], &[7 * H + 25 * M, 8 * H + 30 * M]),
            ],
            &[(C, D, 400), (E, F, 100)],
        )
    }

    #[test]
    fn the_pareto_set_keeps_the_option_with_less_walking_that_neither_pass_finds() {
        let plans = plan(
            &three_ways(),
            &query(Place::Stop(A), Place::Stop(B), 6 * H + 55 * M),
        );
        let (h, m) = (H as i32, M as i32);
        assert_eq!(
            summary(&plans),
            vec![
                (8 * h + 20 * m, 1, 400),
                (8 * h + 30 * m, 1, 100),
                (8 * h + 50 * m, 0, 0),
            ]
        );
        let middle = &plans[1];
        let kinds: Vec<_> = middle.legs.iter().map(|l| (l.kind, l.from, l.to)).collect();
        assert_eq!(
            kinds,
            vec![
                (LegKind::Bus, Some(A), Some(E)),
                (LegKind::Walk, Some(E), Some(F)),
                (LegKind::Bus, Some(F), Some(B)),
            ]
        );
        // With walking capped below 100 m only the direct bus is left.
        let mut q = query(Place::Stop(A), Place::Stop(B), 6 * H + 55 * M);
        q.max_walk_m = 99;
        assert_eq!(
            summary(&plan(&three_ways(), &q)),
            vec![(8 * h + 50 * m, 0, 0)]
        );
    }

    /// A point 60 s (72 m) from stop A and 600 s (720 m) from stop D of `three_ways`.
    #[test]
    fn a_journey_from_a_point_starts_at_every_stop_near_it_after_its_walk() {
        let day = three_ways();
        let here = Place::Point(vec![
            Access {
                stop: A,
                meters: 72,
                seconds: 60,
            },
            Access {
                stop: D,
                meters: 720,
                seconds: 600,
            },
        ]);
        // Leaving 06:50: A is reached at 06:51 (buses 1 and 3), D at 07:00 (bus 2 at 07:20:
        // 08:20 with no change but 720 m on foot, or 472 m through bus 1 and C).
        let plans = plan(&day, &query(here.clone(), Place::Stop(B), 6 * H + 50 * M));
        let (h, m) = (H as i32, M as i32);
        assert_eq!(
            summary(&plans),
            vec![
                (8 * h + 20 * m, 0, 720),
                (8 * h + 20 * m, 1, 472),
                (8 * h + 30 * m, 1, 172),
                (8 * h + 50 * m, 0, 72),
            ]
        );
        let first = &plans[0].legs[0];
        assert_eq!(
            (first.kind, first.from, first.to),
            (LegKind::Walk, None, Some(D))
        );
        // Just in time for bus 2 at 07:20.
        assert_eq!(
            (first.departure, first.arrival),
            (7 * h + 10 * m, 7 * h + 20 * m)
        );
        // Leaving 07:09, A's buses are gone; only the walk to D catches bus 2.
        let late = plan(&day, &query(here, Place::Stop(B), 7 * H + 9 * M));
        assert_eq!(summary(&late), vec![(8 * h + 20 * m, 0, 720)]);
    }

    #[test]
    fn a_journey_to_a_point_ends_with_the_walk_from_the_stop_it_leaves() {
        let day = three_ways();
        let there = Place::Point(vec![Access {
            stop: E,
            meters: 240,
            seconds: 200,
        }]);
        let plans = plan(&day, &query(Place::Stop(A), there, 6 * H + 55 * M));
        assert_eq!(plans.len(), 1);
        let legs = &plans[0].legs;
        assert_eq!(legs.len(), 2);
        assert_eq!(
            (legs[1].kind, legs[1].from, legs[1].to),
            (LegKind::Walk, Some(E), None)
        );
        assert_eq!(plans[0].arrival, (7 * H + 15 * M + 200) as i32);
        assert_eq!(plans[0].walk_m, 240);
        // No stop near the point: no journey.
        assert!(plan(&day, &query(Place::Stop(A), Place::Point(Vec::new()), 0)).is_empty());
    }
}
