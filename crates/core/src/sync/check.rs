//! The freshness check before a sync's pulls (issue 12): one
//! `POST /api/v1/check` with the stored ETags of the feeds a device pulled
//! before says which of them changed; the unchanged ones are marked synced
//! (as a 304 would) and not asked again. On 2G a round trip is more than a
//! second, and an unchanged sync used to spend one per feed on its 304.
//!
//! A check is only worth it for two feeds or more, each with a stored ETag of
//! a complete pull. A link failure fails the sync as a pull would; any other
//! failure (an older server's 404, a 400, an unreadable answer) is logged and
//! every feed is pulled as before. Does not own: the pulls, nor which feeds a
//! sync plans (the caller's plan); documents are not change feeds and are
//! not checked.

use std::sync::Mutex;

use chrono::Utc;
use congdan_protocol::sync::MAX_CHECK_FEEDS;
use congdan_protocol::{CheckAnswer, CheckRequest, FeedName, FeedTag};
use rusqlite::Connection;

use super::{Call, Method, Outcome, PageProgress, Resource, Transport, lock, record_failure};
use crate::Error;
use crate::store::sync_state;

/// Path of the check below the server's base URL.
const PATH: &str = "/api/v1/check";

/// Fewest feeds worth a check: for one, its own conditional GET costs the
/// same round trip.
const MIN_FEEDS: usize = 2;

/// The feeds a check found unchanged, already marked synced and reported.
#[derive(Debug, Default)]
pub struct Checked {
    skipped: Vec<Outcome>,
}

impl Checked {
    /// `plan` without the skipped feeds: what is left to pull, in order.
    pub fn to_pull(&self, plan: &[Resource]) -> Vec<Resource> {
        plan.iter().filter(|r| !self.skipped(r)).cloned().collect()
    }

    /// The outcomes of `plan`: the skipped feeds' and `pulled` (the pulls of
    /// [`Checked::to_pull`]), in plan order, as if every feed had been pulled.
    pub fn merge(&self, plan: &[Resource], pulled: Vec<Outcome>) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = self
            .skipped
            .iter()
            .filter(|o| plan.iter().any(|r| r.name() == o.resource))
            .cloned()
            .chain(pulled)
            .collect();
        outcomes.sort_by_key(|o| plan.iter().position(|r| r.name() == o.resource));
        outcomes
    }

    fn skipped(&self, resource: &Resource) -> bool {
        self.skipped.iter().any(|o| o.resource == resource.name())
    }
}

/// Checks the feeds of `plan` that have the stored ETag of a complete pull
/// (when there are at least two) and skips the unchanged ones: marks them
/// synced, reports their `done` progress, and, for unchanged news with
/// `images`, still fetches the news images not cached yet (as after a 304).
/// Errors: `offline` when the link fails (recorded in `sync_state` as a
/// failed pull is), `storage`.
pub async fn skip_unchanged<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    plan: &[Resource],
    images: bool,
    progress: &(dyn Fn(PageProgress) + Send + Sync),
) -> Result<Checked, Error> {
    let candidates = candidates(&lock(db), plan)?;
    if candidates.len() < MIN_FEEDS {
        return Ok(Checked::default());
    }
    let (resources, feeds): (Vec<Resource>, Vec<FeedTag>) = candidates.into_iter().unzip();
    let body = serde_json::to_vec(&CheckRequest { feeds }).map_err(|e| Error::Internal {
        reason: format!("check body: {e}"),
    })?;
    let call = Call {
        resource: "check",
        method: Method::Post,
        path: PATH.into(),
        headers: vec![("content-type", "application/json".into())],
        body,
    };
    let changed = match transport.send(&call).await {
        Ok(answer) if answer.status == 200 => {
            match serde_json::from_slice::<CheckAnswer>(&answer.body) {
                Ok(answer) => answer.changed,
                Err(e) => {
                    tracing::warn!(error = %e, "unreadable feed check answer; pulling every feed");
                    return Ok(Checked::default());
                }
            }
        }
        Ok(answer) => {
            tracing::warn!(
                status = answer.status,
                "feed check refused; pulling every feed"
            );
            return Ok(Checked::default());
        }
        Err(e) if e.is_unreachable() => {
            record_failure(db, plan, &e);
            return Err(e);
        }
        Err(e) => {
            tracing::warn!(
                code = e.code().as_str(),
                "feed check failed; pulling every feed"
            );
            return Ok(Checked::default());
        }
    };
    let mut checked = Checked::default();
    for (index, resource) in resources.iter().enumerate() {
        if changed.contains(&index) {
            continue;
        }
        let (name, scope) = (resource.name(), resource.scope());
        sync_state::mark_success(&lock(db), name, scope, Utc::now())?;
        let outcome = Outcome {
            resource: name,
            pages: 0,
            items: 0,
            deleted: 0,
            not_modified: true,
        };
        progress(outcome.done());
        if images && matches!(resource, Resource::News { .. }) {
            super::cache_images(db, transport).await;
        }
        checked.skipped.push(outcome);
    }
    tracing::info!(
        checked = resources.len(),
        unchanged = checked.skipped.len(),
        "feed check"
    );
    Ok(checked)
}

/// The feeds of `plan` a check can answer for, with what to send: at most
/// [`MAX_CHECK_FEEDS`], each with the ETag of a complete pull.
fn candidates(conn: &Connection, plan: &[Resource]) -> Result<Vec<(Resource, FeedTag)>, Error> {
    let mut found = Vec::new();
    for resource in plan {
        let (name, unit) = match resource {
            Resource::Units => (FeedName::Units, None),
            Resource::Procedures => (FeedName::Procedures, None),
            Resource::News { unit } => (FeedName::News, Some(unit)),
            Resource::Outages { unit } => (FeedName::Outages, Some(unit)),
            Resource::Alerts { unit } => (FeedName::Alerts, Some(unit)),
            Resource::Bulletins { unit } => (FeedName::Bulletins, Some(unit)),
            // The device's own requests are not public; they are pulled as before.
            Resource::MyRequests => continue,
        };
        let state = sync_state::get(conn, resource.name(), resource.scope())?;
        if let (Some(etag), Some(_)) = (state.etag, state.synced_at)
            && found.len() < MAX_CHECK_FEEDS
        {
            let tag = FeedTag {
                resource: name,
                unit: unit.cloned(),
                etag,
            };
            found.push((resource.clone(), tag));
        }
    }
    Ok(found)
}
