//! Session tokens in the platform credential store, behind one small trait.
//!
//! Owns: the [`SecretStore`] trait, the desktop implementation over the keyring
//! ecosystem ([`KeyringStore`], kernel keyutils on Linux), the Android stub, and
//! an in-memory store for tests. Does not own: when tokens are obtained or
//! used (no feature needs them yet), and it never logs secret values.
//! Callers pick the platform store through [`platform_store`] and never write a `cfg`.

#[cfg(target_os = "android")]
mod android_store;
#[cfg(not(target_os = "android"))]
mod keyring_store;
mod memory;

#[cfg(target_os = "android")]
pub use android_store::AndroidStore;
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

/// The credential store of this platform. Errors: `internal` when the platform
/// store cannot be opened; on Android, `internal` (unsupported) until it is wired.
pub fn platform_store() -> Result<Box<dyn SecretStore>, Error> {
    #[cfg(not(target_os = "android"))]
    {
        Ok(Box::new(KeyringStore::new()?))
    }
    #[cfg(target_os = "android")]
    {
        Ok(Box::new(AndroidStore::new()?))
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
