//! Android [`SecretStore`]: a documented stub until the Keystore-backed store
//! (android-native-keyring-store, which needs the NDK context Tauri's mobile
//! runtime provides) is wired. Every call returns [`Error::Unsupported`]
//! (code `internal`), so callers fail loudly instead of losing tokens.

use super::SecretStore;
use crate::Error;

/// Placeholder for the Android Keystore store.
#[derive(Debug)]
pub struct AndroidStore;

impl AndroidStore {
    /// Errors: always `Unsupported` until the Android store is wired.
    pub fn new() -> Result<AndroidStore, Error> {
        Err(unsupported())
    }
}

/// The error every call returns.
fn unsupported() -> Error {
    Error::Unsupported {
        what: "Android credential store",
    }
}

impl SecretStore for AndroidStore {
    fn get(&self, _profile: &str) -> Result<Option<String>, Error> {
        Err(unsupported())
    }

    fn set(&self, _profile: &str, _token: &str) -> Result<(), Error> {
        Err(unsupported())
    }

    fn delete(&self, _profile: &str) -> Result<(), Error> {
        Err(unsupported())
    }
}
