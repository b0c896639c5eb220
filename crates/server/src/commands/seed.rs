//! `seed`: fill the database from a data directory (`units.csv`,
//! `procedures.jsonl.gz`, `feeds/*.xml` as national news). Upserts, so running
//! it again changes nothing that did not change.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use congdan_sources::{catalogue, feed, units};

use super::{CommandError, SeedReport, SourceReport, blocking};
use crate::storage::{NATIONAL_UNIT, Storage};

/// Seed `storage` from `dir`. Units and procedures are required; a feed file
/// that is not a feed is skipped and reported.
pub async fn seed(storage: &dyn Storage, dir: &Path) -> Result<SeedReport, CommandError> {
    let mut report = SeedReport::default();

    let path = dir.join("units.csv");
    let parsed = blocking(move || {
        let file = File::open(&path).map_err(|source| CommandError::Io {
            path: path.clone(),
            source,
        })?;
        units::parse(BufReader::new(file)).map_err(|source| CommandError::Source {
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
    });

    let path = dir.join("procedures.jsonl.gz");
    let parsed = blocking(move || {
        catalogue::open(&path).map_err(|source| CommandError::Source {
            what: path.display().to_string(),
            source,
        })
    })
    .await?;
    let counts = storage.upsert_procedures(parsed.items).await?;
    report.sources.push(SourceReport {
        name: "procedures.jsonl.gz".to_owned(),
        counts,
        rejected: parsed.rejected,
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
                });
            }
            Err(CommandError::Source { source, .. }) => {
                tracing::warn!(error = %source, "skipping a feed file that is not a feed");
                report.failed_feeds.push((name, source.to_string()));
            }
            Err(other) => return Err(other),
        }
    }
    seed_requests(storage).await?;
    Ok(report)
}

/// Seed the Open311 services and the demo officer of unit 00004
/// ([`crate::accounts::DEMO_USERNAME`]). Always run by `seed`: it is demo data,
/// and re-running it resets the demo officer's password.
pub async fn seed_requests(storage: &dyn Storage) -> Result<(), CommandError> {
    let count = storage
        .put_services(crate::open311::catalogue::services())
        .await?;
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
    tracing::info!(services = count, "seeded services and the demo officer");
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
