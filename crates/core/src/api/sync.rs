//! The server address, syncing, and what is cached.

use super::{Core, ResourceReport, ResourceStatus, SyncProgress, SyncReport, SyncStatus};
use crate::Error;
use crate::outbox::DrainPolicy;
use crate::store::{news, procedures, settings, sync_state, units};
use crate::sync::{self, HttpTransport, PageProgress, Resource, Transport};

impl Core {
    /// The configured server base URL, if any. Reads only. Errors: `storage`.
    pub fn server_url(&self) -> Result<Option<String>, Error> {
        self.read(settings::server_url)
    }

    /// Sets the server base URL (http or https, with a host; a trailing `/` is
    /// dropped). Pointing at a different server forgets every cursor and ETag,
    /// so the next sync pulls everything again. Writes: `settings`,
    /// `sync_state`. Errors: `invalid_input` (bad URL), `storage`.
    pub fn set_server_url(&self, url: &str) -> Result<(), Error> {
        let normalized = normalize_url(url)?;
        let mut conn = self.writer();
        let tx = conn
            .transaction()
            .map_err(Error::storage("set server begin"))?;
        if settings::server_url(&tx)?.as_deref() != Some(normalized.as_str()) {
            for r in [
                "units",
                "procedures",
                "news",
                "my_requests",
                "services",
                "public_requests",
            ] {
                sync_state::reset(&tx, r)?;
            }
            settings::set(&tx, settings::SERVER_URL, &normalized)?;
        }
        tx.commit().map_err(Error::storage("set server commit"))
    }

    /// Pulls units, procedures and (when a home unit is set) its news from the
    /// server, page by page; each page is committed with its cursor, then news
    /// images are cached (image failures never fail the sync). `progress` is
    /// called after every page and once per resource at the end. Writes: every
    /// content table, `media`, `sync_state` (also on failure: the error and the
    /// offline flag). Errors: `not_configured` (no server URL), `offline`,
    /// `server_unavailable`, `bad_response`, `not_found` (server does not know
    /// the home unit), `storage`.
    pub async fn sync(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        // A device registered by this sync's drain is used from the next sync on.
        let token = match self.device_token() {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(code = e.code().as_str(), "device token unavailable");
                None
            }
        };
        let with_device = token.is_some();
        let transport = HttpTransport::new(&url)?.with_bearer(token);
        self.sync_with(&transport, with_device, progress).await
    }

    /// [`Core::sync`] over any transport (tests feed recorded answers).
    pub(crate) async fn sync_with<T: Transport>(
        &self,
        transport: &T,
        with_device: bool,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        let _turn = self.sync_turn().await;
        // Local writes first: the outbox drains (honouring backoff due times),
        // then the pulls; my_requests is only applied once nothing is unsent.
        let drain = self
            .drain_locked(
                transport,
                DrainPolicy {
                    honour_schedule: true,
                    inline_retries: 0,
                },
                &|_| {},
            )
            .await?;
        let plan = self.plan()?;
        let forward = |p: PageProgress| {
            progress(SyncProgress {
                resource: p.resource.to_string(),
                page: p.page,
                items: p.items,
                done: p.done,
            })
        };
        let mut outcomes = sync::run(self.writer_mutex(), transport, &plan, &forward).await?;
        let (more, status_changes) = self.pull_requests(transport, with_device, &forward).await?;
        outcomes.extend(more);
        Ok(SyncReport {
            drain,
            status_changes,
            resources: outcomes
                .into_iter()
                .map(|o| ResourceReport {
                    resource: o.resource.to_string(),
                    pages: o.pages,
                    items: o.items,
                    deleted: o.deleted,
                    not_modified: o.not_modified,
                })
                .collect(),
        })
    }

    /// The resources a sync pulls, in order.
    fn plan(&self) -> Result<Vec<Resource>, Error> {
        let mut plan = vec![Resource::Units, Resource::Procedures];
        if let Some(unit) = self.read(settings::home_unit)? {
            plan.push(Resource::News { unit });
        }
        Ok(plan)
    }

    /// Per resource: when it was last synced and how many items are cached;
    /// whether the last sync was offline, and its error if it failed. Reads
    /// only. Errors: `storage`.
    pub fn status(&self) -> Result<SyncStatus, Error> {
        let plan = self.plan()?;
        self.read(|conn| {
            let mut status = SyncStatus {
                resources: Vec::with_capacity(plan.len()),
                offline: false,
                last_error: None,
            };
            for r in &plan {
                let state = sync_state::get(conn, r.name(), r.scope())?;
                let count = match r {
                    Resource::Units => units::count(conn)?,
                    Resource::Procedures => procedures::count(conn)?,
                    Resource::News { .. } => news::count(conn)?,
                    Resource::MyRequests => crate::store::my_requests::count(conn)?,
                };
                status.offline |= state.offline;
                if status.last_error.is_none() {
                    status.last_error = state.last_error;
                }
                status.resources.push(ResourceStatus {
                    resource: r.name().to_string(),
                    synced_at: state.synced_at,
                    count,
                });
            }
            Ok(status)
        })
    }
}

/// Checks and normalizes a server base URL.
fn normalize_url(url: &str) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidInput {
        what: "server_url",
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("missing host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("query or fragment not allowed"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}
