//! Command-line flags, in two steps: [`LowArgs`] is what clap parsed, as typed
//! by the user; [`Config`] is the checked, typed configuration the commands use.
//! Does not touch the database or the network.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

/// Raw flags as parsed by clap.
#[derive(Debug, Parser)]
#[command(
    name = "congdan",
    version,
    about = "Cổng Dân từ dòng lệnh: đồng bộ, tin tức, tra cứu thủ tục hành chính, xe buýt"
)]
pub struct LowArgs {
    /// Profile database file (created if missing).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// Server base URL; remembered in the profile so later calls can omit it.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// Open311 API key the commune gave this app (`congdan-server api-key add`);
    /// remembered in the profile like --server. Prefer the CONGDAN_API_KEY
    /// environment variable in scripts: a flag shows in `ps` and shell history.
    #[arg(
        long,
        value_name = "KEY",
        env = "CONGDAN_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,
    /// What to do.
    #[command(subcommand)]
    command: LowCommand,
}

/// Raw subcommands.
#[derive(Debug, Subcommand)]
enum LowCommand {
    /// Pull units, procedures, the home unit's news and its province's bus network from the server.
    Sync {
        /// Images and the catalogue too, even with the data saver on.
        #[arg(long)]
        full: bool,
    },
    /// Show the data saver, or turn it on or off (images and the catalogue
    /// then wait for `sync --full`).
    DataSaver {
        /// `on` or `off`.
        #[arg(value_parser = ["on", "off"])]
        state: Option<String>,
    },
    /// List provinces, or the communes of PROVINCE_CODE.
    Units {
        /// Province code (2 digits).
        province_code: Option<String>,
    },
    /// Set the home commune (after a sync), or then a village of it, whose
    /// announcements arrive as well as the commune's.
    SetUnit {
        /// Commune code (5 digits) or village code (e.g. 00004-01).
        code: String,
    },
    /// Show the home unit's cached news, newest first.
    News {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Most items to show.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show the home unit's alerts: active ones by severity, then the history.
    Alerts {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// First wait up to SECONDS (at most 25) for the server to announce a
        /// change (long poll), then show.
        #[arg(long, value_name = "SECONDS")]
        wait: Option<u32>,
    },
    /// Show the home unit's latest epidemic bulletin, its trend and the
    /// vaccination places (nearest first with --lat/--long).
    Bulletins {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Days of trend (default 14).
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// Latitude of where you are (with --long).
        #[arg(long, allow_hyphen_values = true)]
        lat: Option<f64>,
        /// Longitude (with --lat).
        #[arg(long, allow_hyphen_values = true)]
        long: Option<f64>,
    },
    /// Show the home unit's planned power cuts that end after --from (default: now).
    Outages {
        /// A day (YYYY-MM-DD, from its start in Việt Nam time) or an RFC 3339 time.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "ics")]
        json: bool,
        /// Print an RFC 5545 calendar (.ics) instead.
        #[arg(long)]
        ics: bool,
    },
    /// Search the cached procedure catalogue.
    Search {
        /// Words to look for, with or without diacritics.
        query: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Most hits to show.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Only this level, e.g. "Cấp xã".
        #[arg(long)]
        level: Option<String>,
        /// Only this field, e.g. "Hộ tịch".
        #[arg(long)]
        field: Option<String>,
    },
    /// Show one procedure with its documents.
    Procedure {
        /// Procedure code, e.g. 1.000005.
        code: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ways into the catalogue before searching: the most-asked procedures,
    /// life events, recent and saved ones; with EVENT, that event's list.
    Guide {
        /// A life event id, e.g. sinh-con.
        event: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a procedure for later (`--remove` to unsave).
    Save {
        /// Procedure code.
        code: String,
        /// Unsave instead.
        #[arg(long)]
        remove: bool,
    },
    /// List the cached services (categories) requests can be sent to.
    Services {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a request to the outbox (works offline), then try to send it.
    Submit {
        /// Service code (see `services`).
        #[arg(long)]
        service: String,
        /// What happened.
        #[arg(long)]
        description: String,
        /// Latitude (with --long).
        #[arg(long, allow_hyphen_values = true)]
        lat: Option<f64>,
        /// Longitude (with --lat).
        #[arg(long, allow_hyphen_values = true)]
        long: Option<f64>,
        /// Typed address (when no coordinates).
        #[arg(long)]
        address: Option<String>,
        /// Thôn / tổ dân phố.
        #[arg(long)]
        village: Option<String>,
        /// An answer CODE=VALUE; repeat for more (and for several list values).
        #[arg(long = "attr", value_name = "CODE=VALUE")]
        attrs: Vec<String>,
        /// A photo file (JPEG/PNG/WebP); repeat for up to 5.
        #[arg(long = "photo", value_name = "FILE")]
        photos: Vec<PathBuf>,
        /// Only save, do not try to send now.
        #[arg(long)]
        no_send: bool,
        /// Print JSON (the receipt and the drain report).
        #[arg(long)]
        json: bool,
    },
    /// Show the outbox; with --drain, send it now (exit 0 only when it is empty).
    Outbox {
        /// `retry ID`: put a refused submission back in line ("Thử lại").
        #[command(subcommand)]
        action: Option<OutboxAction>,
        /// Send everything now.
        #[arg(long)]
        drain: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List my requests (queued ones included).
    Requests {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one of my requests (server id or local uuid) with its timeline.
    Request {
        /// Server id or local uuid.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the images saved for offline reading; change their budget or clear them.
    Images {
        /// New budget in MB (10–4000); the oldest images beyond it go at once.
        #[arg(long, value_name = "MB")]
        budget: Option<u32>,
        /// Delete every saved image (the next syncs fetch them again).
        #[arg(long, conflicts_with = "budget")]
        clear: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show what is cached and how the last sync went.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the server and the API key (its fingerprint, never the key) in use.
    Connection {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Buses offline: stops, departures, routes and journeys.
    Bus {
        /// What to do.
        #[command(subcommand)]
        action: crate::bus::LowBus,
    },
    /// Point the profile at another server, after checking it answers
    /// /api/v1/health (nothing changes when it does not).
    SetServer {
        /// Server base URL.
        url: String,
    },
    /// Log in as an official; the password is the first line of stdin. The
    /// session token goes to the platform credential store.
    Login {
        /// Username.
        username: String,
    },
    /// Log out: end the session on the server and forget it here.
    Logout,
    /// Announcements (thông báo): draft, submit, approve, return.
    Announce {
        /// What to do.
        #[command(subcommand)]
        action: crate::official::AnnounceAction,
    },
    /// List announcements: an official's own and their units' (with
    /// acknowledgement counts); for a resident, the published ones of the home unit.
    Announcements {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Acknowledge an announcement: seen, going or not-going (with --reason).
    Ack {
        /// Announcement id.
        id: String,
        /// seen, going or not-going.
        kind: String,
        /// Why not (required for not-going).
        #[arg(long)]
        reason: Option<String>,
        /// Record it for this household without a smartphone (officials only).
        #[arg(long)]
        household: Option<String>,
        /// The household's unit (default: the home unit, or the official's).
        #[arg(long)]
        unit: Option<String>,
    },
    /// Reach figures by week: announcements and answers, requests answered on time.
    Reach {
        /// Unit (default: the account's own).
        #[arg(long)]
        unit: Option<String>,
        /// Weeks back (default 12).
        #[arg(long)]
        weeks: Option<u32>,
        /// Print CSV.
        #[arg(long)]
        csv: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Post an epidemic bulletin (officer): FILE holds its JSON {date, disease,
    /// cases: [{unit, new_cases, recovered?, deaths?}], places: [{name, address,
    /// hours, vaccine?, lat?, lon?}], note?} (docs/PROTOCOL.md).
    PostBulletin {
        /// The bulletin's JSON file.
        #[arg(long)]
        file: std::path::PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The officer inbox of the account's unit: new, overdue and due soon first.
    Inbox {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Answer a request of the officer's unit (reaches the resident).
    Answer {
        /// Request id.
        request_id: String,
        /// The answer.
        #[arg(long)]
        text: String,
    },
    /// Route a request to another unit, or assign it to an officer of its unit.
    Assign {
        /// Request id.
        request_id: String,
        /// Unit code to route it to.
        #[arg(long, conflicts_with = "to", required_unless_present = "to")]
        unit: Option<String>,
        /// Username of the officer to give it to.
        #[arg(long)]
        to: Option<String>,
    },
}

/// What `images` changes before it shows the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImagesChange {
    /// `--budget MB`.
    Budget(u32),
    /// `--clear`.
    Clear,
}

/// What `outbox` does besides listing.
#[derive(Debug, Subcommand)]
enum OutboxAction {
    /// Put a submission the server refused back in line, then send it with --drain.
    Retry {
        /// The row id shown by `outbox`.
        id: i64,
    },
}

/// Output format of read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for people.
    Text,
    /// The api models as JSON (stable for scripts and tests).
    Json,
}

impl Format {
    /// `--json` → JSON.
    pub(crate) fn from_flag(json: bool) -> Format {
        if json { Format::Json } else { Format::Text }
    }
}

/// A checked `submit`.
#[derive(Debug, Clone, PartialEq)]
pub struct Submit {
    /// The draft without photos.
    pub draft: congdan_core::RequestDraft,
    /// Photo files to prepare and attach.
    pub photos: Vec<PathBuf>,
    /// Try to send right after saving.
    pub send: bool,
    /// Output format.
    pub format: Format,
}

/// A checked command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `sync [--full]`.
    Sync {
        /// Ignore the data saver.
        full: bool,
    },
    /// `data-saver [on|off]`.
    DataSaver(Option<bool>),
    /// `units [PROVINCE_CODE]`.
    Units(Option<String>),
    /// `set-unit CODE`.
    SetUnit(String),
    /// `news`.
    News {
        /// Output format.
        format: Format,
        /// Most items.
        limit: u32,
    },
    /// `alerts`.
    Alerts {
        /// Output format.
        format: Format,
        /// Long poll first, for this many seconds.
        wait: Option<u32>,
    },
    /// `bulletins`.
    Bulletins {
        /// Output format.
        format: Format,
        /// Days of trend; `None` is the core's default.
        days: Option<u32>,
        /// Where the user is, to sort places by distance.
        near: Option<(f64, f64)>,
    },
    /// `outages`.
    Outages {
        /// Cuts ending after this time; `None` means now.
        from: Option<chrono::DateTime<chrono::Utc>>,
        /// Output format.
        format: Format,
        /// Print the .ics calendar instead.
        ics: bool,
    },
    /// `search`.
    Search {
        /// The query as the core takes it.
        query: congdan_core::ProcedureQuery,
        /// Output format.
        format: Format,
    },
    /// `procedure CODE`.
    Procedure {
        /// Procedure code.
        code: String,
        /// Output format.
        format: Format,
    },
    /// `guide [EVENT]`.
    Guide {
        /// A life event id, or the whole opening screen.
        event: Option<String>,
        /// Output format.
        format: Format,
    },
    /// `save CODE [--remove]`.
    Save {
        /// Procedure code.
        code: String,
        /// Saved or not.
        saved: bool,
    },
    /// `images [--budget MB | --clear]`.
    Images {
        /// What to change first, if anything.
        change: Option<ImagesChange>,
        /// Output format.
        format: Format,
    },
    /// `status`.
    Status(Format),
    /// `connection`.
    Connection(Format),
    /// `set-server URL`.
    SetServer(String),
    /// `services`.
    Services(Format),
    /// `submit`.
    Submit(Box<Submit>),
    /// `outbox [--drain]`.
    Outbox {
        /// The refused row to put back in line first (`outbox retry ID`).
        retry: Option<i64>,
        /// Send now.
        drain: bool,
        /// Output format.
        format: Format,
    },
    /// `requests`.
    Requests(Format),
    /// `request ID`.
    Request {
        /// Server id or local uuid.
        id: String,
        /// Output format.
        format: Format,
    },
    /// `bus ...`.
    Bus(crate::bus::BusCommand),
    /// Officials' tools (login, announcements, inbox) and acknowledgements.
    Official(crate::official::OfficialCommand),
}

/// The checked configuration every command runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Profile database.
    pub db: PathBuf,
    /// Server URL to store before running, if given.
    pub server: Option<String>,
    /// Open311 API key to store before running, if given.
    pub api_key: Option<String>,
    /// The command.
    pub command: Command,
}

/// Parses and checks the process arguments.
pub fn parse() -> anyhow::Result<Config> {
    Config::try_from(LowArgs::parse())
}

/// `--from`: a day (its midnight in Việt Nam, UTC+7) or an RFC 3339 time.
fn parse_from(text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let text = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.to_utc());
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").with_context(|| {
        format!("--from: \"{text}\" không phải ngày YYYY-MM-DD hay thời điểm RFC 3339")
    })?;
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).context("UTC+7")?;
    day.and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(vietnam)
        .single()
        .map(|at| at.to_utc())
        .context("--from: ngày không hợp lệ")
}

impl TryFrom<LowArgs> for Config {
    type Error = anyhow::Error;

    fn try_from(low: LowArgs) -> anyhow::Result<Config> {
        if low.db.as_os_str().is_empty() {
            bail!("--db không được để trống");
        }
        let command = match low.command {
            LowCommand::Sync { full } => Command::Sync { full },
            LowCommand::DataSaver { state } => Command::DataSaver(state.map(|s| s == "on")),
            LowCommand::Units { province_code } => Command::Units(province_code),
            LowCommand::SetUnit { code } => Command::SetUnit(code.trim().to_string()),
            LowCommand::News { json, limit } => Command::News {
                format: Format::from_flag(json),
                limit: positive(limit).context("--limit")?,
            },
            LowCommand::Alerts { json, wait } => Command::Alerts {
                format: Format::from_flag(json),
                wait,
            },
            LowCommand::Bulletins {
                json,
                days,
                lat,
                long,
            } => Command::Bulletins {
                format: Format::from_flag(json),
                days,
                near: match (lat, long) {
                    (Some(lat), Some(long)) => Some((lat, long)),
                    (None, None) => None,
                    _ => bail!("cần cả --lat và --long"),
                },
            },
            LowCommand::Outages { from, json, ics } => Command::Outages {
                from: from.as_deref().map(parse_from).transpose()?,
                format: Format::from_flag(json),
                ics,
            },
            LowCommand::Search {
                query,
                json,
                limit,
                level,
                field,
            } => Command::Search {
                query: congdan_core::ProcedureQuery {
                    text: query,
                    level,
                    field,
                    limit: positive(limit).context("--limit")?,
                },
                format: Format::from_flag(json),
            },
            LowCommand::Procedure { code, json } => Command::Procedure {
                code: code.trim().to_string(),
                format: Format::from_flag(json),
            },
            LowCommand::Guide { event, json } => Command::Guide {
                event: event.map(|e| e.trim().to_string()),
                format: Format::from_flag(json),
            },
            LowCommand::Save { code, remove } => Command::Save {
                code: code.trim().to_string(),
                saved: !remove,
            },
            LowCommand::Images {
                budget,
                clear,
                json,
            } => Command::Images {
                change: match (budget, clear) {
                    (Some(mb), _) => Some(ImagesChange::Budget(mb)),
                    (None, true) => Some(ImagesChange::Clear),
                    (None, false) => None,
                },
                format: Format::from_flag(json),
            },
            LowCommand::Status { json } => Command::Status(Format::from_flag(json)),
            LowCommand::Connection { json } => Command::Connection(Format::from_flag(json)),
            LowCommand::SetServer { url } => Command::SetServer(url.trim().to_string()),
            LowCommand::Services { json } => Command::Services(Format::from_flag(json)),
            LowCommand::Submit {
                service,
                description,
                lat,
                long,
                address,
                village,
                attrs,
                photos,
                no_send,
                json,
            } => {
                if lat.is_some() != long.is_some() {
                    bail!("cần cả --lat và --long");
                }
                if photos.len() > 5 {
                    bail!("tối đa 5 ảnh (--photo)");
                }
                Command::Submit(Box::new(Submit {
                    draft: congdan_core::RequestDraft {
                        service_code: service.trim().to_string(),
                        description,
                        attributes: attributes(&attrs)?,
                        lat,
                        long,
                        address,
                        village,
                        photo_ids: Vec::new(),
                    },
                    photos,
                    send: !no_send,
                    format: Format::from_flag(json),
                }))
            }
            LowCommand::Outbox {
                action,
                drain,
                json,
            } => Command::Outbox {
                retry: action.map(|OutboxAction::Retry { id }| id),
                drain,
                format: Format::from_flag(json),
            },
            LowCommand::Requests { json } => Command::Requests(Format::from_flag(json)),
            LowCommand::Bus { action } => Command::Bus(action.try_into()?),
            LowCommand::Login { username } => {
                Command::Official(crate::official::OfficialCommand::Login(username))
            }
            LowCommand::Logout => Command::Official(crate::official::OfficialCommand::Logout),
            LowCommand::Announce { action } => {
                Command::Official(crate::official::OfficialCommand::announce(action)?)
            }
            LowCommand::Announcements { json } => Command::Official(
                crate::official::OfficialCommand::Announcements(Format::from_flag(json)),
            ),
            LowCommand::Ack {
                id,
                kind,
                reason,
                household,
                unit,
            } => Command::Official(crate::official::OfficialCommand::ack(
                id, &kind, reason, household, unit,
            )?),
            LowCommand::Reach {
                unit,
                weeks,
                csv,
                json,
            } => Command::Official(crate::official::OfficialCommand::Reach {
                unit,
                weeks,
                csv,
                format: Format::from_flag(json),
            }),
            LowCommand::PostBulletin { file, json } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("đọc {}", file.display()))?;
                let input = serde_json::from_str(&text)
                    .with_context(|| format!("{} không phải bản tin hợp lệ", file.display()))?;
                Command::Official(crate::official::OfficialCommand::PostBulletin {
                    input: Box::new(input),
                    format: Format::from_flag(json),
                })
            }
            LowCommand::Inbox { json } => Command::Official(
                crate::official::OfficialCommand::Inbox(Format::from_flag(json)),
            ),
            LowCommand::Answer { request_id, text } => {
                Command::Official(crate::official::OfficialCommand::Answer { request_id, text })
            }
            LowCommand::Assign {
                request_id,
                unit,
                to,
            } => Command::Official(crate::official::OfficialCommand::Assign {
                request_id,
                unit,
                to,
            }),
            LowCommand::Request { id, json } => Command::Request {
                id: id.trim().to_string(),
                format: Format::from_flag(json),
            },
        };
        Ok(Config {
            db: low.db,
            server: low.server,
            api_key: low.api_key,
            command,
        })
    }
}

/// Groups `CODE=VALUE` flags by code, keeping the order of first appearance.
fn attributes(flags: &[String]) -> anyhow::Result<Vec<congdan_core::AttributeAnswer>> {
    let mut out: Vec<congdan_core::AttributeAnswer> = Vec::new();
    for flag in flags {
        let Some((code, value)) = flag.split_once('=') else {
            bail!("--attr phải có dạng MÃ=GIÁ_TRỊ: {flag}");
        };
        let code = code.trim();
        if code.is_empty() {
            bail!("--attr thiếu mã: {flag}");
        }
        match out.iter_mut().find(|a| a.code == code) {
            Some(a) => a.values.push(value.to_string()),
            None => out.push(congdan_core::AttributeAnswer {
                code: code.to_string(),
                values: vec![value.to_string()],
            }),
        }
    }
    Ok(out)
}

/// Rejects 0 where a count must be positive.
fn positive(n: u32) -> anyhow::Result<u32> {
    if n == 0 {
        bail!("phải lớn hơn 0");
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> anyhow::Result<Config> {
        let low = LowArgs::try_parse_from(std::iter::once("congdan").chain(args.iter().copied()))?;
        Config::try_from(low)
    }

    #[test]
    fn api_key_and_server_are_taken_before_the_command() {
        let c = config(&[
            "--db",
            "p.sqlite",
            "--server",
            "http://127.0.0.1:8787",
            "--api-key",
            "k1",
            "connection",
            "--json",
        ])
        .unwrap();
        assert_eq!(c.api_key.as_deref(), Some("k1"));
        assert_eq!(c.command, Command::Connection(Format::Json));
        let c = config(&["--db", "p.sqlite", "set-server", " http://x.vn "]).unwrap();
        assert_eq!(c.api_key, None);
        assert_eq!(c.command, Command::SetServer("http://x.vn".into()));
    }

    #[test]
    fn parses_search_with_filters() {
        let c = config(&[
            "--db",
            "p.sqlite",
            "search",
            "cap lai can cuoc",
            "--json",
            "--limit",
            "5",
            "--level",
            "Cấp xã",
        ])
        .unwrap();
        assert_eq!(
            c.command,
            Command::Search {
                query: congdan_core::ProcedureQuery {
                    text: "cap lai can cuoc".into(),
                    level: Some("Cấp xã".into()),
                    field: None,
                    limit: 5
                },
                format: Format::Json
            }
        );
    }

    #[test]
    fn server_is_global_and_limit_must_be_positive() {
        let c = config(&["--db", "p", "--server", "http://x", "sync"]).unwrap();
        assert_eq!(c.server.as_deref(), Some("http://x"));
        assert_eq!(c.command, Command::Sync { full: false });
        assert!(config(&["--db", "p", "news", "--limit", "0"]).is_err());
        assert!(config(&["sync"]).is_err(), "--db is required");
        let c = config(&["--db", "p", "units"]).unwrap();
        assert_eq!(c.command, Command::Units(None));
    }

    #[test]
    fn parses_submit_with_attributes_and_photos() {
        let c = config(&[
            "--db",
            "p",
            "submit",
            "--service",
            "ha-tang",
            "--description",
            "Ổ gà",
            "--lat",
            "21.03",
            "--long",
            "105.8",
            "--attr",
            "muc_do=nang",
            "--attr",
            "loai=a",
            "--attr",
            "loai=b",
            "--photo",
            "a.jpg",
        ])
        .unwrap();
        let Command::Submit(s) = c.command else {
            panic!("not submit");
        };
        assert_eq!(s.draft.attributes.len(), 2);
        assert_eq!(s.draft.attributes[1].values, ["a", "b"]);
        assert_eq!(s.draft.lat, Some(21.03));
        assert_eq!(s.photos.len(), 1);
        assert!(s.send);
        assert!(
            config(&[
                "--db",
                "p",
                "submit",
                "--service",
                "x",
                "--description",
                "y",
                "--lat",
                "1"
            ])
            .is_err()
        );
        assert!(
            config(&[
                "--db",
                "p",
                "submit",
                "--service",
                "x",
                "--description",
                "y",
                "--attr",
                "novalue"
            ])
            .is_err()
        );
        let c = config(&["--db", "p", "outbox", "--drain", "--json"]).unwrap();
        assert_eq!(
            c.command,
            Command::Outbox {
                retry: None,
                drain: true,
                format: Format::Json
            }
        );
        let c = config(&["--db", "p", "outbox", "--drain", "retry", "12"]).unwrap();
        assert_eq!(
            c.command,
            Command::Outbox {
                retry: Some(12),
                drain: true,
                format: Format::Text
            }
        );
    }
}
