//! The housekeeping schedule inside `serve`: once at start and then every
//! [`crate::ServerConfig::cleanup_interval`] (default one hour), delete
//! - uploads attached to no request or announcement [`ORPHAN_UPLOAD_HOURS`] after they were
//!   started, finished or not (abandoned "drafts" of a photo);
//! - idempotency records older than [`IDEMPOTENCY_DAYS`] (a client retrying
//!   later than that is answered as a new request);
//! - officer sessions past their expiry.
//!
//! Times come from the server clock, so tests drive a run with a fake clock and
//! [`run_once`]. The schedule is documented in docs/OPERATIONS.md.

use chrono::Duration;

use crate::AppState;
use crate::storage::StorageError;
use crate::storage::maintenance::{CleanupCutoffs, CleanupReport};

/// Hours an upload may wait for its request.
pub const ORPHAN_UPLOAD_HOURS: i64 = 24;
/// Days an `Idempotency-Key` answer is kept.
pub const IDEMPOTENCY_DAYS: i64 = 7;

/// One cleanup run at the state's current time.
pub async fn run_once(state: &AppState) -> Result<CleanupReport, StorageError> {
    let now = (state.clock)();
    let report = state
        .storage
        .cleanup(CleanupCutoffs {
            uploads_before: now - Duration::hours(ORPHAN_UPLOAD_HOURS),
            idempotency_before: now - Duration::days(IDEMPOTENCY_DAYS),
            sessions_before: now,
        })
        .await?;
    if report != CleanupReport::default() {
        tracing::info!(
            uploads = report.uploads,
            idempotency = report.idempotency,
            sessions = report.sessions,
            "cleanup deleted expired rows"
        );
    }
    Ok(report)
}

/// Run [`run_once`] now and then on every interval, forever (the caller aborts
/// the task at shutdown). A failed run is logged and retried at the next tick.
pub async fn every(state: AppState) {
    let mut ticks = tokio::time::interval(state.config.cleanup_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(e) = run_once(&state).await {
            tracing::error!(error = %e, "cleanup failed");
        }
    }
}
