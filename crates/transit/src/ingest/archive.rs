//! Taking a GTFS zip apart safely. Only the files GTFS defines are copied, by their base name
//! (a top-level folder is tolerated, paths never are); each copy stops at the size limit whatever
//! the zip's headers claim, and a declared size or compression ratio past the limits refuses the
//! zip before anything is inflated.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::report::{Report, at};

/// Files that ingest reads; everything else in the zip is ignored.
const KNOWN: &[&str] = &[
    "agency.txt",
    "stops.txt",
    "routes.txt",
    "trips.txt",
    "stop_times.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "shapes.txt",
    "feed_info.txt",
];

/// Size limits of one ingest.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest zip file accepted, in bytes.
    pub max_zip_bytes: u64,
    /// Largest single file once inflated, in bytes.
    pub max_entry_bytes: u64,
    /// Largest sum of inflated files, in bytes.
    pub max_total_bytes: u64,
    /// Largest inflated-to-compressed ratio of an entry over 1 MiB (text compresses about 5–15×).
    pub max_ratio: u64,
}

impl Default for Limits {
    /// A metropolis feed is about 100 MB zipped and 1 GB inflated; these leave room and stop bombs.
    fn default() -> Limits {
        Limits {
            max_zip_bytes: 200 << 20,
            max_entry_bytes: 1 << 30,
            max_total_bytes: 1536 << 20,
            max_ratio: 100,
        }
    }
}

/// Copies the known files of `zip` into a new temporary directory, or reports why not.
pub fn extract(
    zip: &Path,
    limits: &Limits,
    report: &mut Report,
) -> Result<tempfile::TempDir, Report> {
    let fail = |report: &mut Report, entry: Option<&str>, msg: String| {
        report.error(at(entry.unwrap_or(""), None, None, msg));
        Err(std::mem::take(report))
    };
    let file = match File::open(zip) {
        Ok(f) => f,
        Err(e) => return fail(report, None, format!("cannot open {}: {e}", zip.display())),
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limits.max_zip_bytes {
        return fail(
            report,
            None,
            format!(
                "zip is {size} bytes, more than the limit {}",
                limits.max_zip_bytes
            ),
        );
    }
    let mut archive = match zip::ZipArchive::new(std::io::BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => return fail(report, None, format!("not a readable zip: {e}")),
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            return fail(
                report,
                None,
                format!("cannot make a temporary directory: {e}"),
            );
        }
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => return fail(report, None, format!("entry {i} unreadable: {e}")),
        };
        if entry.is_dir() {
            continue;
        }
        let full = entry.name().to_string();
        let parts: Vec<&str> = full.split('/').collect();
        let base = parts.last().copied().unwrap_or_default();
        if parts.len() > 2 || !KNOWN.contains(&base) {
            continue;
        }
        let (declared, packed) = (entry.size(), entry.compressed_size().max(1));
        if declared > limits.max_entry_bytes {
            return fail(
                report,
                Some(base),
                format!(
                    "declares {declared} bytes inflated, more than the limit {}",
                    limits.max_entry_bytes
                ),
            );
        }
        if declared > 1 << 20 && declared / packed > limits.max_ratio {
            return fail(
                report,
                Some(base),
                format!(
                    "compressed {}:1, a zip bomb (limit {}:1)",
                    declared / packed,
                    limits.max_ratio
                ),
            );
        }
        let target = dir.path().join(base);
        let mut out = match File::create(&target) {
            Ok(f) => f,
            Err(e) => return fail(report, Some(base), format!("cannot write: {e}")),
        };
        let room = limits
            .max_entry_bytes
            .min(limits.max_total_bytes.saturating_sub(total));
        let mut buf = vec![0u8; 1 << 16];
        let mut copied = 0u64;
        let mut limited = (&mut entry).take(room + 1);
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return fail(report, Some(base), format!("cannot inflate: {e}")),
            };
            copied += n as u64;
            if copied > room {
                return fail(
                    report,
                    Some(base),
                    format!("inflates past the limit of {room} bytes"),
                );
            }
            if let Err(e) = out.write_all(&buf[..n]) {
                return fail(report, Some(base), format!("cannot write: {e}"));
            }
        }
        total += copied;
    }
    Ok(dir)
}

/// The first 12 hex digits of the zip's SHA-256: a label for the feed version.
pub fn digest_label(zip: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    std::io::copy(&mut File::open(zip)?, &mut hasher)?;
    let digest = hasher.finalize();
    Ok(digest.iter().take(6).map(|b| format!("{b:02x}")).collect())
}
