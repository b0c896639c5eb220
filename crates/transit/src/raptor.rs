//! Journey planning with RAPTOR (Delling, Pajor, Werneck: "Round-Based Public Transit
//! Routing", 2012). Round k finds the earliest arrival at every stop with at most k buses;
//! each round scans every route through a stop improved in the round before, then relaxes
//! footpaths from the stops a bus reached.
//!
//! Rules (the exhaustive test in `tests/journeys.rs` checks the same ones independently):
//! - a stop keeps two labels per round, "arrived by bus" and "arrived on foot" (or the origin);
//!   boarding needs `bus + min_change` or `foot`, whichever is earlier, at or before the departure;
//! - walks start at the origin or where a bus was left, never after another walk, and only along
//!   footpaths of at most `max_walk_m` metres;
//! - [`plan`] returns a Pareto set over (arrival, transfers, walking): the best journey of each
//!   round with walking allowed, and again with no walking between stops, without dominated ones.

use crate::timetable::{DayTimetable, TripRef};

const INF: i32 = i32::MAX;

/// What to plan.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    /// Stop to leave from (index into the network's stops).
    pub from: u32,
    /// Stop to reach.
    pub to: u32,
    /// Earliest departure, seconds after the reference time of the timetable's date.
    pub depart: i32,
    /// Most changes of bus (at most `max_transfers + 1` buses).
    pub max_transfers: u8,
    /// Longest single walk between stops in metres; 0 means no walking between different stops.
    pub max_walk_m: u32,
    /// Spare seconds needed to change bus at the same stop.
    pub min_change_s: u32,
}

/// Walk or bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegKind {
    /// On foot between two stops.
    Walk,
    /// On board a trip.
    Bus,
}

/// One part of a journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    /// Walk or bus.
    pub kind: LegKind,
    /// Stop where it starts.
    pub from: u32,
    /// Stop where it ends.
    pub to: u32,
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

#[derive(Clone, Copy)]
enum Parent {
    None,
    Origin,
    Walk {
        from: u32,
        meters: u32,
    },
    Bus {
        route: u32,
        row: u32,
        board: u32,
        alight: u32,
    },
}

struct Rounds {
    bus: Vec<Vec<i32>>,
    foot: Vec<Vec<i32>>,
    bus_parent: Vec<Vec<Parent>>,
    foot_parent: Vec<Vec<Parent>>,
}

/// The Pareto set of journeys for `q`, earliest arrival first; empty when none or `from == to`.
pub fn plan(day: &DayTimetable, q: &Query) -> Vec<Journey> {
    let mut all = earliest_by_round(day, q);
    if q.max_walk_m > 0 {
        all.extend(earliest_by_round(
            day,
            &Query {
                max_walk_m: 0,
                ..*q
            },
        ));
    }
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
        let dominated = kept
            .iter()
            .any(|k| k.arrival <= j.arrival && k.transfers <= j.transfers && k.walk_m <= j.walk_m);
        if !dominated {
            kept.push(j);
        }
    }
    kept
}

/// For each number of buses from 0 to `max_transfers + 1`, the earliest journey if it beats
/// every journey with fewer buses.
pub fn earliest_by_round(day: &DayTimetable, q: &Query) -> Vec<Journey> {
    let n = day.stop_routes.len();
    if q.from == q.to || q.from as usize >= n || q.to as usize >= n {
        return Vec::new();
    }
    let rounds_max = usize::from(q.max_transfers) + 1;
    let change = q.min_change_s as i32;
    let mut r = Rounds {
        bus: vec![vec![INF; n]],
        foot: vec![vec![INF; n]],
        bus_parent: vec![vec![Parent::None; n]],
        foot_parent: vec![vec![Parent::None; n]],
    };
    let mut best_bus = vec![INF; n];
    let mut best_foot = vec![INF; n];
    let mut marked = vec![false; n];
    let (from, to) = (q.from as usize, q.to as usize);
    r.foot[0][from] = q.depart;
    r.foot_parent[0][from] = Parent::Origin;
    best_foot[from] = q.depart;
    marked[from] = true;
    for w in walks(day, q, from) {
        let t = q.depart.saturating_add(w.seconds as i32);
        if t < best_foot[w.to as usize] {
            best_foot[w.to as usize] = t;
            r.foot[0][w.to as usize] = t;
            r.foot_parent[0][w.to as usize] = Parent::Walk {
                from: q.from,
                meters: w.meters,
            };
            marked[w.to as usize] = true;
        }
    }
    let mut ready = vec![INF; n];
    let mut queue: Vec<(u32, u32)> = Vec::new();
    let mut route_start = vec![u32::MAX; day.routes.len()];
    for k in 1..=rounds_max {
        for p in 0..n {
            ready[p] = best_foot[p].min(best_bus[p].saturating_add(change));
        }
        queue.clear();
        for p in (0..n).filter(|&p| marked[p]) {
            for &(route, pos) in &day.stop_routes[p] {
                let s = &mut route_start[route as usize];
                if *s == u32::MAX {
                    queue.push((route, pos));
                }
                *s = (*s).min(pos);
            }
        }
        marked.iter_mut().for_each(|m| *m = false);
        r.bus.push(vec![INF; n]);
        r.foot.push(vec![INF; n]);
        r.bus_parent.push(vec![Parent::None; n]);
        r.foot_parent.push(vec![Parent::None; n]);
        let mut bus_marked = Vec::new();
        for &(route, _) in &queue {
            let start = std::mem::replace(&mut route_start[route as usize], u32::MAX) as usize;
            let dr = &day.routes[route as usize];
            let mut current: Option<(usize, usize)> = None; // (row, board position)
            for i in start..dr.stops.len() {
                let p = dr.stops[i] as usize;
                if let Some((row, board)) = current {
                    let arr = dr.at(row, i).0;
                    let target = best_bus[to].min(best_foot[to]);
                    if arr < best_bus[p] && arr < target {
                        best_bus[p] = arr;
                        r.bus[k][p] = arr;
                        r.bus_parent[k][p] = Parent::Bus {
                            route,
                            row: row as u32,
                            board: board as u32,
                            alight: i as u32,
                        };
                        if !marked[p] {
                            marked[p] = true;
                            bus_marked.push(p);
                        }
                    }
                }
                let can_board = match current {
                    Some((row, _)) => ready[p] <= dr.at(row, i).1,
                    None => ready[p] < INF,
                };
                if can_board
                    && let Some(row) = dr.earliest_trip(i, ready[p])
                    && current.is_none_or(|(cur, _)| row < cur)
                {
                    current = Some((row, i));
                }
            }
        }
        for &p in &bus_marked {
            let at = r.bus[k][p];
            for w in walks(day, q, p) {
                let t = at.saturating_add(w.seconds as i32);
                let target = best_bus[to].min(best_foot[to]);
                let qd = w.to as usize;
                if t < best_foot[qd] && t < target {
                    best_foot[qd] = t;
                    r.foot[k][qd] = t;
                    r.foot_parent[k][qd] = Parent::Walk {
                        from: p as u32,
                        meters: w.meters,
                    };
                    marked[qd] = true;
                }
            }
        }
        if !marked.iter().any(|&m| m) {
            break;
        }
    }
    let mut out = Vec::new();
    for k in 0..r.bus.len() {
        let (b, f) = (r.bus[k][to], r.foot[k][to]);
        if b == INF && f == INF {
            continue;
        }
        if let Some(j) = rebuild(day, q, &r, k, to, f < b) {
            out.push(j);
        }
    }
    out
}

fn walks<'a>(
    day: &'a DayTimetable,
    q: &Query,
    from: usize,
) -> impl Iterator<Item = crate::timetable::Walk> + 'a {
    let max = q.max_walk_m;
    day.walks[from]
        .iter()
        .copied()
        .filter(move |w| max > 0 && w.meters <= max)
}

/// Follows parents back from the label of round `k` at `stop` (on foot or by bus).
fn rebuild(
    day: &DayTimetable,
    q: &Query,
    r: &Rounds,
    k: usize,
    stop: usize,
    on_foot: bool,
) -> Option<Journey> {
    let mut legs = Vec::new();
    let (mut k, mut stop, mut on_foot) = (k, stop, on_foot);
    let change = q.min_change_s as i32;
    loop {
        if on_foot {
            match r.foot_parent[k][stop] {
                Parent::Origin => break,
                Parent::Walk { from, meters } => {
                    let arr = r.foot[k][stop];
                    let secs = day.walks[from as usize]
                        .iter()
                        .find(|w| w.to as usize == stop)?
                        .seconds as i32;
                    legs.push(Leg {
                        kind: LegKind::Walk,
                        from,
                        to: stop as u32,
                        departure: arr - secs,
                        arrival: arr,
                        trip: None,
                        pattern: None,
                        meters,
                    });
                    stop = from as usize;
                    if k == 0 {
                        break; // walked from the origin
                    }
                    on_foot = false;
                }
                _ => return None,
            }
        } else {
            let Parent::Bus {
                route,
                row,
                board,
                alight,
            } = r.bus_parent[k][stop]
            else {
                return None;
            };
            let dr = &day.routes[route as usize];
            let (dep, arr) = (
                dr.at(row as usize, board as usize).1,
                dr.at(row as usize, alight as usize).0,
            );
            let from = dr.stops[board as usize];
            legs.push(Leg {
                kind: LegKind::Bus,
                from,
                to: dr.stops[alight as usize],
                departure: dep,
                arrival: arr,
                trip: Some(dr.trips[row as usize]),
                pattern: Some(dr.pattern),
                meters: 0,
            });
            // The label that made boarding possible: the fewest buses that were ready in time.
            let p = from as usize;
            let found = (0..k).find_map(|j| {
                if r.foot[j][p] <= dep {
                    Some((j, true))
                } else if r.bus[j][p] != INF && r.bus[j][p].saturating_add(change) <= dep {
                    Some((j, false))
                } else {
                    None
                }
            })?;
            (k, stop, on_foot) = (found.0, p, found.1);
            if on_foot && matches!(r.foot_parent[k][stop], Parent::Origin) {
                break;
            }
        }
    }
    legs.reverse();
    // Leave the origin just in time for the first bus.
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
