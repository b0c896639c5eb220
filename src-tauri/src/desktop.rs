//! Desktop specifics: where the profile lives and how logs are written.

use crate::state::ProfileConfig;
use tauri::{AppHandle, Manager, Runtime};

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The profile database is `CONGDAN_DB` when set (tests, demo), else `congdan.db`
/// in the platform data directory; `CONGDAN_SERVER` names the server to use and
/// `CONGDAN_API_KEY` its Open311 key (both remembered in the profile).
pub fn profile_config<R: Runtime>(app: &AppHandle<R>) -> Result<ProfileConfig, tauri::Error> {
    let db_path = match std::env::var_os("CONGDAN_DB") {
        Some(path) => path.into(),
        None => {
            let dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&dir)?;
            dir.join("congdan.db")
        }
    };
    let server_url = std::env::var("CONGDAN_SERVER")
        .ok()
        .filter(|s| !s.is_empty());
    let api_key = std::env::var("CONGDAN_API_KEY")
        .ok()
        .filter(|s| !s.is_empty());
    Ok(ProfileConfig {
        db_path,
        server_url,
        api_key,
    })
}
