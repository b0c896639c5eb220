//! An in-memory [`SecretStore`] for tests and for callers that must not persist tokens.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{SecretStore, check};
use crate::Error;

/// Tokens kept in process memory only; gone when the process exits.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Locks the map; a poisoned lock still holds consistent data (single inserts).
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str) -> Result<Option<String>, Error> {
        check(profile, None)?;
        Ok(self.map().get(profile).cloned())
    }

    fn set(&self, profile: &str, token: &str) -> Result<(), Error> {
        check(profile, Some(token))?;
        self.map().insert(profile.to_string(), token.to_string());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<(), Error> {
        check(profile, None)?;
        self.map().remove(profile);
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ErrorCode;

    /// The behaviour every [`SecretStore`] must have.
    pub(crate) fn contract(store: &dyn SecretStore, profile: &str) {
        store.delete(profile).unwrap();
        assert_eq!(store.get(profile).unwrap(), None);
        store.set(profile, "token-1").unwrap();
        store.set(profile, "token-2").unwrap();
        assert_eq!(store.get(profile).unwrap().as_deref(), Some("token-2"));
        store.delete(profile).unwrap();
        store.delete(profile).unwrap();
        assert_eq!(store.get(profile).unwrap(), None);
        assert_eq!(
            store.set(profile, "").unwrap_err().code(),
            ErrorCode::InvalidInput
        );
        assert_eq!(store.get("").unwrap_err().code(), ErrorCode::InvalidInput);
    }

    #[test]
    fn memory_store_meets_the_contract() {
        contract(&MemoryStore::new(), "default");
    }
}
