//! The server's configuration: a TOML file (`serve --config FILE`), then
//! environment variables (`CONGDAN_*`), then command-line flags, each overriding
//! the one before; the result is one checked [`Settings`].
//!
//! Keys (documented with an example in docs/OPERATIONS.md and
//! docs/congdan-server.example.toml):
//!
//! | file key                       | environment                       | flag           |
//! |--------------------------------|-----------------------------------|----------------|
//! | `listen`                       | `CONGDAN_LISTEN`                  | `--listen`     |
//! | `database`                     | `CONGDAN_DB`                      | `--db`         |
//! | `public_url`                   | `CONGDAN_PUBLIC_URL`              | `--public-url` |
//! | `default_unit`                 | `CONGDAN_DEFAULT_UNIT`            |                |
//! | `limits.request_timeout_secs`  | `CONGDAN_REQUEST_TIMEOUT_SECS`    |                |
//! | `limits.max_body_bytes`        | `CONGDAN_MAX_BODY_BYTES`          |                |
//! | `limits.max_upload_body_bytes` | `CONGDAN_MAX_UPLOAD_BODY_BYTES`   |                |
//!
//! `database` is a SQLite file or a `postgres://` URL ([`crate::storage::Database`]).
//! No secret belongs in this file: API keys, password hashes and sessions live
//! (hashed) in the database; a PostgreSQL URL that carries a password goes in
//! `CONGDAN_DB` (a root-only environment file), not here. Unknown keys are refused, so a misspelt key or a
//! pasted secret is an error rather than silently ignored. This module reads
//! files and the environment it is handed; it does not bind or open anything.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::ServerConfig;
use crate::public_url::{PublicUrl, PublicUrlError};

/// Listen address when none is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Failures of reading or checking the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (shown in the message, so not also a `source`).
        reason: std::io::Error,
    },
    /// The configuration file is not valid TOML or has an unknown key or a wrong type.
    #[error("bad configuration file {path}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column (shown in the message).
        reason: Box<toml::de::Error>,
    },
    /// An environment variable has a value of the wrong kind.
    #[error("bad value {value:?} in environment variable {name}: {reason}")]
    Env {
        /// Variable name.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A required setting was given nowhere.
    #[error("no {key}: give {flag}, {env} or `{key}` in the configuration file")]
    Missing {
        /// File key.
        key: &'static str,
        /// Environment variable.
        env: &'static str,
        /// Command-line flag.
        flag: &'static str,
    },
    /// A setting has a value that cannot work.
    #[error("bad {key}: {reason}")]
    Invalid {
        /// File key.
        key: &'static str,
        /// Why.
        reason: String,
    },
    /// The public URL is not an absolute http(s) base URL.
    #[error("bad public_url: {0}")]
    PublicUrl(PublicUrlError),
}

/// The configuration file as written; every key optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub listen: Option<String>,
    /// SQLite database file (created if missing) or `postgres://` URL.
    pub database: Option<PathBuf>,
    /// Base URL clients reach the server at (absolute links in Open311 answers).
    pub public_url: Option<String>,
    /// Unit code that requests sent without a `unit` are triaged to.
    pub default_unit: Option<String>,
    /// Request limits.
    #[serde(default)]
    pub limits: FileLimits,
}

/// The `[limits]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileLimits {
    /// Seconds a request may take before it is answered 503.
    pub request_timeout_secs: Option<u64>,
    /// Largest body on ordinary routes, in bytes.
    pub max_body_bytes: Option<usize>,
    /// Largest body on photo routes, in bytes.
    pub max_upload_body_bytes: Option<usize>,
}

/// Settings given on the command line; they override file and environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--listen ADDR`.
    pub listen: Option<String>,
    /// `--db FILE` or `--db postgres://…`.
    pub database: Option<PathBuf>,
    /// `--public-url URL`.
    pub public_url: Option<String>,
}

/// The checked configuration `serve` runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Address to bind.
    pub listen: String,
    /// Database file or `postgres://` URL (see [`crate::storage::Database`]).
    pub database: PathBuf,
    /// Public base URL; `None` means `http://<bound address>`.
    pub public_url: Option<PublicUrl>,
    /// Unit that requests without one are triaged to.
    pub default_unit: Option<String>,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Largest ordinary body.
    pub max_body_bytes: usize,
    /// Largest photo body.
    pub max_upload_body_bytes: usize,
}

impl Settings {
    /// The HTTP settings, with the public URL defaulting to `http://<addr>`.
    pub fn server_config(&self, addr: std::net::SocketAddr) -> ServerConfig {
        ServerConfig {
            request_timeout: self.request_timeout,
            max_body_bytes: self.max_body_bytes,
            max_upload_body_bytes: self.max_upload_body_bytes,
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| PublicUrl::from_addr(addr)),
            default_unit: self.default_unit.clone(),
            ..ServerConfig::default()
        }
    }
}

/// Parse a configuration file's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|reason| ConfigError::Parse {
        path: path.to_owned(),
        reason: Box::new(reason),
    })
}

/// Read and parse a configuration file.
pub fn read(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|reason| ConfigError::Read {
        path: path.to_owned(),
        reason,
    })?;
    parse(&text, path)
}

fn env_number<T: std::str::FromStr>(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<T>, ConfigError> {
    match env(name) {
        None => Ok(None),
        Some(value) => value
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::Env {
                name,
                value,
                reason: "a whole number is expected",
            }),
    }
}

/// Put file, environment (`env` looks a variable up; `std::env::var` in the
/// binary) and flags together, later ones winning, and check the result.
/// Errors: `Read`, `Parse` (the file), `Env`, `Missing` (no database),
/// `Invalid`, `PublicUrl`.
pub fn resolve(
    flags: Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let file = match &flags.config {
        Some(path) => read(path)?,
        None => FileConfig::default(),
    };
    let defaults = ServerConfig::default();
    let listen = flags
        .listen
        .or_else(|| env("CONGDAN_LISTEN"))
        .or(file.listen)
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let database = flags
        .database
        .or_else(|| env("CONGDAN_DB").map(PathBuf::from))
        .or(file.database)
        .ok_or(ConfigError::Missing {
            key: "database",
            env: "CONGDAN_DB",
            flag: "--db",
        })?;
    let public_url = flags
        .public_url
        .or_else(|| env("CONGDAN_PUBLIC_URL"))
        .or(file.public_url)
        .map(|url| PublicUrl::parse(&url))
        .transpose()
        .map_err(ConfigError::PublicUrl)?;
    let default_unit = env("CONGDAN_DEFAULT_UNIT")
        .or(file.default_unit)
        .map(|unit| unit.trim().to_owned())
        .filter(|unit| !unit.is_empty());
    let timeout_secs = env_number(env, "CONGDAN_REQUEST_TIMEOUT_SECS")?
        .or(file.limits.request_timeout_secs)
        .unwrap_or(defaults.request_timeout.as_secs());
    let max_body_bytes = env_number(env, "CONGDAN_MAX_BODY_BYTES")?
        .or(file.limits.max_body_bytes)
        .unwrap_or(defaults.max_body_bytes);
    let max_upload_body_bytes = env_number(env, "CONGDAN_MAX_UPLOAD_BODY_BYTES")?
        .or(file.limits.max_upload_body_bytes)
        .unwrap_or(defaults.max_upload_body_bytes);
    if timeout_secs == 0 {
        return Err(ConfigError::Invalid {
            key: "limits.request_timeout_secs",
            reason: "must be at least 1 second".to_owned(),
        });
    }
    for (key, value) in [
        ("limits.max_body_bytes", max_body_bytes),
        ("limits.max_upload_body_bytes", max_upload_body_bytes),
    ] {
        if value < 1024 {
            return Err(ConfigError::Invalid {
                key,
                reason: format!("{value} bytes is too small (at least 1024)"),
            });
        }
    }
    Ok(Settings {
        listen,
        database,
        public_url,
        default_unit,
        request_timeout: Duration::from_secs(timeout_secs),
        max_body_bytes,
        max_upload_body_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn example() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/congdan-server.example.toml")
    }

    #[test]
    fn the_documented_example_parses_and_sets_every_key() {
        let file = read(&example()).unwrap();
        assert!(file.listen.is_some());
        assert!(file.database.is_some());
        assert!(file.public_url.is_some());
        assert!(file.default_unit.is_some());
        assert!(file.limits.request_timeout_secs.is_some());
        assert!(file.limits.max_body_bytes.is_some());
        assert!(file.limits.max_upload_body_bytes.is_some());
        let settings = resolve(
            Flags {
                config: Some(example()),
                ..Flags::default()
            },
            &no_env,
        )
        .unwrap();
        assert_eq!(settings.database, file.database.unwrap());
    }

    #[test]
    fn flags_beat_environment_which_beats_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:1\"\ndatabase = \"file.db\"\npublic_url = \"https://file.example\"\n\
             default_unit = \"00004\"\n[limits]\nmax_body_bytes = 2048\n",
        )
        .unwrap();
        let env: HashMap<&str, &str> = [
            ("CONGDAN_LISTEN", "0.0.0.0:2"),
            ("CONGDAN_DB", "env.db"),
            ("CONGDAN_MAX_BODY_BYTES", "4096"),
        ]
        .into();
        let lookup = |name: &str| env.get(name).map(|v| (*v).to_owned());
        let from_env = resolve(
            Flags {
                config: Some(path.clone()),
                ..Flags::default()
            },
            &lookup,
        )
        .unwrap();
        assert_eq!(from_env.listen, "0.0.0.0:2");
        assert_eq!(from_env.database, PathBuf::from("env.db"));
        assert_eq!(from_env.max_body_bytes, 4096);
        assert_eq!(
            from_env.public_url.unwrap().as_str(),
            PublicUrl::parse("https://file.example").unwrap().as_str()
        );
        assert_eq!(from_env.default_unit.as_deref(), Some("00004"));
        assert_eq!(from_env.request_timeout, Duration::from_secs(30));

        let from_flags = resolve(
            Flags {
                config: Some(path),
                listen: Some("127.0.0.1:0".into()),
                database: Some("flag.db".into()),
                public_url: Some("https://flag.example".into()),
            },
            &lookup,
        )
        .unwrap();
        assert_eq!(from_flags.listen, "127.0.0.1:0");
        assert_eq!(from_flags.database, PathBuf::from("flag.db"));
        assert!(
            from_flags
                .public_url
                .unwrap()
                .as_str()
                .contains("flag.example")
        );
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let missing = resolve(Flags::default(), &no_env).unwrap_err();
        assert!(missing.to_string().contains("CONGDAN_DB"), "{missing}");

        let path = Path::new("x.toml");
        let unknown = parse("database = \"a\"\napi_key = \"secret\"\n", path).unwrap_err();
        let text = unknown.to_string();
        assert!(
            text.contains("x.toml") && text.contains("api_key"),
            "{text}"
        );
        assert!(matches!(
            parse("listen = 8080\n", path),
            Err(ConfigError::Parse { .. })
        ));

        let bad_env = |name: &str| (name == "CONGDAN_MAX_BODY_BYTES").then(|| "lots".to_owned());
        let err = resolve(
            Flags {
                database: Some("a.db".into()),
                ..Flags::default()
            },
            &bad_env,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Env {
                name: "CONGDAN_MAX_BODY_BYTES",
                ..
            }
        ));

        let bad_url = resolve(
            Flags {
                database: Some("a.db".into()),
                public_url: Some("not a url".into()),
                ..Flags::default()
            },
            &no_env,
        );
        assert!(matches!(bad_url, Err(ConfigError::PublicUrl(_))));

        let absent = read(Path::new("/nonexistent/congdan.toml")).unwrap_err();
        assert!(matches!(absent, ConfigError::Read { .. }));
    }
}
