//! Device tokens in the platform credential store, behind one small trait.
//!
//! Owns: the [`SecretStore`] trait; on desktops the credential store of the
//! platform ([`KeyringStore`]: Secret Service, Keychain, Credential Manager)
//! with a file in the profile directory readable only by the user
//! ([`FileStore`]) where none answers, so a token survives reboots everywhere
//! (the kernel session keyring did not); the Android stub; an in-memory store
//! for tests. Does not own: when tokens are obtained or used (`api`), and it
//! never logs secret values. Callers pick the store through [`platform_store`]
//! and never write a `cfg`.

#[cfg(target_os = "android")]
mod android_store;
mod file_store;
#[cfg(not(target_os = "android"))]
mod keyring_store;
mod memory;

use std::path::Path;

#[cfg(target_os = "android")]
pub use android_store::AndroidStore;
pub use file_store::FileStore;
#[cfg(not(target_os = "android"))]
pub use keyring_store::KeyringStore;
pub use memory::MemoryStore;

use crate::Error;

/// Service name under which every token is filed in the credential store.
pub const SERVICE: &str = "vn.congdan.app";

/// Where a profile's session token lives. One token per profile name.
pub trait SecretStore: Send + Sync {
    /// The token of `profile`, or `None` when none is stored. Errors: `internal`
    /// when the platform store fails.
    fn get(&self, profile: &str) -> Result<Option<String>, Error>;
    /// Stores (or replaces) the token of `profile`. Errors: `invalid_input` for an
    /// empty token, `internal` when the platform store fails.
    fn set(&self, profile: &str, token: &str) -> Result<(), Error>;
    /// Removes the token of `profile`; removing a missing token is not an error.
    /// Errors: `internal` when the platform store fails.
    fn delete(&self, profile: &str) -> Result<(), Error>;
}

/// The credential store of this platform for a profile whose files live in
/// `profile_dir`: on desktops the platform store when it answers, else the
/// profile file (logged once, as a warning naming no secret). Errors: on
/// Android, `internal` (unsupported) until the Keystore store is wired.
pub fn platform_store(profile_dir: &Path) -> Result<Box<dyn SecretStore>, Error> {
    #[cfg(not(target_os = "android"))]
    {
        let file = FileStore::new(profile_dir);
        match KeyringStore::open() {
            Ok(keyring) => Ok(Box::new(Layered { keyring, file })),
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    "no credential store answers; device token kept in the profile file"
                );
                Ok(Box::new(file))
            }
        }
    }
    #[cfg(target_os = "android")]
    {
        let _ = profile_dir;
        Ok(Box::new(AndroidStore::new()?))
    }
}

/// The platform store first, the profile file behind it: a token written to
/// the file while the platform store was away or failing (a session without a
/// Secret Service, a keyring left locked) is still found, and moves to the
/// platform store on the next write that succeeds there.
#[derive(Debug)]
struct Layered<P> {
    keyring: P,
    file: FileStore,
}

impl<P: SecretStore> SecretStore for Layered<P> {
    /// The file first: it only holds tokens written while the platform store
    /// failed, which are newer than any the platform store still has.
    fn get(&self, profile: &str) -> Result<Option<String>, Error> {
        if let Some(token) = self.file.get(profile)? {
            return Ok(Some(token));
        }
        self.keyring.get(profile).or_else(|e| {
            tracing::warn!(error = %e, "credential store failed a read");
            Ok(None)
        })
    }

    fn set(&self, profile: &str, token: &str) -> Result<(), Error> {
        match self.keyring.set(profile, token) {
            Ok(()) => self.file.delete(profile),
            Err(e) => {
                tracing::warn!(error = %e, "credential store failed a write; using the profile file");
                self.file.set(profile, token)?;
                // An older token left there must not come back later.
                let _ = self.keyring.delete(profile);
                Ok(())
            }
        }
    }

    /// Removes the token from both places; the first failure is reported
    /// after both were tried.
    fn delete(&self, profile: &str) -> Result<(), Error> {
        let keyring = self.keyring.delete(profile);
        let file = self.file.delete(profile);
        keyring.and(file)
    }
}

/// Rejects empty tokens and profile names before they reach a platform store.
fn check(profile: &str, token: Option<&str>) -> Result<(), Error> {
    if profile.is_empty() {
        return Err(Error::InvalidInput {
            what: "profile",
            reason: "empty".into(),
        });
    }
    if token.is_some_and(str::is_empty) {
        return Err(Error::InvalidInput {
            what: "token",
            reason: "empty".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A platform store that can be made to fail, over a memory store.
    #[derive(Debug, Default)]
    struct Flaky {
        inner: MemoryStore,
        broken: AtomicBool,
    }

    impl Flaky {
        fn fail(&self) -> Result<(), Error> {
            if self.broken.load(Ordering::SeqCst) {
                Err(Error::Secret {
                    reason: "locked".into(),
                })
            } else {
                Ok(())
            }
        }
    }

    impl SecretStore for Flaky {
        fn get(&self, p: &str) -> Result<Option<String>, Error> {
            self.fail()?;
            self.inner.get(p)
        }
        fn set(&self, p: &str, t: &str) -> Result<(), Error> {
            self.fail()?;
            self.inner.set(p, t)
        }
        fn delete(&self, p: &str) -> Result<(), Error> {
            self.fail()?;
            self.inner.delete(p)
        }
    }

    #[test]
    fn layered_store_meets_the_contract() {
        let dir = tempfile::tempdir().unwrap();
        let store = Layered {
            keyring: Flaky::default(),
            file: FileStore::new(dir.path()),
        };
        memory::tests::contract(&store, "device:a");
    }

    #[test]
    fn a_token_written_while_the_platform_store_failed_wins_over_an_older_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Layered {
            keyring: Flaky::default(),
            file: FileStore::new(dir.path()),
        };
        store.set("device:a", "old").unwrap();
        store.keyring.broken.store(true, Ordering::SeqCst);
        store.set("device:a", "new").unwrap();
        assert_eq!(store.get("device:a").unwrap().as_deref(), Some("new"));
        store.keyring.broken.store(false, Ordering::SeqCst);
        assert_eq!(
            store.get("device:a").unwrap().as_deref(),
            Some("new"),
            "the file's newer token, not the platform's older one"
        );
        store.set("device:a", "newest").unwrap();
        assert!(
            !dir.path().join(file_store::FILE_NAME).exists()
                || store.file.get("device:a").unwrap().is_none()
        );
        assert_eq!(store.get("device:a").unwrap().as_deref(), Some("newest"));
    }
}
