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
    about = "Cổng Dân từ dòng lệnh: đồng bộ, tin tức, tra cứu thủ tục hành chính"
)]
pub struct LowArgs {
    /// Profile database file (created if missing).
    #[arg(long, value_name = "FILE")]
    db: PathBuf,
    /// Server base URL; remembered in the profile so later calls can omit it.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// What to do.
    #[command(subcommand)]
    command: LowCommand,
}

/// Raw subcommands.
#[derive(Debug, Subcommand)]
enum LowCommand {
    /// Pull units, procedures and the home unit's news from the server.
    Sync,
    /// List provinces, or the communes of PROVINCE_CODE.
    Units {
        /// Province code (2 digits).
        province_code: Option<String>,
    },
    /// Set the home commune (after a sync).
    SetUnit {
        /// Commune code (5 digits).
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
    /// Show what is cached and how the last sync went.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
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
    fn from_flag(json: bool) -> Format {
        if json { Format::Json } else { Format::Text }
    }
}

/// A checked command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `sync`.
    Sync,
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
    /// `status`.
    Status(Format),
}

/// The checked configuration every command runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Profile database.
    pub db: PathBuf,
    /// Server URL to store before running, if given.
    pub server: Option<String>,
    /// The command.
    pub command: Command,
}

/// Parses and checks the process arguments.
pub fn parse() -> anyhow::Result<Config> {
    Config::try_from(LowArgs::parse())
}

impl TryFrom<LowArgs> for Config {
    type Error = anyhow::Error;

    fn try_from(low: LowArgs) -> anyhow::Result<Config> {
        if low.db.as_os_str().is_empty() {
            bail!("--db không được để trống");
        }
        let command = match low.command {
            LowCommand::Sync => Command::Sync,
            LowCommand::Units { province_code } => Command::Units(province_code),
            LowCommand::SetUnit { code } => Command::SetUnit(code.trim().to_string()),
            LowCommand::News { json, limit } => Command::News {
                format: Format::from_flag(json),
                limit: positive(limit).context("--limit")?,
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
            LowCommand::Status { json } => Command::Status(Format::from_flag(json)),
        };
        Ok(Config {
            db: low.db,
            server: low.server,
            command,
        })
    }
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
        assert_eq!(c.command, Command::Sync);
        assert!(config(&["--db", "p", "news", "--limit", "0"]).is_err());
        assert!(config(&["sync"]).is_err(), "--db is required");
        let c = config(&["--db", "p", "units"]).unwrap();
        assert_eq!(c.command, Command::Units(None));
    }
}
