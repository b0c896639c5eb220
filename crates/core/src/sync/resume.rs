//! Retrying a failed sync where it was cut. On a link that is up a few seconds
//! in every fifteen, a sync that starts again from the top spends each window
//! re-checking what it already has and never reaches the rest. So a failed sync
//! leaves behind the parts (resource and scope) it completed, and the syncs that
//! retry it within [`RESUME_WINDOW`] skip them; the first sync that completes
//! clears the list, and after the window everything is checked again.
//!
//! The list is kept in `settings` as JSON; what "completed" means is read from
//! `sync_state` (a part completed when its `synced_at` moved during the sync).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::store::{settings, sync_state};

/// How long a failed sync's completed parts count as done for its retries:
/// long enough for a flapping link to finish a first sync, short enough that
/// nothing is left unchecked for long.
pub const RESUME_WINDOW: chrono::Duration = chrono::Duration::minutes(30);

/// The `settings` key of the list.
const KEY: &str = "sync_resume";

/// What the current row of failed syncs completed.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Resume {
    /// When the first failed sync of the row began (Unix ms).
    since_ms: i64,
    /// `resource/scope` of each completed part.
    done: BTreeSet<String>,
}

/// Completion times of every part, taken before a sync.
pub struct Snapshot(HashMap<String, Option<DateTime<Utc>>>);

fn part(resource: &str, scope: &str) -> String {
    format!("{resource}/{scope}")
}

/// The list, if a failed sync left one less than [`RESUME_WINDOW`] before `now`.
fn load(conn: &Connection, now: DateTime<Utc>) -> Option<Resume> {
    let text = settings::get(conn, KEY).ok().flatten()?;
    let resume: Resume = serde_json::from_str(&text).ok()?;
    let since = DateTime::<Utc>::from_timestamp_millis(resume.since_ms)?;
    (now.signed_duration_since(since) < RESUME_WINDOW).then_some(resume)
}

/// Whether a failed sync being retried at `now` completed `resource` in `scope`.
pub fn is_done(conn: &Connection, now: DateTime<Utc>, resource: &str, scope: &str) -> bool {
    load(conn, now).is_some_and(|r| r.done.contains(&part(resource, scope)))
}

/// Every part's completion time, to compare with after the sync. Errors: `storage`.
pub fn snapshot(conn: &Connection) -> Result<Snapshot, Error> {
    Ok(Snapshot(
        sync_state::all(conn)?
            .into_iter()
            .map(|s| (part(&s.resource, &s.scope), s.synced_at))
            .collect(),
    ))
}

/// After a sync that began at `started` failed: adds the parts it completed
/// (those whose completion time moved since `before`) to the list, which
/// starts at `started` unless an earlier failure within the window began it.
/// Errors: `storage`.
pub fn after_failure(
    conn: &Connection,
    before: &Snapshot,
    started: DateTime<Utc>,
) -> Result<(), Error> {
    let mut resume = load(conn, started).unwrap_or(Resume {
        since_ms: started.timestamp_millis(),
        done: BTreeSet::new(),
    });
    for state in sync_state::all(conn)? {
        let key = part(&state.resource, &state.scope);
        if state.synced_at.is_some() && before.0.get(&key).copied().flatten() != state.synced_at {
            resume.done.insert(key);
        }
    }
    let text = serde_json::to_string(&resume).map_err(|e| Error::Internal {
        reason: format!("resume list: {e}"),
    })?;
    settings::set(conn, KEY, &text)
}

/// After a sync that completed: the next one checks everything. Errors: `storage`.
pub fn after_success(conn: &Connection) -> Result<(), Error> {
    settings::delete(conn, KEY)
}
