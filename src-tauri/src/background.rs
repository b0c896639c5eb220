//! Background sync: once at start-up, then again on a timer, telling the UI by
//! events; the search index is prepared before the first sync and after each.
//!
//! The schedule is the only thing decided here; what a sync does is core's business.

use congdan_core::{Core, SyncProgress, SyncReport};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};

/// Event carrying a [`SyncProgress`] per stored page.
pub const SYNC_PROGRESS: &str = "sync-progress";
/// Event carrying the [`congdan_core::SyncStatus`] after every sync attempt.
pub const SYNC_FINISHED: &str = "sync-finished";
/// Event carrying one [`congdan_core::RequestStatusChange`] of my requests.
pub const REQUEST_STATUS_CHANGED: &str = "request-status-changed";

/// Event carrying the [`congdan_core::AlertList`] after a long poll brought a change.
pub const ALERTS_CHANGED: &str = "alerts-changed";
/// Seconds the server may hold one alerts long poll.
const ALERT_WAIT: u32 = 25;

/// Pause between syncs while the server answers.
const ONLINE_INTERVAL: Duration = Duration::from_secs(10 * 60);
/// First pause after a failed sync; doubles up to [`ONLINE_INTERVAL`].
const OFFLINE_RETRY: Duration = Duration::from_secs(20);

/// Starts the periodic sync task on Tauri's async runtime.
pub fn start<R: Runtime>(app: AppHandle<R>, core: Core) {
    tauri::async_runtime::spawn(async move {
        prepare_search(&core).await;
        let mut retry = OFFLINE_RETRY;
        loop {
            let outcome = sync_and_notify(&app, &core, false).await;
            prepare_search(&core).await;
            let pause = match outcome {
                Ok(_) => {
                    retry = OFFLINE_RETRY;
                    ONLINE_INTERVAL
                }
                Err(_) => {
                    let pause = retry;
                    retry = (retry * 2).min(ONLINE_INTERVAL);
                    pause
                }
            };
            tokio::time::sleep(pause).await;
        }
    });
}

/// Starts the alerts watcher: one long poll after another while the server
/// answers (a new alert arrives within seconds), backing off like the sync when
/// it does not. Each change is sent to the UI as [`ALERTS_CHANGED`].
pub fn watch_alerts<R: Runtime>(app: AppHandle<R>, core: Core) {
    tauri::async_runtime::spawn(async move {
        let mut retry = OFFLINE_RETRY;
        loop {
            match core.wait_for_alerts(ALERT_WAIT).await {
                Ok(changed) => {
                    retry = OFFLINE_RETRY;
                    if changed && let Ok(list) = core.alerts(None) {
                        let _ = app.emit(ALERTS_CHANGED, list);
                    }
                }
                Err(err) => {
                    tracing::debug!(code = ?err.code(), "alerts long poll failed");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(ONLINE_INTERVAL);
                }
            }
        }
    });
}

/// Builds the procedure search index on a blocking thread, so the first
/// search after start-up or after a catalogue update answers at once.
async fn prepare_search(core: &Core) {
    let core = core.clone();
    let outcome = tauri::async_runtime::spawn_blocking(move || core.prepare_search()).await;
    if let Ok(Err(err)) = outcome {
        tracing::warn!(code = ?err.code(), "search index not prepared");
    }
}

/// Runs one sync (`full`: images and catalogue even with the data saver on),
/// forwarding progress and the resulting status as events.
pub async fn sync_and_notify<R: Runtime>(
    app: &AppHandle<R>,
    core: &Core,
    full: bool,
) -> Result<SyncReport, congdan_core::Error> {
    let progress_app = app.clone();
    let progress = move |p: SyncProgress| {
        let _ = progress_app.emit(SYNC_PROGRESS, p);
    };
    let outcome = if full {
        core.sync_full(&progress).await
    } else {
        core.sync(&progress).await
    };
    match &outcome {
        Ok(report) => {
            for change in &report.status_changes {
                let _ = app.emit(REQUEST_STATUS_CHANGED, change);
            }
        }
        Err(err) => tracing::info!(code = ?err.code(), "background sync did not complete"),
    }
    if let Ok(status) = core.status() {
        let _ = app.emit(SYNC_FINISHED, status);
    }
    outcome
}
