//! `congdan bus ...` (issue 8): stops, nearest stops, departures, a route, journeys,
//! favourites and the network's freshness, from the stored network (offline). Flags in
//! two steps like [`crate::flags`]; printing here; every rule lives in the core.

use std::io::Write;

use anyhow::bail;
use clap::Subcommand;
use congdan_core::{BusStop, Core, JourneyOptions};

use crate::flags::Format;

/// Raw `bus` subcommands.
#[derive(Debug, Subcommand)]
pub enum LowBus {
    /// Find stops by name, code or street, with or without diacritics.
    Stops {
        /// Words to look for ("ben thanh").
        query: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The stops nearest to a point.
    #[command(allow_negative_numbers = true)]
    Near {
        /// Latitude in degrees.
        lat: f64,
        /// Longitude in degrees.
        lon: f64,
        /// Most stops.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The next departures from a stop.
    Departures {
        /// GTFS stop_id.
        stop_id: String,
        /// Date and time (RFC 3339, or YYYY-MM-DDTHH:MM in the feed's zone); default now.
        #[arg(long)]
        at: Option<String>,
        /// Most departures.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A route: its stops in both directions and today's timetable.
    Route {
        /// GTFS route_id.
        route_id: String,
        /// The day of the timetable; default today.
        #[arg(long)]
        at: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Journeys between two stops or points: earliest arrival first, then fewer transfers or less
    /// walking. A point is a geo URI, `geo:10.7725,106.698`: the journey walks from it to the
    /// stops within --max-walk or 800 m (whichever is more) and starts from all of them.
    Journey {
        /// GTFS stop_id to leave from, or geo:LAT,LON.
        from: String,
        /// GTFS stop_id to reach, or geo:LAT,LON.
        to: String,
        /// Leave at or after (RFC 3339, or YYYY-MM-DDTHH:MM in the feed's zone); default now.
        #[arg(long)]
        at: Option<String>,
        /// Most changes of bus.
        #[arg(long, default_value_t = 2)]
        max_transfers: u8,
        /// Longest walk between two stops in metres; 0 means no walking between stops (the walk
        /// from or to a geo: point is at least 800 m).
        #[arg(long, default_value_t = 500)]
        max_walk: u32,
        /// Spare seconds to change bus at the same stop.
        #[arg(long, default_value_t = 60)]
        min_change: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Which network is stored and when it was updated.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a favourite stop (KEY = stop_id) or journey (KEY = FROM>TO), or remove it.
    Favourite {
        /// "stop" or "journey".
        kind: String,
        /// stop_id, or FROM>TO.
        key: String,
        /// What to call it.
        #[arg(long, default_value = "")]
        label: String,
        /// Remove instead of save.
        #[arg(long)]
        remove: bool,
    },
    /// List favourites.
    Favourites {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A checked `bus` command.
#[derive(Debug, Clone, PartialEq)]
pub enum BusCommand {
    /// `bus stops QUERY`.
    Stops(String, Format),
    /// `bus near LAT LON`.
    Near(f64, f64, usize, Format),
    /// `bus departures STOP_ID`.
    Departures(String, Option<String>, usize, Format),
    /// `bus route ROUTE_ID`.
    Route(String, Option<String>, Format),
    /// `bus journey FROM TO`.
    Journey(String, String, JourneyOptions, Format),
    /// `bus status`.
    Status(Format),
    /// `bus favourite KIND KEY`.
    Favourite {
        kind: String,
        key: String,
        label: String,
        on: bool,
    },
    /// `bus favourites`.
    Favourites(Format),
}

impl TryFrom<LowBus> for BusCommand {
    type Error = anyhow::Error;

    fn try_from(low: LowBus) -> anyhow::Result<BusCommand> {
        let f = |json: bool| if json { Format::Json } else { Format::Text };
        Ok(match low {
            LowBus::Stops { query, json } => BusCommand::Stops(query, f(json)),
            LowBus::Near {
                lat,
                lon,
                limit,
                json,
            } => BusCommand::Near(lat, lon, limit, f(json)),
            LowBus::Departures {
                stop_id,
                at,
                limit,
                json,
            } => BusCommand::Departures(stop_id.trim().to_string(), at, limit, f(json)),
            LowBus::Route { route_id, at, json } => {
                BusCommand::Route(route_id.trim().to_string(), at, f(json))
            }
            LowBus::Journey {
                from,
                to,
                at,
                max_transfers,
                max_walk,
                min_change,
                json,
            } => {
                if max_transfers > 4 {
                    bail!("--max-transfers tối đa là 4");
                }
                let options = JourneyOptions {
                    at,
                    max_transfers,
                    max_walk_m: max_walk,
                    min_change_s: min_change,
                };
                BusCommand::Journey(
                    from.trim().to_string(),
                    to.trim().to_string(),
                    options,
                    f(json),
                )
            }
            LowBus::Status { json } => BusCommand::Status(f(json)),
            LowBus::Favourite {
                kind,
                key,
                label,
                remove,
            } => BusCommand::Favourite {
                kind,
                key: key.trim().to_string(),
                label,
                on: !remove,
            },
            LowBus::Favourites { json } => BusCommand::Favourites(f(json)),
        })
    }
}

fn json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn stop_lines(out: &mut impl Write, stops: &[BusStop]) -> anyhow::Result<()> {
    if stops.is_empty() {
        writeln!(out, "Không tìm thấy điểm dừng nào.")?;
    }
    for s in stops {
        let distance = s.distance_m.map(|d| format!("{d} m  ")).unwrap_or_default();
        writeln!(
            out,
            "{distance}{}  [{}]  {}  tuyến {}",
            s.name,
            s.stop_id,
            s.description,
            s.routes.join(", ")
        )?;
    }
    Ok(())
}

/// The clock part of an RFC 3339 time ("07:42").
fn hhmm(rfc3339: &str) -> &str {
    rfc3339.get(11..16).unwrap_or(rfc3339)
}

/// Runs one `bus` command.
pub fn run(core: &Core, command: &BusCommand, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        BusCommand::Stops(query, format) => {
            let stops = core.bus_stops(query)?;
            if *format == Format::Json {
                return json(out, &stops);
            }
            stop_lines(out, &stops)
        }
        BusCommand::Near(lat, lon, limit, format) => {
            let stops = core.bus_near(*lat, *lon, *limit)?;
            if *format == Format::Json {
                return json(out, &stops);
            }
            stop_lines(out, &stops)
        }
        BusCommand::Departures(stop, at, limit, format) => {
            let board = core.bus_departures(stop, at.as_deref(), *limit)?;
            if *format == Format::Json {
                return json(out, &board);
            }
            writeln!(
                out,
                "{} [{}], lúc {}",
                board.stop.name,
                board.stop.stop_id,
                hhmm(&board.at)
            )?;
            if board.departures.is_empty() {
                writeln!(out, "Không có chuyến nào trong 3 giờ tới.")?;
            }
            for d in &board.departures {
                writeln!(
                    out,
                    "{:>3} phút  {}  tuyến {:<5} → {}",
                    d.minutes,
                    hhmm(&d.departure),
                    d.route_short_name,
                    d.headsign
                )?;
            }
            Ok(())
        }
        BusCommand::Route(route, at, format) => {
            let r = core.bus_route(route, at.as_deref())?;
            if *format == Format::Json {
                return json(out, &r);
            }
            writeln!(
                out,
                "Tuyến {}: {} (ngày {})",
                r.short_name, r.long_name, r.date
            )?;
            for d in &r.directions {
                writeln!(
                    out,
                    "\nChiều {} → {} ({} điểm dừng)",
                    d.direction,
                    d.headsign,
                    d.stops.len()
                )?;
                for (i, s) in d.stops.iter().enumerate() {
                    writeln!(out, "  {:>2}. {} [{}]", i + 1, s.name, s.stop_id)?;
                }
                writeln!(out, "  Giờ xuất bến: {}", d.timetable.join(" "))?;
            }
            Ok(())
        }
        BusCommand::Journey(from, to, options, format) => {
            let journeys = core.bus_journey(from, to, options)?;
            if *format == Format::Json {
                return json(out, &journeys);
            }
            if journeys.is_empty() {
                writeln!(out, "Không tìm được hành trình.")?;
            }
            for (i, j) in journeys.iter().enumerate() {
                writeln!(
                    out,
                    "Cách {}: đi {} → đến {}, {} lần chuyển, đi bộ {} m",
                    i + 1,
                    hhmm(&j.departure),
                    hhmm(&j.arrival),
                    j.transfers,
                    j.walk_meters
                )?;
                for l in &j.legs {
                    match l.kind.as_str() {
                        "bus" => writeln!(
                            out,
                            "  Lên tuyến {} tại {} lúc {}, xuống tại {} lúc {}",
                            l.route_short_name.as_deref().unwrap_or("?"),
                            end_name(&l.from_stop_name, "điểm đi"),
                            hhmm(&l.departure),
                            end_name(&l.to_stop_name, "điểm đến"),
                            hhmm(&l.arrival)
                        )?,
                        _ => writeln!(
                            out,
                            "  Đi bộ {} m từ {} đến {}",
                            l.meters,
                            end_name(&l.from_stop_name, "điểm đi"),
                            end_name(&l.to_stop_name, "điểm đến")
                        )?,
                    }
                }
            }
            Ok(())
        }
        BusCommand::Status(format) => {
            let s = core.bus_status()?;
            if *format == Format::Json {
                return json(out, &s);
            }
            match (&s.province, &s.stored_at) {
                (Some(p), Some(at)) => writeln!(
                    out,
                    "Xe buýt tỉnh/thành {p}: {} điểm dừng, cập nhật {at}",
                    s.stops
                )?,
                _ => writeln!(
                    out,
                    "Chưa có dữ liệu xe buýt: chọn xã/phường rồi đồng bộ (congdan sync)."
                )?,
            }
            if let Some((have, total)) = s.downloading {
                writeln!(out, "Đang tải: {have}/{total} byte")?;
            }
            Ok(())
        }
        BusCommand::Favourite {
            kind,
            key,
            label,
            on,
        } => {
            core.set_bus_favourite(kind, key, label, *on)?;
            writeln!(out, "{}", if *on { "Đã lưu." } else { "Đã bỏ lưu." })?;
            Ok(())
        }
        BusCommand::Favourites(format) => {
            let list = core.bus_favourites()?;
            if *format == Format::Json {
                return json(out, &list);
            }
            for f in &list {
                writeln!(out, "{}  {}  {}", f.kind, f.key, f.label)?;
            }
            Ok(())
        }
    }
}

/// A leg end's stop name, or what to call the point of the query (`point`).
fn end_name<'a>(name: &'a Option<String>, point: &'a str) -> &'a str {
    name.as_deref().unwrap_or(point)
}
