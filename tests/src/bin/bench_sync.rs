//! Prints the sync figures of docs/BENCHMARKS.md: bytes on the wire for a first full
//! sync against the uncompressed JSON, the cost of a second sync with nothing changed,
//! and (when a display and WebKitWebDriver are present) how soon cached news is on screen.
//!
//! Run with `make bench`, or: `cargo build --release -p congdan-server -p congdan-tests
//! --bin congdan-server --bin congdan-bench-sync && target/release/congdan-bench-sync`.

use congdan_core::Core;
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::TestServer;
use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = TestServer::seeded().await?;
    let uncompressed = uncompressed_catalogue_bytes(&server.url()).await?;

    let proxy = CountingProxy::start(server.addr()).await?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let core = Core::open(&db)?;
    core.set_server_url(&proxy.url())?;

    let started = Instant::now();
    core.sync(&|_| {}).await?;
    let first_bytes = proxy.counters().total();
    let first_time = started.elapsed();
    core.set_home_unit("00004").await?;
    core.sync(&|_| {}).await?;

    proxy.counters().reset();
    let started = Instant::now();
    let report = core.sync(&|_| {}).await?;
    let second_time = started.elapsed();
    let all_304 = report.resources.iter().all(|r| r.not_modified);

    println!("first sync (units + catalogue), bytes on the wire: {first_bytes}");
    println!("catalogue + units as uncompressed JSON pages:       {uncompressed}");
    println!(
        "ratio: {:.1}% (target ≤ 35%), time {:.2} s",
        first_bytes as f64 * 100.0 / uncompressed as f64,
        first_time.as_secs_f64()
    );
    println!(
        "second sync: {} bytes on the wire (target < 2048), all 304: {all_304}, time {:.1} ms",
        proxy.counters().total(),
        second_time.as_secs_f64() * 1000.0
    );
    drop(core);

    if congdan_tests::app::available() {
        let runs = 5;
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let app = congdan_tests::app::AppSession::launch(&db, Some(&server.url())).await?;
            app.find("[data-testid=news-item]").await?;
            times.push(started.elapsed().as_secs_f64());
            app.close().await?;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "cached news on screen after launch (driver start included), {runs} runs: median {:.2} s, max {:.2} s (target < 1.5 s)",
            times[runs / 2],
            times[runs - 1]
        );
    } else {
        println!("launch-to-news: skipped (needs DISPLAY and WebKitWebDriver; run under xvfb-run)");
    }
    Ok(())
}

/// Sum of the JSON page bodies of units and procedures fetched without compression.
async fn uncompressed_catalogue_bytes(base: &str) -> anyhow::Result<u64> {
    let client = reqwest::Client::builder().no_gzip().no_zstd().build()?;
    let mut total = 0u64;
    for resource in ["units", "procedures"] {
        let mut since = "0".to_string();
        loop {
            let body = client
                .get(format!("{base}/api/v1/{resource}?since={since}&limit=200"))
                .header("accept-encoding", "identity")
                .send()
                .await?
                .bytes()
                .await?;
            total += body.len() as u64;
            let page: serde_json::Value = serde_json::from_slice(&body)?;
            if page["more"].as_bool() != Some(true) {
                break;
            }
            since = page["next"].as_str().unwrap_or_default().to_string();
        }
    }
    Ok(total)
}
