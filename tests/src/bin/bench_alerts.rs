//! Prints the alert figures of docs/BENCHMARKS.md: the time from an alert's
//! issue (`congdan-server issue-alert` returning) to its arrival in a client
//! core that keeps a long poll open (`Core::wait_for_alerts`), and the bytes of
//! one idle alerts check (a conditional GET answered 304), counted on the wire
//! by a loopback proxy.
//!
//! Run with `make bench`, or: `cargo build --release -p congdan-server -p congdan-tests
//! --bin congdan-server --bin congdan-bench-alerts && target/release/congdan-bench-alerts`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use congdan_core::secrets::MemoryStore;
use congdan_core::{Core, CoreOptions, FakeClock};
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::TestServer;

/// Alerts issued for the latency figure.
const ROUNDS: usize = 20;

fn client(path: &std::path::Path, url: &str) -> anyhow::Result<Core> {
    let core = Core::open_with(
        path,
        CoreOptions {
            clock: Arc::new(FakeClock::new(chrono::Utc::now())),
            seed: Some(1),
            secrets: Some(Arc::new(MemoryStore::new())),
        },
    )?;
    core.set_server_url(url)?;
    Ok(core)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = TestServer::seeded().await?;
    let dir = tempfile::tempdir()?;
    let core = client(&dir.path().join("bench.db"), &server.url())?;
    core.set_home_unit("00004").await?;
    core.sync(&|_| {}).await?;

    let mut latencies = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let waiter = {
            let core = core.clone();
            tokio::spawn(async move {
                let changed = core.wait_for_alerts(25).await;
                (changed, Instant::now())
            })
        };
        // Give the long poll time to reach the server, so the figure is the
        // push path and not a fresh request.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let headline = format!("Cảnh báo thử {round}");
        let out = server.admin(&[
            "issue-alert",
            "--unit",
            "00004",
            "--event",
            "Thử nghiệm",
            "--severity",
            "Severe",
            "--urgency",
            "Immediate",
            "--certainty",
            "Likely",
            "--headline",
            &headline,
        ])?;
        anyhow::ensure!(out.status.success(), "issue-alert failed");
        let issued = Instant::now();
        let (changed, arrived) = waiter.await?;
        anyhow::ensure!(changed?, "the long poll saw no change");
        latencies.push(arrived.saturating_duration_since(issued).as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "issue -> connected client ({ROUNDS} alerts, long poll checked every 250 ms): median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        latencies[ROUNDS / 2],
        latencies[ROUNDS * 95 / 100],
        latencies[ROUNDS - 1]
    );

    // One idle check through a byte-counting proxy: the stored ETag is current.
    let proxy = CountingProxy::start(server.addr()).await?;
    let idle = client(&dir.path().join("idle.db"), &proxy.url())?;
    idle.set_home_unit("00004").await?;
    idle.wait_for_alerts(0).await?;
    proxy.counters().reset();
    let changed = idle.wait_for_alerts(0).await?;
    anyhow::ensure!(!changed, "an idle check found a change");
    println!(
        "idle alerts check (conditional GET, 304): {} bytes up, {} bytes down, {} in all",
        proxy
            .counters()
            .up
            .load(std::sync::atomic::Ordering::Relaxed),
        proxy
            .counters()
            .down
            .load(std::sync::atomic::Ordering::Relaxed),
        proxy.counters().total()
    );
    Ok(())
}
