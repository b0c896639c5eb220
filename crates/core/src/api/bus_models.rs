//! Bus types that cross to the UI, the CLI and tests (issue 8). Unlike the other
//! models they are snake_case: the CLI's `--json` shape of journeys is fixed by the
//! issue (`from_stop_id`, `route_id`, ...) and one spelling serves every caller.
//! Times are RFC 3339 with the feed's offset (`2025-12-01T07:42:00+07:00`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the device holds of the bus network, for "last updated".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusStatus {
    /// Province of the stored network; `None` before the first download.
    pub province: Option<String>,
    /// Feed version label.
    pub version: Option<String>,
    /// When the network was stored, RFC 3339 UTC.
    pub stored_at: Option<String>,
    /// Stops held.
    pub stops: u32,
    /// Bytes of a download in progress and of its whole, when one is under way.
    pub downloading: Option<(u32, u32)>,
}

/// A stop, as found by name or position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusStop {
    /// GTFS stop_id.
    pub stop_id: String,
    /// Code painted on the pole ("Q1 025"), may be empty.
    pub code: String,
    /// Name.
    pub name: String,
    /// Address and street, may be empty.
    pub description: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Numbers of the routes that stop here, sorted.
    pub routes: Vec<String>,
    /// Metres from the point asked about (nearest-stop answers only).
    pub distance_m: Option<u32>,
}

/// One bus leaving a stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusDeparture {
    /// GTFS route_id.
    pub route_id: String,
    /// Number on the bus.
    pub route_short_name: String,
    /// Route colour RRGGBB (empty: none).
    pub route_color: String,
    /// Text colour on it.
    pub route_text_color: String,
    /// Where it goes.
    pub headsign: String,
    /// GTFS trip_id.
    pub trip_id: String,
    /// Departure time.
    pub departure: String,
    /// Whole minutes from the asked time (0 = now).
    #[ts(type = "number")]
    pub minutes: i64,
}

/// The departure board of a stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusDepartures {
    /// The stop.
    pub stop: BusStop,
    /// The time asked about.
    pub at: String,
    /// Next departures, soonest first.
    pub departures: Vec<BusDeparture>,
}

/// A stop of a route drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusRouteStop {
    /// GTFS stop_id.
    pub stop_id: String,
    /// Name.
    pub name: String,
    /// Position in the drawing (SVG user units).
    pub x: f64,
    /// Position in the drawing (SVG user units).
    pub y: f64,
}

/// One direction of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusDirection {
    /// GTFS direction_id.
    pub direction: u8,
    /// Where it goes.
    pub headsign: String,
    /// Stops in order.
    pub stops: Vec<BusRouteStop>,
    /// SVG path data of the shape (or of the stops when the feed has no shape).
    pub path: String,
    /// Departures from the first stop on the day asked, "HH:MM" (times past 24:00 kept).
    pub timetable: Vec<String>,
}

/// A route page: both directions, their stops, drawing and timetable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusRoute {
    /// GTFS route_id.
    pub route_id: String,
    /// Number on the bus.
    pub short_name: String,
    /// Long name.
    pub long_name: String,
    /// Colour RRGGBB.
    pub color: String,
    /// Text colour.
    pub text_color: String,
    /// SVG viewBox of every direction's drawing ("0 0 W H").
    pub view_box: String,
    /// Directions (usually two).
    pub directions: Vec<BusDirection>,
    /// The service date of the timetable, YYYY-MM-DD.
    pub date: String,
}

/// One leg of a journey. Between stops every field of the fixed `--json` shape is
/// there; the walk from or to a point leaves out the stop id and name of that end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusLeg {
    /// "bus" or "walk".
    pub kind: String,
    /// GTFS stop_id where the leg starts; absent on the walk from a point (a `geo:` start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from_stop_id: Option<String>,
    /// GTFS stop_id where it ends; absent on the walk to a point (a `geo:` destination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_stop_id: Option<String>,
    /// Name of the first stop; absent with `from_stop_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from_stop_name: Option<String>,
    /// Name of the last stop; absent with `to_stop_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to_stop_name: Option<String>,
    /// Departure.
    pub departure: String,
    /// Arrival.
    pub arrival: String,
    /// GTFS route_id (bus legs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub route_id: Option<String>,
    /// GTFS trip_id (bus legs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub trip_id: Option<String>,
    /// Number on the bus (bus legs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub route_short_name: Option<String>,
    /// Headsign (bus legs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub headsign: Option<String>,
    /// Metres walked (walk legs; 0 on bus legs).
    pub meters: u32,
}

/// One way from A to B (each a stop, or a point written as a `geo:` URI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusJourney {
    /// Departure of the first leg.
    pub departure: String,
    /// Arrival of the last leg.
    pub arrival: String,
    /// Changes of bus.
    pub transfers: u8,
    /// Metres walked in total.
    pub walk_meters: u32,
    /// Legs in order.
    pub legs: Vec<BusLeg>,
}

/// What to plan with; [`Default`] is what the app uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct JourneyOptions {
    /// Leave at or after; RFC 3339, or `YYYY-MM-DDTHH:MM[:SS]` in the feed's zone; `None`: now.
    pub at: Option<String>,
    /// Most changes of bus (0–4).
    pub max_transfers: u8,
    /// Longest walk between two stops in metres; 0: no walking between different stops.
    /// The walk from or to a point goes up to this or 800 m, whichever is more.
    pub max_walk_m: u32,
    /// Spare seconds to change bus at the same stop.
    pub min_change_s: u32,
}

impl Default for JourneyOptions {
    fn default() -> JourneyOptions {
        JourneyOptions {
            at: None,
            max_transfers: 2,
            max_walk_m: 500,
            min_change_s: 60,
        }
    }
}

/// A saved stop or journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusFavourite {
    /// "stop" or "journey".
    pub kind: String,
    /// A stop_id, or "FROM>TO" for a journey.
    pub key: String,
    /// What the user sees.
    pub label: String,
}
