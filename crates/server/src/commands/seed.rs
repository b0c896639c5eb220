//! `seed`: fill the database from a data directory (`units.csv`,
//! `procedures.jsonl.gz`, `feeds/*.xml` as national news, the Open311 services);
//! demo accounts and the demo key only with [`seed_demo`]. Upserts, so running
//! it again changes nothing that did not change. Each procedure gets the
//! aliases the synonym dictionary finds in its name ("sổ đỏ", "CCCD"), so
//! devices find it by what residents call it.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use congdan_search::Synonyms;
use congdan_sources::{catalogue, feed, units};

use super::{CommandError, SeedReport, SourceReport, blocking};
use crate::storage::{NATIONAL_UNIT, Resource, Storage};

/// The synonym dictionary a seed applies: the one that ships with the
/// project, then the commune's own lines from `dir/synonyms.tsv` (kept with
/// the data, so every re-seed applies them), then `extra`. Errors: `io` for
/// an unreadable file, `synonyms` (with the line) for a malformed one.
pub fn synonyms(dir: &Path, extra: Option<&Path>) -> Result<Synonyms, CommandError> {
    let mut dictionary = Synonyms::builtin();
    let own = dir.join("synonyms.tsv");
    let files = own
        .is_file()
        .then_some(own.as_path())
        .into_iter()
        .chain(extra);
    for path in files {
        let io = |source| CommandError::Io {
            path: path.to_owned(),
            source,
        };
        let bytes = read_limited(path, MAX_SYNONYMS_FILE_BYTES).map_err(io)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        let parsed = Synonyms::parse(&text).map_err(|source| CommandError::Synonyms {
            path: path.to_owned(),
            source,
        })?;
        dictionary = dictionary.extended(parsed);
    }
    Ok(dictionary)
}

/// Seed `storage` from `dir`, adding to each procedure the aliases `synonyms`
/// finds in its name. Units and procedures are required; a feed file that is
/// not a feed is skipped and reported.
pub async fn seed(
    storage: &dyn Storage,
    dir: &Path,
    synonyms: &Synonyms,
) -> Result<SeedReport, CommandError> {
    let mut report = SeedReport::default();

    let path = dir.join("units.csv");
    let parsed = blocking(move || {
        let bytes =
            read_limited(&path, MAX_UNITS_FILE_BYTES).map_err(|source| CommandError::Io {
                path: path.clone(),
                source,
            })?;
        units::parse(bytes.as_slice()).map_err(|source| CommandError::Source {
            what: path.display().to_string(),
            source,
        })
    })
    .await?;
    let counts = storage.upsert_units(parsed.items).await?;
    report.sources.push(SourceReport {
        name: "units.csv".to_owned(),
        counts,
        rejected: parsed.rejected,
        repaired: parsed.repaired,
    });

    let path = dir.join("procedures.jsonl.gz");
    let parsed = blocking(move || {
        catalogue::open(&path).map_err(|source| CommandError::Source {
            what: path.display().to_string(),
            source,
        })
    })
    .await?;
    let mut procedures = parsed.items;
    for p in &mut procedures {
        p.aliases = synonyms.aliases_for(&p.name);
    }
    report.procedures_with_aliases = procedures.iter().filter(|p| !p.aliases.is_empty()).count();
    let counts = storage.upsert_procedures(procedures).await?;
    // Devices download their first catalogue as one body (issue 12).
    crate::bundles::refresh(storage, Resource::Procedures).await?;
    report.sources.push(SourceReport {
        name: "procedures.jsonl.gz".to_owned(),
        counts,
        rejected: parsed.rejected,
        repaired: parsed.repaired,
    });

    for path in feed_files(&dir.join("feeds"))? {
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let parsed = blocking(move || {
            let bytes = read_capped(&path, feed::MAX_FEED_BYTES)?;
            feed::parse(&bytes, NATIONAL_UNIT).map_err(|source| CommandError::Source {
                what: path.display().to_string(),
                source,
            })
        })
        .await;
        match parsed {
            Ok(parsed) => {
                let counts = storage.upsert_news(parsed.items).await?;
                report.sources.push(SourceReport {
                    name,
                    counts,
                    rejected: parsed.rejected,
                    repaired: parsed.repaired,
                });
            }
            Err(CommandError::Source { source, .. }) => {
                tracing::warn!(error = %source, "skipping a feed file that is not a feed");
                report.failed_feeds.push((name, source.to_string()));
            }
            Err(other) => return Err(other),
        }
    }
    seed_services(storage).await?;
    Ok(report)
}

/// Seed the Open311 services (the catalogue of what residents can report).
/// Run by every `seed`; creates no account and no key.
pub async fn seed_services(storage: &dyn Storage) -> Result<(), CommandError> {
    let count = storage
        .put_services(crate::open311::catalogue::services())
        .await?;
    tracing::info!(services = count, "seeded services");
    Ok(())
}

/// Demo data for `seed --demo` and tests: the services, the demo officer of
/// unit 00004 ([`crate::accounts::DEMO_USERNAME`], its password reset to the
/// published demo password) and the demo Open311 key
/// ([`crate::api_keys::DEMO_API_KEY`], named `demo`), and the demo villages,
/// officials of every role and announcements ([`super::demo`]), and the demo
/// epidemic bulletins ([`super::demo_bulletins`]). Never for a
/// real deployment.
pub async fn seed_demo(storage: &dyn Storage) -> Result<(), CommandError> {
    seed_services(storage).await?;
    crate::accounts::add_account(
        storage,
        crate::accounts::DEMO_USERNAME,
        crate::accounts::DEMO_PASSWORD,
        "Nguyễn Văn Cán Bộ",
        congdan_protocol::requests::Role::Officer,
        crate::accounts::DEMO_UNIT,
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| CommandError::Worker(e.to_string()))?;
    match crate::api_keys::add_known(
        storage,
        crate::api_keys::DEMO_KEY_NAME,
        crate::api_keys::DEMO_API_KEY,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(()) | Err(crate::api_keys::ApiKeyError::Exists(_)) => {}
        Err(e) => return Err(CommandError::Worker(e.to_string())),
    }
    super::demo::seed_officials(storage).await?;
    super::demo_bulletins::seed_bulletins(storage).await?;
    tracing::info!("seeded the demo officer and the demo key");
    Ok(())
}

/// `*.xml` files of `dir`, sorted by name; none when the directory does not exist.
fn feed_files(dir: &Path) -> Result<Vec<PathBuf>, CommandError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(CommandError::Io {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| CommandError::Io {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|ext| ext == "xml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Largest `units.csv` (the real list of 3,355 units is 170 KB).
pub const MAX_UNITS_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Largest synonym file (the built-in dictionary is 12 KB).
pub const MAX_SYNONYMS_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Read a whole file of at most `max` bytes; a larger one is refused before
/// anything is parsed (an `io` error of kind `FileTooLarge`).
pub fn read_limited(path: &Path, max: usize) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// Read at most `max + 1` bytes, so that the parser can tell "too large" without
/// us holding an unbounded file in memory.
pub(super) fn read_capped(path: &Path, max: usize) -> Result<Vec<u8>, CommandError> {
    let io = |source| CommandError::Io {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_their_limit_are_refused_before_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.csv");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        let err = read_limited(&path, 100).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert_eq!(read_limited(&path, 101).unwrap().len(), 101);
    }

    #[tokio::test]
    async fn an_oversized_units_file_fails_the_seed_and_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let file = std::fs::File::create(data.join("units.csv")).unwrap();
        file.set_len(MAX_UNITS_FILE_BYTES as u64 + 1).unwrap();
        let storage = crate::storage::SqliteStorage::open(&dir.path().join("s.db")).unwrap();
        let err = seed(&storage, &data, &Synonyms::builtin())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, CommandError::Io { source, .. } if source.kind() == std::io::ErrorKind::FileTooLarge),
            "{err:?}"
        );
        assert!(
            crate::storage::ContentStorage::unit(&storage, "00004".into())
                .await
                .unwrap()
                .is_none()
        );
    }
}
