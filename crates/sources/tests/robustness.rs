//! Property-style robustness: truncated and mutated real inputs never make a
//! parser panic. Plain Rust with a small deterministic generator (no new deps);
//! the fuzz targets under /fuzz explore the same entry points further.

use congdan_sources::{catalogue, feed, units};

fn read(path: &str) -> Vec<u8> {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Prefixes at many lengths, plus copies with random bytes flipped, dropped or
/// inserted (including the bytes that matter to XML, JSON and CSV).
fn variants(input: &[u8], seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let step = (input.len() / 40).max(1);
    for len in (0..input.len()).step_by(step) {
        out.push(input[..len].to_vec());
    }
    const SPECIAL: &[u8] = b"<>&;\"',\n{}[]:\\\xff\xc3\x00#/!?-";
    for _ in 0..count {
        let mut bytes = input.to_vec();
        for _ in 0..1 + rng.below(8) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = SPECIAL[rng.below(SPECIAL.len())],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, SPECIAL[rng.below(SPECIAL.len())]),
            }
        }
        out.push(bytes);
    }
    out
}

#[test]
fn feed_parser_survives_truncation_and_mutation() {
    for name in [
        "tests/fixtures/vnexpress-tin-moi-nhat-20170419.xml",
        "tests/fixtures/atomthreadingwithentry.xml",
        "tests/fixtures/rss1.0withModules.xml",
    ] {
        for bytes in variants(&read(name), 0x5eed, 150) {
            if let Ok(parsed) = feed::parse(&bytes, "VN") {
                for item in parsed.items {
                    assert!(!item.body_html.contains("<script"));
                }
            }
        }
    }
}

#[test]
fn catalogue_parser_survives_truncation_and_mutation() {
    // The first few real records, plain JSONL.
    let sample = include_str!("fixtures/procedures-sample.jsonl").as_bytes();
    for bytes in variants(sample, 0xca7a, 150) {
        let parsed = catalogue::parse(bytes.as_slice()).unwrap();
        assert!(parsed.items.len() + parsed.rejected.len() <= bytes.len());
    }
}

#[test]
fn units_parser_survives_truncation_and_mutation() {
    let full = read("../../data/demo/units.csv");
    let sample = &full[..full.len().min(6000)];
    for bytes in variants(sample, 0x0417, 200) {
        let _ = units::parse(bytes.as_slice());
    }
}

/// The files of one fuzz corpus (fuzz/corpus/<target>), seeds and whatever a
/// fuzzing run found and was committed.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../fuzz/corpus/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir} is empty");
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// A short replay of the fuzz corpora in every test run (issue 12): each
/// input goes through the same entry point and check as its fuzz target.
#[test]
fn fuzz_corpora_replay_without_panic() {
    for (name, bytes) in corpus("feed_parse") {
        if let Ok(parsed) = feed::parse(&bytes, "VN") {
            assert!(
                parsed
                    .items
                    .iter()
                    .all(|i| !i.body_html.contains("<script")),
                "{name}"
            );
        }
    }
    for (name, bytes) in corpus("catalogue_parse") {
        if let Ok(parsed) = catalogue::parse(bytes.as_slice()) {
            assert!(
                parsed
                    .items
                    .iter()
                    .all(|p| !p.code.is_empty() && !p.name.is_empty()),
                "{name}"
            );
        }
    }
    for (name, bytes) in corpus("cap_parse") {
        if let Ok(alert) = congdan_sources::cap::parse(&bytes) {
            let again = congdan_sources::cap::parse(congdan_sources::cap::write(&alert).as_bytes());
            assert_eq!(again.ok(), Some(alert), "{name}");
        }
    }
    for (name, bytes) in corpus("outage_parse") {
        if let Ok(schedule) = congdan_sources::outages::parse(&bytes, None) {
            assert!(
                schedule
                    .cuts
                    .items
                    .iter()
                    .all(|c| c.end > c.start && !c.area.is_empty()),
                "{name}"
            );
        }
    }
    for (name, bytes) in corpus("units_parse") {
        if let Ok(parsed) = units::parse(bytes.as_slice()) {
            assert!(
                parsed
                    .items
                    .iter()
                    .all(|u| u.code.bytes().all(|b| b.is_ascii_digit())),
                "{name}"
            );
        }
    }
}
