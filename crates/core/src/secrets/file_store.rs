//! [`SecretStore`] in a file of the profile directory, readable only by the
//! user: the fallback where no credential store answers (a desktop without a
//! Secret Service, a headless machine). Unlike the kernel session keyring it
//! survives logouts and reboots, so a device keeps its identity; like any
//! file it is as safe as the user's account and disk.
//!
//! One JSON map `{key: token}` in `secrets.json`, mode 0600, replaced
//! atomically (a uniquely named temporary file written and synced, renamed,
//! the directory synced), so a crash leaves either the old or the new map,
//! never half of one, also with two stores on one profile in one process.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{SecretStore, check};
use crate::Error;

/// File name of the map inside the profile directory.
pub const FILE_NAME: &str = "secrets.json";

/// Tokens in `<profile dir>/secrets.json`.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    /// Serialises this process's read-modify-write cycles.
    lock: Mutex<()>,
}

/// A file failure, without the file's content.
fn io(what: &str, e: std::io::Error) -> Error {
    Error::Secret {
        reason: format!("{what}: {e}"),
    }
}

impl FileStore {
    /// The store of the profile whose files live in `dir` (the file is made
    /// on the first write).
    pub fn new(dir: &Path) -> FileStore {
        FileStore {
            path: dir.join(FILE_NAME),
            lock: Mutex::new(()),
        }
    }

    /// The map as stored; a missing file is an empty map, and so is a
    /// damaged one (the device then registers again and keeps working; the
    /// next write replaces the damaged file).
    fn load(&self) -> Result<BTreeMap<String, String>, Error> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                tracing::warn!("secrets file is damaged; treating it as empty");
                BTreeMap::new()
            })),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(io("read secrets file", e)),
        }
    }

    /// Replaces the file with `map`, atomically and durably, readable only by
    /// the user: a fresh temporary file (0600, unique name) is written and
    /// synced, renamed over the old one, and the directory synced.
    fn save(&self, map: &BTreeMap<String, String>) -> Result<(), Error> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| io("create profile directory", e))?;
        let bytes = serde_json::to_vec(map).map_err(|e| Error::Internal {
            reason: format!("encode secrets: {e}"),
        })?;
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir).map_err(|e| io("create secrets file", e))?;
        tmp.write_all(&bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| io("write secrets file", e))?;
        tmp.persist(&self.path)
            .map_err(|e| io("replace secrets file", e.error))?;
        #[cfg(unix)]
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io("sync profile directory", e))?;
        Ok(())
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for FileStore {
    fn get(&self, profile: &str) -> Result<Option<String>, Error> {
        check(profile, None)?;
        let _g = self.guard();
        Ok(self.load()?.remove(profile))
    }

    fn set(&self, profile: &str, token: &str) -> Result<(), Error> {
        check(profile, Some(token))?;
        let _g = self.guard();
        let mut map = self.load()?;
        map.insert(profile.to_string(), token.to_string());
        self.save(&map)
    }

    fn delete(&self, profile: &str) -> Result<(), Error> {
        check(profile, None)?;
        let _g = self.guard();
        let mut map = self.load()?;
        if map.remove(profile).is_some() {
            self.save(&map)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_store_meets_the_contract_and_survives_a_new_process() {
        let dir = tempfile::tempdir().unwrap();
        super::super::memory::tests::contract(&FileStore::new(dir.path()), "device:a");
        FileStore::new(dir.path()).set("device:b", "t").unwrap();
        assert_eq!(
            FileStore::new(dir.path())
                .get("device:b")
                .unwrap()
                .as_deref(),
            Some("t"),
            "a second store on the same directory (a later run) reads it"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        FileStore::new(dir.path()).set("device:a", "t").unwrap();
        let mode = fs::metadata(dir.path().join(FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_damaged_file_reads_as_empty_and_is_replaced_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let store = FileStore::new(dir.path());
        assert_eq!(store.get("device:a").unwrap(), None);
        store.set("device:a", "t").unwrap();
        assert_eq!(store.get("device:a").unwrap().as_deref(), Some("t"));
    }
}
