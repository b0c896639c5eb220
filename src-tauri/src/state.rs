//! The state every command receives: the profile's client core.

use congdan_core::Core;
use std::path::PathBuf;

/// Where a profile lives and which server it talks to, decided once at start-up.
#[derive(Debug, Clone)]
pub struct ProfileConfig {
    /// SQLite file of the profile.
    pub db_path: PathBuf,
    /// Server to use, when the environment names one (`CONGDAN_SERVER`); otherwise the stored one.
    pub server_url: Option<String>,
    /// Open311 key to use, when the environment names one (`CONGDAN_API_KEY`, for
    /// `make run` and tests); otherwise the stored one, else the build's default.
    pub api_key: Option<String>,
}

/// Managed Tauri state: one [`Core`] for the window's profile.
pub struct AppState {
    /// The client core; cheap to clone, safe to share between commands.
    pub core: Core,
}

impl AppState {
    /// Opens (and migrates) the profile database and applies the configured server URL and key.
    pub fn open(config: &ProfileConfig) -> Result<Self, congdan_core::Error> {
        let core = Core::open(&config.db_path)?;
        if let Some(url) = &config.server_url {
            core.set_server_url(url)?;
        }
        if let Some(key) = &config.api_key {
            core.set_api_key(key)?;
        }
        Ok(Self { core })
    }
}
