//! Desktop [`SecretStore`] over the keyring ecosystem (keyring-core): the
//! Secret Service on Linux (GNOME Keyring, KWallet; through zbus, no C
//! library), the Keychain on macOS, the Credential Manager on Windows.
//!
//! Each survives reboots. [`KeyringStore::open`] probes the store with one
//! read, so a machine without one (no D-Bus session, no Secret Service, a
//! locked-down container) is told apart at start-up and the caller falls back
//! to the profile file ([`super::FileStore`]).

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{SERVICE, SecretStore, check};
use crate::Error;

/// Tokens in the desktop's credential store.
#[derive(Debug)]
pub struct KeyringStore {
    store: Arc<CredentialStore>,
}

/// Turns a keyring failure into our error without leaking secret bytes.
fn platform(e: keyring_core::Error) -> Error {
    let reason = match e {
        keyring_core::Error::BadEncoding(_) => "stored token is not UTF-8".to_string(),
        keyring_core::Error::BadDataFormat(_, inner) => format!("bad stored data: {inner}"),
        other => other.to_string(),
    };
    Error::Secret { reason }
}

/// This platform's keyring-core store.
#[cfg(target_os = "linux")]
fn native() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> =
        zbus_secret_service_keyring_store::Store::new().map_err(platform)?;
    Ok(store)
}

/// This platform's keyring-core store.
#[cfg(target_os = "macos")]
fn native() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(platform)?;
    Ok(store)
}

/// This platform's keyring-core store.
#[cfg(target_os = "windows")]
fn native() -> Result<Arc<CredentialStore>, Error> {
    let store: Arc<CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(platform)?;
    Ok(store)
}

/// No store is wired on other desktops.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn native() -> Result<Arc<CredentialStore>, Error> {
    Err(Error::Unsupported {
        what: "credential store on this desktop platform",
    })
}

impl KeyringStore {
    /// Opens the desktop's credential store and checks that it answers.
    /// Errors: `internal` when there is none or it does not answer.
    pub fn open() -> Result<KeyringStore, Error> {
        let store = KeyringStore { store: native()? };
        store.get("probe")?;
        Ok(store)
    }

    /// The entry of one key.
    fn entry(&self, profile: &str) -> Result<Entry, Error> {
        self.store.build(SERVICE, profile, None).map_err(platform)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, profile: &str) -> Result<Option<String>, Error> {
        check(profile, None)?;
        match self.entry(profile)?.get_password() {
            Ok(token) => Ok(Some(token)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(platform(e)),
        }
    }

    fn set(&self, profile: &str, token: &str) -> Result<(), Error> {
        check(profile, Some(token))?;
        self.entry(profile)?.set_password(token).map_err(platform)
    }

    fn delete(&self, profile: &str) -> Result<(), Error> {
        check(profile, None)?;
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(platform(e)),
        }
    }
}
