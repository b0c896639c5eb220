//! Small helpers the bench binaries share for printing their figures.

use std::path::Path;
use std::time::Duration;

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The `q` quantile (0 to 1) of `times`, which must be sorted and not empty.
pub fn quantile_ms(times: &[Duration], q: f64) -> f64 {
    ms(times[((times.len() - 1) as f64 * q).round() as usize])
}

/// Size of a file, 0 when it does not exist.
pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Bytes as "12.3 MB".
pub fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// A sync of `core` when nothing changed, through `proxy` (its counters reset
/// first): "N ms, B bytes on the wire, all 304: true".
pub async fn second_sync(
    core: &congdan_core::Core,
    proxy: &crate::proxy::CountingProxy,
) -> anyhow::Result<String> {
    proxy.counters().reset();
    let started = std::time::Instant::now();
    let report = core.sync(&|_| {}).await?;
    Ok(format!(
        "{:.0} ms, {} bytes on the wire, all 304: {}",
        ms(started.elapsed()),
        proxy.counters().total(),
        report.resources.iter().all(|r| r.not_modified)
    ))
}

/// Runs `congdan-server` with `args` to the end; an error with its stderr
/// when it fails.
pub fn run_server(args: &[&std::ffi::OsStr]) -> anyhow::Result<()> {
    use anyhow::Context;
    let out = std::process::Command::new(crate::bin_path("congdan-server"))
        .args(args)
        .output()
        .context("running congdan-server")?;
    anyhow::ensure!(
        out.status.success(),
        "congdan-server {:?} failed: {}",
        args.first(),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}
