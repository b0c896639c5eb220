//! Walking between nearby stops. Feeds such as Ho Chi Minh City's have no transfers.txt, so
//! footpaths are derived at ingest: every ordered pair of different stops within
//! [`MAX_STRAIGHT_M`] metres in a straight line gets a walk of `straight × DETOUR` metres at
//! [`WALK_SPEED_MPS`], rounded up to the second. Stops on opposite sides of a street (the same
//! name twice) are the common case. Planners then filter by the user's `--max-walk`.
//! A journey from or to a point ("from here") walks to its stops by the same rule ([`access`]).

use crate::geo::{Grid, MicroPoint, micro_distance_m};
use crate::network::Footpath;
use crate::raptor::Access;

/// Largest straight-line distance that gets a footpath (metres).
pub const MAX_STRAIGHT_M: f64 = 400.0;
/// Streets are not straight: walking distance is the straight line times this.
pub const DETOUR: f64 = 1.3;
/// Walking speed in metres per second (4.3 km/h, a relaxed adult pace).
pub const WALK_SPEED_MPS: f64 = 1.2;

/// Walking metres and seconds for a straight-line distance.
pub fn walk(straight_m: f64) -> (u32, u32) {
    let meters = (straight_m * DETOUR).ceil();
    (meters as u32, (meters / WALK_SPEED_MPS).ceil() as u32)
}

/// The walks between `point` and each of `stops` (`(stop number, position)`) that are at most
/// `max_m` metres long once the detour is counted, nearest first.
pub fn access(
    point: MicroPoint,
    stops: impl IntoIterator<Item = (u32, MicroPoint)>,
    max_m: u32,
) -> Vec<Access> {
    let mut out: Vec<Access> = stops
        .into_iter()
        .map(|(stop, at)| {
            let (meters, seconds) = walk(micro_distance_m(point, at));
            Access {
                stop,
                meters,
                seconds,
            }
        })
        .filter(|a| a.meters <= max_m)
        .collect();
    out.sort_by_key(|a| (a.meters, a.stop));
    out
}

/// Every footpath between the given stop positions, sorted by `from` then `to`.
pub fn derive(stops: &[MicroPoint]) -> Vec<Footpath> {
    let grid = Grid::new(stops, MAX_STRAIGHT_M);
    let mut out = Vec::new();
    for (from, &at) in stops.iter().enumerate() {
        for (to, straight) in grid.within(at, MAX_STRAIGHT_M) {
            if to as usize != from {
                let (meters, seconds) = walk(straight);
                out.push(Footpath {
                    from: from as u32,
                    to,
                    meters,
                    seconds,
                });
            }
        }
    }
    out.sort_by_key(|f| (f.from, f.to));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_stops_get_symmetric_walks_far_ones_none() {
        let a = MicroPoint::from_degrees(10.7725, 106.6980);
        let b = MicroPoint::from_degrees(10.7727, 106.6982); // ~30 m
        let c = MicroPoint::from_degrees(10.7800, 106.6980); // ~830 m
        let paths = derive(&[a, b, c]);
        assert_eq!(paths.len(), 2);
        assert_eq!((paths[0].from, paths[0].to), (0, 1));
        assert_eq!((paths[1].from, paths[1].to), (1, 0));
        assert_eq!(paths[0].meters, paths[1].meters);
        assert!((35..50).contains(&paths[0].meters), "{:?}", paths[0]);
        assert_eq!(
            paths[0].seconds,
            (f64::from(paths[0].meters) / WALK_SPEED_MPS).ceil() as u32
        );
    }

    #[test]
    fn a_point_reaches_the_stops_within_the_walk_by_the_footpath_rule() {
        let here = MicroPoint::from_degrees(10.7725, 106.6980);
        let near = MicroPoint::from_degrees(10.7727, 106.6982); // ~30 m
        let far = MicroPoint::from_degrees(10.7800, 106.6980); // ~830 m
        let found = access(here, [(7, far), (3, near)], 800);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].stop, 3);
        assert_eq!(
            (found[0].meters, found[0].seconds),
            walk(micro_distance_m(here, near))
        );
        assert_eq!(access(here, [(7, far)], 1_200).len(), 1);
    }

    #[test]
    fn stops_at_the_same_spot_get_a_zero_walk() {
        let a = MicroPoint::from_degrees(10.75, 106.65);
        let paths = derive(&[a, a]);
        assert_eq!(paths.len(), 2);
        assert_eq!(paths[0].meters, 0);
    }
}
