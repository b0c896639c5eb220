//! Desktop [`SecretStore`] over the keyring ecosystem (keyring-core).
//!
//! On Linux it uses the kernel keyutils store, which works on headless
//! machines without a Secret Service. That store needs the process to be in a
//! session keyring, so [`KeyringStore::new`] joins (creating if needed) one
//! first. Keyutils values do not survive a reboot: fine for tests and headless
//! use; a desktop Secret Service store is the follow-up for users' machines.
//! Other desktop platforms have no store wired yet and get a typed error.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{SERVICE, SecretStore, check};
use crate::Error;

/// Tokens in the platform credential store.
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

impl KeyringStore {
    /// Opens the platform store. Errors: `internal` when the platform store or
    /// the session keyring is not available.
    #[cfg(target_os = "linux")]
    pub fn new() -> Result<KeyringStore, Error> {
        use linux_keyutils::{KeyRing, KeyRingIdentifier};
        KeyRing::from_special_id(KeyRingIdentifier::Session, true).map_err(|e| Error::Secret {
            reason: format!("cannot join a session keyring: {e:?}"),
        })?;
        let store: Arc<CredentialStore> =
            linux_keyutils_keyring_store::Store::new().map_err(platform)?;
        Ok(KeyringStore { store })
    }

    /// Opens the platform store. Errors: `internal` (unsupported) until this
    /// platform's store is wired.
    #[cfg(not(target_os = "linux"))]
    pub fn new() -> Result<KeyringStore, Error> {
        Err(Error::Unsupported {
            what: "credential store on this desktop platform",
        })
    }

    /// The entry of one profile.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the store contract against the real keyutils store when this
    /// machine offers one (containers may forbid keyctl); otherwise it says so
    /// and passes, since there is nothing to test.
    #[test]
    fn keyutils_store_meets_the_contract_when_available() {
        let store = match KeyringStore::new() {
            Ok(store) => store,
            Err(e) => {
                eprintln!("skipping: no platform credential store here: {e}");
                return;
            }
        };
        let profile = format!("test-{}", uuid::Uuid::new_v4());
        // A store that opens but refuses writes (seccomp) is treated as unavailable too.
        if let Err(e) = store.set(&profile, "probe") {
            eprintln!("skipping: credential store refuses writes: {e}");
            return;
        }
        super::super::memory::tests::contract(&store, &profile);
    }
}
