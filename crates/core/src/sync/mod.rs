//! Pulling server content into the store: cursors, ETags, tombstones, images.
//!
//! Owns: the per-resource pull state machine ([`machine`]), the network behind
//! a small trait ([`transport`]), and the driver ([`run`]) that feeds one into
//! the other and commits each page together with its cursor in ONE
//! transaction, so a dropped connection loses at most the page in flight and
//! the cursor never runs ahead of the data. After news pages, it caches the
//! news images that are not in `media` yet; image failures are logged and
//! skipped, never failing the sync. Page sizes follow the link ([`pages`]):
//! the size each resource learned is kept in `settings` under
//! `page_limit.<resource>`. Looking up single units and unit lists for a device
//! that has not synced them yet is in [`lookup`]; the Open311 documents that
//! are not change feeds (services with their forms, public requests, holidays) in [`documents`];
//! what a retried sync may skip in [`resume`]. A device with no catalogue first
//! downloads it as one body in byte ranges ([`bundle`], over [`ranged`]).
//! Does not own: which resources to pull, or in which order (the caller's plan),
//! or API models.

pub mod announcements;
pub mod bundle;
pub mod bus;
pub mod check;
pub mod documents;
pub mod lookup;
pub mod machine;
pub mod pages;
pub mod ranged;
pub mod resume;
pub mod transport;

use std::sync::Mutex;
use std::time::Instant;

use chrono::Utc;
use congdan_protocol::{Alert, Bulletin, MyRequest, NewsItem, Outage, Procedure, Unit};
use rusqlite::Connection;
use serde::de::DeserializeOwned;

pub use machine::{Instruction, PageToStore, Pull, Request, Resource, Response};
pub use pages::PageSize;
pub use transport::{Answer, Call, HttpTransport, MediaFile, Method, Transport};

use crate::Error;
use crate::store::announcements as announcements_store;
use crate::store::{
    alerts, bulletins, media, my_requests, news, outages, procedures, settings, sync_state, units,
};
/// Images fetched at most per sync (the newest news first).
const MAX_IMAGES_PER_SYNC: u32 = 40;
/// Missing images looked at per sync (those on unreachable hosts are only noted).
const MAX_IMAGES_LISTED: u32 = 1000;
/// Whole-request time of one news image (optional: a slow link skips them).
const NEWS_IMAGE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);
/// Whole-request time of one announcement file from our own server (a PDF of
/// a few megabytes on 3G needs tens of seconds; it is what the notice says).
const ATTACHMENT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);
/// How long an image that failed to download is left alone before a sync tries again.
const IMAGE_RETRY_AFTER: chrono::Duration = chrono::Duration::hours(6);

/// Progress of one resource, reported after each stored page and once at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageProgress {
    /// Resource name.
    pub resource: &'static str,
    /// Pages stored so far.
    pub page: u32,
    /// Items stored so far (upserts plus deletions).
    pub items: u32,
    /// Bytes of answers received so far (after decompression).
    pub bytes: u32,
    /// True on the final report of the resource.
    pub done: bool,
}

/// What one resource's pull did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Resource name.
    pub resource: &'static str,
    /// Pages stored.
    pub pages: u32,
    /// Items inserted or replaced.
    pub items: u32,
    /// Items deleted (tombstones).
    pub deleted: u32,
    /// True when the server answered 304.
    pub not_modified: bool,
}

impl Outcome {
    /// The one progress report of a pull that is not paged (a document, the
    /// bus network), sent when it completes, so a listener sees every part of
    /// a sync finish, not only the change feeds. Its `bytes` is 0: such a pull
    /// does not count what it received.
    pub fn done(&self) -> PageProgress {
        PageProgress {
            resource: self.resource,
            page: self.pages,
            items: self.items + self.deleted,
            bytes: 0,
            done: true,
        }
    }
}

/// Pulls every resource of `plan` in order, and after news its images when
/// `images` (not with the data saver on). On the first failure it records the
/// error (and the offline flag when the network or server was the cause) in
/// `sync_state` and returns it; resources not reached get the offline flag too.
/// A resource that completes clears its error and flag. Errors: `offline`,
/// `server_unavailable`, `bad_response`, `not_found` (unknown news unit), `storage`.
pub async fn run<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    plan: &[Resource],
    images: bool,
    progress: &(dyn Fn(PageProgress) + Send + Sync),
) -> Result<Vec<Outcome>, Error> {
    let mut outcomes = Vec::with_capacity(plan.len());
    for (i, resource) in plan.iter().enumerate() {
        let result = match resource {
            Resource::Units => {
                pull::<Unit, T>(db, transport, resource, progress, apply_units, None).await
            }
            Resource::Procedures => match bundle::pull(db, transport, progress).await {
                Ok(bundled) => {
                    pull::<Procedure, T>(db, transport, resource, progress, apply_procedures, None)
                        .await
                        .map(|mut outcome| {
                            outcome.items += bundled;
                            outcome
                        })
                }
                Err(e) => Err(e),
            },
            Resource::News { .. } => {
                let r =
                    pull::<NewsItem, T>(db, transport, resource, progress, apply_news, None).await;
                if r.is_ok() && images {
                    cache_images(db, transport).await;
                }
                r
            }
            Resource::MyRequests => {
                pull::<MyRequest, T>(db, transport, resource, progress, apply_my_requests, None)
                    .await
            }
            Resource::Alerts { .. } => {
                pull::<Alert, T>(db, transport, resource, progress, apply_alerts, None).await
            }
            Resource::Outages { .. } => {
                pull::<Outage, T>(db, transport, resource, progress, apply_outages, None).await
            }
            Resource::Bulletins { .. } => {
                pull::<Bulletin, T>(db, transport, resource, progress, apply_bulletins, None).await
            }
        };
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(err) => {
                record_failure(db, &plan[i..], &err);
                return Err(err);
            }
        }
    }
    Ok(outcomes)
}

/// Locks the write connection; a poisoned lock only means another thread
/// panicked mid-call, and SQLite's transactions already kept the file consistent.
fn lock(db: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    db.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Stores the failure on the failed resource and the offline flag on the rest.
fn record_failure(db: &Mutex<Connection>, rest: &[Resource], err: &Error) {
    let offline = err.is_unreachable();
    let body = err.to_body();
    let conn = lock(db);
    for (j, r) in rest.iter().enumerate() {
        let error = (j == 0).then_some(&body);
        if let Err(e) = sync_state::mark_failure(&conn, r.name(), r.scope(), error, offline) {
            tracing::warn!(resource = r.name(), error = %e, "could not record sync failure");
        }
    }
    tracing::warn!(
        resource = rest.first().map(Resource::name),
        code = body.code,
        "sync failed"
    );
}

/// Writes one page's items and tombstones (inside the caller's transaction).
type Apply<T> = fn(&Connection, &[T], &[String]) -> Result<(), Error>;

/// Applies a units page.
fn apply_units(conn: &Connection, items: &[Unit], deleted: &[String]) -> Result<(), Error> {
    units::upsert(conn, items)?;
    units::delete(conn, deleted)
}

/// Applies a procedures page (keeps the user's checklist).
fn apply_procedures(
    conn: &Connection,
    items: &[Procedure],
    deleted: &[String],
) -> Result<(), Error> {
    procedures::upsert(conn, items)?;
    procedures::delete(conn, deleted)
}

/// Applies a page of the device's own requests.
fn apply_my_requests(
    conn: &Connection,
    items: &[MyRequest],
    deleted: &[String],
) -> Result<(), Error> {
    my_requests::upsert(conn, items)?;
    my_requests::delete(conn, deleted)
}

/// Applies a page of planned power cuts (cancelled ones are kept, as the server sends them).
fn apply_outages(conn: &Connection, items: &[Outage], deleted: &[String]) -> Result<(), Error> {
    outages::upsert(conn, items)?;
    outages::delete(conn, deleted)
}

/// Applies a page of epidemic bulletins.
fn apply_bulletins(conn: &Connection, items: &[Bulletin], deleted: &[String]) -> Result<(), Error> {
    bulletins::upsert(conn, items)?;
    bulletins::delete(conn, deleted)
}

/// Applies a page of CAP alerts (inactive ones are kept, as history).
fn apply_alerts(conn: &Connection, items: &[Alert], deleted: &[String]) -> Result<(), Error> {
    alerts::upsert(conn, items)?;
    alerts::delete(conn, deleted)
}

/// One long poll of the home unit's alerts: the server holds the request up to
/// `seconds` until an alert of the unit changes, then the changes are stored
/// like any page. `true` when something changed. Errors: as [`run`], recorded
/// in `sync_state` the same way.
pub async fn wait_for_alerts<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    unit: &str,
    seconds: u32,
) -> Result<bool, Error> {
    let resource = Resource::Alerts {
        unit: unit.to_string(),
    };
    let result = pull::<Alert, T>(
        db,
        transport,
        &resource,
        &|_| {},
        apply_alerts,
        Some(seconds),
    )
    .await;
    match result {
        Ok(outcome) => Ok(!outcome.not_modified && outcome.items + outcome.deleted > 0),
        Err(err) => {
            record_failure(db, std::slice::from_ref(&resource), &err);
            Err(err)
        }
    }
}

/// Applies a news page.
fn apply_news(conn: &Connection, items: &[NewsItem], deleted: &[String]) -> Result<(), Error> {
    news::upsert(conn, items)?;
    news::delete(conn, deleted)
}

/// Runs one resource's pull to completion.
async fn pull<I: DeserializeOwned, T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    resource: &Resource,
    progress: &(dyn Fn(PageProgress) + Send + Sync),
    apply: Apply<I>,
    wait: Option<u32>,
) -> Result<Outcome, Error> {
    let name = resource.name();
    let scope = resource.scope().to_string();
    let state = sync_state::get(&lock(db), name, &scope)?;
    let mut size = PageSize::start(resource, learned_page_size(db, name));
    let mut machine = Pull::new(resource.clone(), &state, size.limit());
    if let Some(seconds) = wait {
        machine = machine.long_poll(seconds);
    }
    let mut outcome = Outcome {
        resource: name,
        pages: 0,
        items: 0,
        deleted: 0,
        not_modified: false,
    };
    let mut received: u32 = 0;
    // How long the last 200 took, until its page is seen (only a full page grows the size).
    let mut took = None;
    let mut next = machine.start::<I>();
    loop {
        next = match next {
            Instruction::Fetch(request) => {
                let sent = Instant::now();
                match transport.get(&request).await {
                    Ok(response) => {
                        received = received
                            .saturating_add(u32::try_from(response.body.len()).unwrap_or(u32::MAX));
                        took = (response.status == 200).then(|| sent.elapsed());
                        machine.on_response(&response)
                    }
                    Err(e) => {
                        // Only a cut answer says the page was too long for the link.
                        if matches!(e, Error::Interrupted { .. }) && size.after_cut() {
                            keep_page_size(db, name, size);
                        }
                        Instruction::Fail(e)
                    }
                }
            }
            Instruction::Store(page) => {
                let changes = page.items.len() + page.deleted.len();
                let arrived = size;
                let full = changes >= usize::try_from(arrived.limit()).unwrap_or(usize::MAX);
                if let Some(took) = took.take()
                    && size.after_page(took, full)
                {
                    machine.set_limit(size.limit());
                }
                // A size is kept once a page of that size has arrived; a grown one is
                // only tried. On a link up a few seconds at a time the bigger page is
                // often cut before its answer begins (which says nothing about sizes),
                // and the next sync would spend its few seconds on it again.
                let keep = if size.limit() > arrived.limit() {
                    arrived
                } else {
                    size
                };
                if learned_page_size(db, name) != Some(keep.limit()) {
                    keep_page_size(db, name, keep);
                }
                store_page(db, name, &scope, &page, apply)?;
                outcome.pages += 1;
                outcome.items += u32::try_from(page.items.len()).unwrap_or(u32::MAX);
                outcome.deleted += u32::try_from(page.deleted.len()).unwrap_or(u32::MAX);
                tracing::debug!(resource = name, page = outcome.pages, "stored page");
                progress(PageProgress {
                    resource: name,
                    page: outcome.pages,
                    items: outcome.items + outcome.deleted,
                    bytes: received,
                    done: false,
                });
                machine.on_stored()
            }
            Instruction::Done { not_modified } => {
                outcome.not_modified = not_modified;
                sync_state::mark_success(&lock(db), name, &scope, Utc::now())?;
                progress(PageProgress {
                    resource: name,
                    page: outcome.pages,
                    items: outcome.items + outcome.deleted,
                    bytes: received,
                    done: true,
                });
                tracing::info!(
                    resource = name,
                    pages = outcome.pages,
                    items = outcome.items,
                    deleted = outcome.deleted,
                    not_modified,
                    "pull complete"
                );
                return Ok(outcome);
            }
            Instruction::Fail(e) => return Err(e),
        };
    }
}

/// The settings key of the page size `resource` learned.
fn page_size_key(resource: &str) -> String {
    format!("page_limit.{resource}")
}

/// The page size `resource` learned in earlier pulls, if any.
fn learned_page_size(db: &Mutex<Connection>, resource: &str) -> Option<u32> {
    settings::learned(&lock(db), &page_size_key(resource))
}

/// Keeps the page size `resource` learned for the next pulls.
fn keep_page_size(db: &Mutex<Connection>, resource: &str, size: PageSize) {
    settings::keep_learned(&lock(db), &page_size_key(resource), size.limit());
}

/// Commits a page and its cursor in one transaction.
fn store_page<I>(
    db: &Mutex<Connection>,
    name: &str,
    scope: &str,
    page: &PageToStore<I>,
    apply: Apply<I>,
) -> Result<(), Error> {
    let mut conn = lock(db);
    let tx = conn.transaction().map_err(Error::storage("page begin"))?;
    apply(&tx, &page.items, &page.deleted)?;
    sync_state::advance(&tx, name, scope, &page.cursor, page.etag.as_deref())?;
    tx.commit().map_err(Error::storage("page commit"))
}

/// Records a failed image download; a failure to record only means an earlier retry.
fn note_miss(db: &Mutex<Connection>, url: &str) {
    if let Err(e) = media::record_miss(&lock(db), url, Utc::now()) {
        tracing::warn!(error = %e, "could not record an image miss");
    }
}

/// Downloads images of stored news that are not cached yet, newest first (see
/// [`cache_media`]). Failures never fail the sync.
async fn cache_images<T: Transport>(db: &Mutex<Connection>, transport: &T) {
    let missed_since = Utc::now() - IMAGE_RETRY_AFTER;
    let listed = news::images_missing_media(&lock(db), MAX_IMAGES_LISTED, missed_since);
    match listed {
        Ok(urls) => {
            cache_media(
                db,
                transport,
                urls,
                NEWS_IMAGE_PATIENCE,
                None,
                "news images",
            )
            .await;
        }
        Err(e) => tracing::warn!(error = %e, "could not list missing images"),
    }
}

/// Downloads the photos and PDFs of cached announcements that are not cached
/// yet, so they open offline (see [`cache_media`]), starting none after
/// `budget` (a screen that waits for them bounds it). Failures never fail the sync.
pub(crate) async fn cache_attachments<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    budget: Option<std::time::Duration>,
) {
    let missed_since = Utc::now() - IMAGE_RETRY_AFTER;
    let listed = announcements_store::files_missing_media(&lock(db), missed_since);
    match listed {
        Ok(urls) => {
            let files = "announcement files";
            cache_media(db, transport, urls, ATTACHMENT_PATIENCE, budget, files).await;
        }
        Err(e) => tracing::warn!(error = %e, "could not list missing announcement files"),
    }
}

/// Downloads `urls` into the media cache, at most [`MAX_IMAGES_PER_SYNC`]
/// attempts, each within `patience`, and within `budget` in all when given
/// (none starts after it, and the last gets only what is left). A host that cannot be reached at all (DNS,
/// refused, timeout) is given up for this sync: every file on it is noted as a
/// miss, so neither this sync nor the next ones wait on it again before
/// [`IMAGE_RETRY_AFTER`]. Then the cache is trimmed to the user's budget.
async fn cache_media<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    urls: Vec<String>,
    patience: std::time::Duration,
    budget: Option<std::time::Duration>,
    what: &'static str,
) {
    let started = std::time::Instant::now();
    let host_of = |url: &str| {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
    };
    let mut unreachable: std::collections::HashSet<String> = std::collections::HashSet::new();
    let (mut stored, mut skipped, mut attempts) = (0u32, 0u32, 0u32);
    for url in urls {
        let host = host_of(&url);
        if host.as_ref().is_some_and(|h| unreachable.contains(h)) {
            skipped += 1;
            note_miss(db, &url);
            continue;
        }
        let left = budget.map(|b| b.saturating_sub(started.elapsed()));
        if attempts >= MAX_IMAGES_PER_SYNC || left.is_some_and(|l| l.is_zero()) {
            break;
        }
        attempts += 1;
        let patience = left.map_or(patience, |l| l.min(patience));
        match transport.fetch_media(&url, patience).await {
            Ok(Some(file)) => match media::put(&lock(db), &url, &file.mime, &file.bytes) {
                Ok(()) => stored += 1,
                Err(e) => {
                    skipped += 1;
                    tracing::warn!(error = %e, "could not store a media file");
                }
            },
            Ok(None) => {
                skipped += 1;
                note_miss(db, &url);
            }
            Err(e) => {
                skipped += 1;
                tracing::debug!(code = e.code().as_str(), "media fetch failed");
                note_miss(db, &url);
                if e.code() == crate::ErrorCode::Offline
                    && let Some(host) = host
                {
                    unreachable.insert(host);
                }
            }
        }
    }
    let evicted = {
        let conn = lock(db);
        settings::media_budget_mb(&conn)
            .and_then(|mb| media::evict_to(&conn, u64::from(mb) * 1024 * 1024))
    };
    match evicted {
        Ok(evicted) => tracing::info!(what, stored, skipped, evicted, "media cached"),
        Err(e) => tracing::warn!(error = %e, "could not keep the media cache within its budget"),
    }
}
