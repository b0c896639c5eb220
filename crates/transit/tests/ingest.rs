//! Ingest of real and hostile GTFS zips: the report names what is wrong and where.

use std::io::Write;
use std::path::{Path, PathBuf};

use congdan_transit::ingest::{self, Limits, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The demo feed, kept once in the project for the demo seed and the tests.
pub fn hcmc_zip() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/gtfs/hcmc-real.zip")
}

/// Writes a zip of `files` (name, content) into a temporary file.
fn zip_of(files: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
    let mut tmp = tempfile::NamedTempFile::new().expect("temp file");
    {
        let mut w = zip::ZipWriter::new(tmp.as_file_mut());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, body) in files {
            w.start_file(*name, opts).expect("start entry");
            w.write_all(body).expect("write entry");
        }
        w.finish().expect("finish zip");
    }
    tmp
}

/// The files of the sample feed, to break one at a time.
fn sample_files() -> Vec<(String, Vec<u8>)> {
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(fixture("sample-feed.zip")).expect("fixture"))
            .expect("zip");
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).expect("entry");
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut body).expect("read");
            (e.name().to_string(), body)
        })
        .collect()
}

fn sample_with(change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) -> tempfile::NamedTempFile {
    let files: Vec<(String, Vec<u8>)> = sample_files()
        .into_iter()
        .filter_map(|(n, b)| change(&n, b).map(|b| (n, b)))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&refs)
}

#[test]
fn hcmc_real_ingests_with_its_published_counts() {
    let got = ingest::read_zip(&hcmc_zip(), &Limits::default()).expect("the demo feed is valid");
    let n = &got.network;
    assert_eq!(n.timezone, "Asia/Ho_Chi_Minh");
    assert_eq!(n.stops.len(), 4273);
    assert_eq!(n.routes.len(), 116);
    assert_eq!(n.trips.len(), 21_323);
    assert_eq!(n.services.len(), 8);
    assert_eq!(n.shapes.len(), 232);
    let stop_times: usize = n.trips.iter().map(|t| t.times.len() / 2).sum();
    assert_eq!(stop_times, 973_665);
    assert!(!n.footpaths.is_empty());
    assert!(!got.report.has_errors());
    let bytes = n.encode();
    assert_eq!(
        congdan_transit::Network::decode(&bytes).expect("round trip"),
        *n
    );
}

#[test]
fn sample_feed_and_hanoi_ingest() {
    let sample = ingest::read_zip(&fixture("sample-feed.zip"), &Limits::default())
        .expect("sample feed is valid");
    assert_eq!(sample.network.timezone, "America/Los_Angeles");
    assert!(
        sample
            .network
            .stops
            .iter()
            .any(|s| s.id == "BEATTY_AIRPORT")
    );
    let hanoi =
        ingest::read_zip(&fixture("hanoi.zip"), &Limits::default()).expect("hanoi is valid");
    assert_eq!(hanoi.network.stops.len(), 372);
    assert_eq!(hanoi.network.trips.len(), 2447);
}

#[test]
fn missing_stops_txt_is_reported_by_name() {
    let zip = sample_with(|n, b| (n != "stops.txt").then_some(b));
    let report = ingest::read_zip(zip.path(), &Limits::default()).expect_err("refused");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.file == "stops.txt" && p.message.contains("missing")),
        "{report}"
    );
}

#[test]
fn dangling_trip_id_is_reported_with_its_line() {
    let zip = sample_with(|n, b| {
        if n != "stop_times.txt" {
            return Some(b);
        }
        let mut text = String::from_utf8(b).expect("utf-8");
        text.push_str("\nNO_SUCH_TRIP,6:00:00,6:00:00,STAGECOACH,1,,0,0,\n");
        Some(text.into_bytes())
    });
    let report = ingest::read_zip(zip.path(), &Limits::default()).expect_err("refused");
    let p = report
        .problems
        .iter()
        .find(|p| p.entry.as_deref() == Some("NO_SUCH_TRIP"))
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.file, "stop_times.txt");
    assert!(p.line.is_some_and(|l| l > 2), "{p}");
}

#[test]
fn bad_time_is_reported_with_its_line() {
    let zip = sample_with(|n, b| {
        if n != "stop_times.txt" {
            return Some(b);
        }
        let text = String::from_utf8(b)
            .expect("utf-8")
            .replacen("6:00:00", "6:0x:00", 1);
        Some(text.into_bytes())
    });
    let report = ingest::read_zip(zip.path(), &Limits::default()).expect_err("refused");
    let p = report
        .problems
        .iter()
        .find(|p| p.file == "stop_times.txt")
        .expect("stop_times named");
    assert!(p.line.is_some(), "{p}");
    assert!(p.to_string().contains("6:0x:00"), "{p}");
}

#[test]
fn zip_bomb_is_refused_before_inflating() {
    let zeros = vec![0u8; 64 << 20];
    let zip = zip_of(&[("stop_times.txt", &zeros)]);
    let report = ingest::read_zip(zip.path(), &Limits::default()).expect_err("refused");
    assert!(report.to_string().contains("zip bomb"), "{report}");
}

#[test]
fn entry_declaring_two_gigabytes_is_refused() {
    // A real zip whose central directory and local header claim a 2 GiB stops.txt.
    let zip = zip_of(&[("stops.txt", b"stop_id,stop_name,stop_lat,stop_lon\n")]);
    let mut bytes = std::fs::read(zip.path()).expect("read");
    patch_sizes(&mut bytes, 2 << 30);
    let mut hostile = tempfile::NamedTempFile::new().expect("temp");
    hostile.write_all(&bytes).expect("write");
    let report = ingest::read_zip(hostile.path(), &Limits::default()).expect_err("refused");
    assert!(
        report.to_string().contains("more than the limit"),
        "{report}"
    );
}

#[test]
fn entry_lying_about_its_size_stops_at_the_limit() {
    let body = vec![b'a'; 4 << 20];
    let zip = zip_of(&[("stops.txt", &body)]);
    let limits = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut bytes = std::fs::read(zip.path()).expect("read");
    patch_sizes(&mut bytes, 1000);
    let mut hostile = tempfile::NamedTempFile::new().expect("temp");
    hostile.write_all(&bytes).expect("write");
    let report = ingest::read_zip(hostile.path(), &limits).expect_err("refused");
    assert!(report.has_errors(), "{report}");
}

/// Rewrites the uncompressed size of every entry, in local headers, central directory and the
/// ZIP64 extra fields the writer added, to `size`.
fn patch_sizes(bytes: &mut [u8], size: u64) {
    let mut i = 0;
    while i + 4 <= bytes.len() {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => {
                let name_len = u16::from_le_bytes([bytes[i + 26], bytes[i + 27]]) as usize;
                let extra_len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
                patch_extra(bytes, i + 30 + name_len, extra_len, size, 0);
                i += 4;
            }
            b"PK\x01\x02" => {
                let name_len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
                let extra_len = u16::from_le_bytes([bytes[i + 30], bytes[i + 31]]) as usize;
                if u32::from_le_bytes([bytes[i + 24], bytes[i + 25], bytes[i + 26], bytes[i + 27]])
                    != u32::MAX
                {
                    bytes[i + 24..i + 28]
                        .copy_from_slice(&(size.min(u64::from(u32::MAX - 1)) as u32).to_le_bytes());
                }
                patch_extra(bytes, i + 46 + name_len, extra_len, size, 0);
                i += 4;
            }
            _ => i += 1,
        }
    }
}

fn patch_extra(bytes: &mut [u8], start: usize, len: usize, size: u64, _: u8) {
    let mut j = start;
    while j + 4 <= start + len {
        let id = u16::from_le_bytes([bytes[j], bytes[j + 1]]);
        let n = u16::from_le_bytes([bytes[j + 2], bytes[j + 3]]) as usize;
        if id == 1 && n >= 8 {
            bytes[j + 4..j + 12].copy_from_slice(&size.to_le_bytes());
        }
        j += 4 + n;
    }
}
