//! Prints the outbox figures of docs/BENCHMARKS.md: how fast submissions are saved
//! (durably, synchronous=FULL) and sent over loopback, and how long preparing a
//! phone-size photo takes and how much smaller it gets.
//!
//! Run with `make bench`, or: `cargo build --release -p congdan-server -p congdan-tests
//! --bin congdan-server --bin congdan-bench-outbox && target/release/congdan-bench-outbox`.

use congdan_core::secrets::MemoryStore;
use congdan_core::{AttributeAnswer, Core, CoreOptions, FakeClock, RequestDraft};
use congdan_tests::server::TestServer;
use std::sync::Arc;
use std::time::Instant;

/// Submissions without photos, to measure the request path itself.
const PLAIN: usize = 1000;
/// Submissions with one prepared photo each.
const WITH_PHOTO: usize = 100;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = TestServer::seeded().await?;
    let dir = tempfile::tempdir()?;
    let core = Core::open_with(
        &dir.path().join("bench.db"),
        CoreOptions {
            clock: Arc::new(FakeClock::new(chrono::Utc::now())),
            seed: Some(1),
            secrets: Some(Arc::new(MemoryStore::new())),
        },
    )?;
    core.set_server_url(&server.url())?;
    core.set_api_key(congdan_tests::DEMO_API_KEY)?;
    core.sync(&|_| {}).await?;
    core.set_home_unit("00004").await?;
    core.sync(&|_| {}).await?;

    let photo = synthetic_phone_photo()?;
    let mut times = Vec::new();
    let mut prepared = None;
    for _ in 0..5 {
        let started = Instant::now();
        prepared = Some(core.prepare_photo(&photo)?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let prepared = prepared.ok_or_else(|| anyhow::anyhow!("no photo prepared"))?;
    println!(
        "photo 4032x3024 JPEG q92 ({:.2} MB) -> {}x{} JPEG ({:.0} KB, {:.1}% of the original): median {:.0} ms, max {:.0} ms",
        photo.len() as f64 / 1_048_576.0,
        prepared.width,
        prepared.height,
        f64::from(prepared.bytes) / 1024.0,
        f64::from(prepared.bytes) * 100.0 / photo.len() as f64,
        times[2],
        times[4],
    );

    let started = Instant::now();
    for n in 0..PLAIN {
        core.submit_request(&draft(n, vec![]))?;
    }
    let saved = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let report = core.drain(&|_| {}).await?;
    let sent = started.elapsed().as_secs_f64();
    println!(
        "{PLAIN} submissions: saved {:.0}/s (durable), sent {:.0}/s over loopback ({} sent, {} pending)",
        PLAIN as f64 / saved,
        f64::from(report.sent) / sent,
        report.sent,
        report.pending
    );

    for n in 0..WITH_PHOTO {
        let photo = core.prepare_photo(&small_photo()?)?;
        core.submit_request(&draft(PLAIN + n, vec![photo.id]))?;
    }
    let started = Instant::now();
    let report = core.drain(&|_| {}).await?;
    let sent = started.elapsed().as_secs_f64();
    println!(
        "{WITH_PHOTO} submissions with a photo each: {:.0} submissions/s over loopback ({} rows sent)",
        WITH_PHOTO as f64 / sent,
        report.sent
    );
    Ok(())
}

fn draft(n: usize, photo_ids: Vec<String>) -> RequestDraft {
    RequestDraft {
        service_code: "chieu-sang-cong-cong".into(),
        description: format!("Đèn đường số {n} không sáng."),
        attributes: vec![AttributeAnswer {
            code: "tinh_trang".into(),
            values: vec!["khong-sang".into()],
        }],
        lat: Some(21.0341),
        long: Some(105.8372),
        address: None,
        village: None,
        photo_ids,
    }
}

/// A 12-megapixel JPEG, as a phone camera would hand over.
fn synthetic_phone_photo() -> anyhow::Result<Vec<u8>> {
    congdan_tests::photos::synthetic_jpeg(4032, 3024, 92)
}

/// A small real PNG (the app icon) for the upload-path figure.
fn small_photo() -> anyhow::Result<Vec<u8>> {
    Ok(std::fs::read(
        congdan_tests::workspace_root().join("src-tauri/icons/icon.png"),
    )?)
}
