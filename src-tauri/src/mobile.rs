//! Android (and iOS) specifics: the profile lives in the app's private data directory,
//! the server comes from the stored settings, logs go to the platform logger through stderr.

use crate::state::ProfileConfig;
use tauri::{AppHandle, Manager, Runtime};

/// Logs through `tracing` with a plain formatter (logcat captures stderr).
pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_ansi(false)
        .try_init();
}

/// The profile database is `congdan.db` in the app's private data directory; the
/// server and key are the stored ones (Settings), else the build's defaults.
pub fn profile_config<R: Runtime>(app: &AppHandle<R>) -> Result<ProfileConfig, tauri::Error> {
    let dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&dir)?;
    Ok(ProfileConfig {
        db_path: dir.join("congdan.db"),
        server_url: None,
        api_key: None,
    })
}
