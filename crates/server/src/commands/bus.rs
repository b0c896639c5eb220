//! `ingest-gtfs`: read a province's GTFS zip with `congdan-transit`, and store its
//! compact network only when the feed validated; `seed` runs the same for each line of
//! `DIR/gtfs/networks.csv` (`province,file`). A refused feed leaves the stored network
//! of that province as it was.

use std::fmt;
use std::path::{Path, PathBuf};

use congdan_transit::ingest::{self, Limits, Report};
use sha2::{Digest, Sha256};

use super::blocking;
use crate::storage::transit::BusNetworkMeta;
use crate::storage::{Storage, StorageError};

/// zstd level of the served body: slow once at ingest, small for every download.
const WIRE_LEVEL: i32 = 19;

/// Why a GTFS ingest stored nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BusIngestError {
    /// The province code is not a stored province.
    #[error("unknown province {0}: seed the units first")]
    UnknownProvince(String),
    /// The feed has errors; the report lists them with file and line.
    #[error("GTFS feed refused, the stored network is unchanged:\n{0}")]
    Refused(Report),
    /// `networks.csv` is unreadable or malformed.
    #[error("{path}: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong, with the line.
        reason: String,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Building or compressing the network failed (a worker panic or an I/O error).
    #[error("ingest worker failed: {0}")]
    Worker(String),
}

/// What an accepted ingest stored.
#[derive(Debug, Clone)]
pub struct BusIngestReport {
    /// What was stored.
    pub meta: BusNetworkMeta,
    /// Warnings found in the feed.
    pub report: Report,
}

impl fmt::Display for BusIngestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.meta;
        writeln!(
            f,
            "bus network of province {}: {} stops, {} routes, {} trips, {} bytes to download, version {}",
            m.province, m.stops, m.routes, m.trips, m.bytes, m.version
        )?;
        writeln!(f, "{}", self.report)
    }
}

/// Ingests the GTFS zip at `zip` as the network of `province` (errors: unknown province,
/// refused feed with its report, storage).
pub async fn ingest_gtfs(
    storage: &dyn Storage,
    province: &str,
    zip: &Path,
) -> Result<BusIngestReport, BusIngestError> {
    match storage.unit(province.to_owned()).await? {
        Some(unit) if unit.parent.is_none() => {}
        _ => return Err(BusIngestError::UnknownProvince(province.to_owned())),
    }
    let zip = zip.to_owned();
    let built = tokio::task::spawn_blocking(move || {
        let ingested = ingest::read_zip(&zip, &Limits::default())?;
        Ok::<_, Report>(ingested)
    })
    .await
    .map_err(|e| BusIngestError::Worker(e.to_string()))?
    .map_err(BusIngestError::Refused)?;
    let network = built.network;
    let (stops, routes, trips) = (
        network.stops.len(),
        network.routes.len(),
        network.trips.len(),
    );
    let version = network.feed_version.clone();
    let body = blocking(move || {
        network
            .to_wire(WIRE_LEVEL)
            .map_err(|e| super::CommandError::Worker(e.to_string()))
    })
    .await
    .map_err(|e| BusIngestError::Worker(e.to_string()))?;
    let digest = Sha256::digest(&body);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let meta = BusNetworkMeta {
        province: province.to_owned(),
        version,
        etag: format!("\"bus-{province}-{hex}\""),
        ingested_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        stops: stops as u32,
        routes: routes as u32,
        trips: trips as u32,
        bytes: body.len() as u64,
    };
    storage.put_bus_network(meta.clone(), body).await?;
    tracing::info!(
        province,
        stops,
        routes,
        trips,
        bytes = meta.bytes,
        "bus network stored"
    );
    Ok(BusIngestReport {
        meta,
        report: built.report,
    })
}

/// Ingests every network listed in `dir/gtfs/networks.csv` (none when the file is absent).
pub async fn seed_networks(
    storage: &dyn Storage,
    dir: &Path,
) -> Result<Vec<BusIngestReport>, BusIngestError> {
    let manifest = dir.join("gtfs/networks.csv");
    let text = match std::fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(BusIngestError::Manifest {
                path: manifest,
                reason: e.to_string(),
            });
        }
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let bad = |reason: String| BusIngestError::Manifest {
            path: manifest.clone(),
            reason: format!("line {}: {reason}", i + 2),
        };
        let row = row.map_err(|e| bad(e.to_string()))?;
        let (Some(province), Some(file)) = (row.get(0), row.get(1)) else {
            return Err(bad("expected province,file".into()));
        };
        out.push(
            ingest_gtfs(
                storage,
                province.trim(),
                &dir.join("gtfs").join(file.trim()),
            )
            .await?,
        );
    }
    Ok(out)
}
