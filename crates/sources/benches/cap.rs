//! CAP 1.2 parse-and-validate time per alert (goal: under 1 ms), over the seven
//! real alerts of crates/sources/tests/fixtures/cap (1.8–10 KB), and the time
//! to write one back. Run: `cargo bench -p congdan-sources --bench cap`.

use std::path::PathBuf;

use congdan_sources::cap;
use criterion::{Criterion, criterion_group, criterion_main};

fn alerts() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cap");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures are checked in")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("cap" | "xml")))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read(&p).expect("fixture readable"))
        })
        .collect();
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let alerts = alerts();
    let mut group = c.benchmark_group("cap_parse_validate");
    for (name, bytes) in &alerts {
        group.bench_function(name.as_str(), |b| {
            b.iter(|| cap::parse(std::hint::black_box(bytes)).expect("real alerts parse"));
        });
    }
    group.finish();
    let parsed = cap::parse(&alerts[0].1).expect("real alerts parse");
    c.bench_function("cap_write", |b| {
        b.iter(|| cap::write(std::hint::black_box(&parsed)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
