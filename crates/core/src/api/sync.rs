//! The server address, syncing, and what is cached.

use chrono::Utc;

use super::{Core, ResourceReport, ResourceStatus, SyncProgress, SyncReport, SyncStatus};
use crate::Error;
use crate::outbox::DrainPolicy;
use crate::store::{news, procedures, settings, sync_state, units};
use crate::sync::{self, PageProgress, Resource, Transport};

impl Core {
    /// The configured server base URL: the stored one, else the build's default
    /// ([`settings::DEFAULT_SERVER_URL`]), if any. Reads only. Errors: `storage`.
    pub fn server_url(&self) -> Result<Option<String>, Error> {
        Ok(self
            .read(settings::server_url)?
            .or_else(|| settings::DEFAULT_SERVER_URL.map(str::to_owned)))
    }

    /// Sets the server base URL (http or https, with a host; a trailing `/` is
    /// dropped). Pointing at a different server forgets every cursor and ETag,
    /// so the next sync pulls everything again, and forgets the device's
    /// registration and token, which belong to the old server and must never
    /// be sent to the new one (the device registers there on its next send;
    /// queued submissions go to the new server). Writes: `settings`,
    /// `sync_state`, the secret store. Errors: `invalid_input` (bad URL),
    /// `storage`.
    pub fn set_server_url(&self, url: &str) -> Result<(), Error> {
        let normalized = normalize_url(url)?;
        if self.store_server_url(&normalized)? {
            self.forget_device()?;
        }
        Ok(())
    }

    /// Stores the URL; true when it replaced another server's.
    fn store_server_url(&self, normalized: &str) -> Result<bool, Error> {
        let mut conn = self.writer();
        let tx = conn
            .transaction()
            .map_err(Error::storage("set server begin"))?;
        let previous = settings::server_url(&tx)?;
        let mut moved = false;
        if previous.as_deref() != Some(normalized) {
            moved = previous.is_some();
            if moved {
                // With the URL, in one transaction: the old server's device
                // id never stays beside the new URL, even after a crash.
                settings::delete(&tx, settings::DEVICE_ID)?;
            }
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
            settings::set(&tx, settings::SERVER_URL, normalized)?;
        }
        tx.commit().map_err(Error::storage("set server commit"))?;
        Ok(moved)
    }

    /// Pulls from the server, page by page, most wanted first (issues 12 and 9): the
    /// home unit's alerts, news (when one is set) and its images, its power cuts, then units, services
    /// and requests, and the national procedure catalogue last, so a slow link
    /// shows news long before the catalogue is complete. Each page is committed
    /// with its cursor, so a cut loses at most the page in flight and the next
    /// sync resumes after it; image failures never fail the sync. `progress` is
    /// called after every page and once per resource at the end. Writes: every
    /// content table, `media`, `sync_state` (also on failure: the error and the
    /// offline flag). With the data saver on ([`Core::set_data_saver`]) the
    /// images and the catalogue wait for [`Core::sync_full`] (`deferred` in the
    /// report). Errors: `not_configured` (no server URL), `offline`,
    /// `server_unavailable`, `bad_response`, `not_found` (server does not know
    /// the home unit), `storage`.
    pub async fn sync(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        self.sync_over_network(false, progress).await
    }

    /// [`Core::sync`] with everything, images and catalogue included, even
    /// with the data saver on: the user asked for it. Errors: as [`Core::sync`].
    pub async fn sync_full(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        self.sync_over_network(true, progress).await
    }

    /// Whether syncs leave images and the catalogue for a full sync (a
    /// metered, cellular connection). Reads only. Errors: `storage`.
    pub fn data_saver(&self) -> Result<bool, Error> {
        Ok(self
            .read(|c| settings::get(c, settings::DATA_SAVER))?
            .is_some())
    }

    /// Turns the data saver on or off. Writes: `settings`. Errors: `storage`.
    pub fn set_data_saver(&self, on: bool) -> Result<(), Error> {
        let conn = self.writer();
        if on {
            settings::set(&conn, settings::DATA_SAVER, "1")
        } else {
            settings::delete(&conn, settings::DATA_SAVER)
        }
    }

    /// [`Core::sync`] over HTTP; `full` ignores the data saver.
    async fn sync_over_network(
        &self,
        full: bool,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        // A device registered by this sync's drain is used from the next sync on.
        let token = match self.device_token() {
            Ok(None) => self.register_again_for_sent_requests(&url).await,
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(code = e.code().as_str(), "device token unavailable");
                None
            }
        };
        let with_device = token.is_some();
        let transport = self.http(&url)?.with_bearer(token);
        self.sync_planned(&transport, with_device, full, progress)
            .await
    }

    /// [`Core::sync`] over any transport (tests feed recorded answers).
    #[cfg(test)]
    pub(crate) async fn sync_with<T: Transport>(
        &self,
        transport: &T,
        with_device: bool,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        self.sync_planned(transport, with_device, false, progress)
            .await
    }

    /// One sync over `transport`; `full` ignores the data saver. When it
    /// fails, the syncs that retry it within [`sync::resume::RESUME_WINDOW`] skip what it
    /// completed ([`Core::done_since_failed_sync`]): on a flapping link each
    /// attempt starts where the last one was cut instead of spending its few
    /// seconds re-checking the resources before it.
    pub(crate) async fn sync_planned<T: Transport>(
        &self,
        transport: &T,
        with_device: bool,
        full: bool,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        let _turn = self.sync_turn().await;
        let started = Utc::now();
        let before = self.read(sync::resume::snapshot)?;
        let result = self
            .sync_steps(transport, with_device, full, progress)
            .await;
        let conn = self.writer();
        match &result {
            Ok(_) => sync::resume::after_success(&conn)?,
            Err(_) => sync::resume::after_failure(&conn, &before, started)?,
        }
        result
    }

    /// Whether `resource` in `scope` completed in the failed sync this one
    /// retries (then it is not asked again). Reads only. Errors: `storage`.
    pub(crate) fn done_since_failed_sync(
        &self,
        resource: &str,
        scope: &str,
    ) -> Result<bool, Error> {
        self.read(|conn| Ok(sync::resume::is_done(conn, Utc::now(), resource, scope)))
    }

    /// The steps of [`Core::sync_planned`] (sync gate held).
    async fn sync_steps<T: Transport>(
        &self,
        transport: &T,
        with_device: bool,
        full: bool,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, Error> {
        let deferred = !full && self.data_saver()?;
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
                bytes: p.bytes,
                done: p.done,
            })
        };
        let mut pending = Vec::with_capacity(plan.len());
        for resource in plan {
            if !self.done_since_failed_sync(resource.name(), resource.scope())? {
                pending.push(resource);
            }
        }
        let (catalogue, first): (Vec<Resource>, Vec<Resource>) = pending
            .into_iter()
            .partition(|r| *r == Resource::Procedures);
        // One round trip says which feeds changed; the others are not asked (issue 12).
        let checkable: Vec<Resource> = first
            .iter()
            .chain(catalogue.iter().filter(|_| !deferred))
            .cloned()
            .collect();
        let checked = sync::check::skip_unchanged(
            self.writer_mutex(),
            transport,
            &checkable,
            !deferred,
            &forward,
        )
        .await?;
        let pulled = sync::run(
            self.writer_mutex(),
            transport,
            &checked.to_pull(&first),
            !deferred,
            &forward,
        )
        .await?;
        let mut outcomes = checked.merge(&first, pulled);
        let (more, status_changes) = self.pull_requests(transport, with_device, &forward).await?;
        outcomes.extend(more);
        let announcements_done = match self.household_unit() {
            Ok(unit) => self.done_since_failed_sync("announcements", &unit)?,
            Err(_) => false,
        };
        if !announcements_done
            && let Some(outcome) = self.pull_announcements(transport, !deferred, None).await?
        {
            forward(outcome.done());
            outcomes.push(outcome);
        }
        // The bus network (megabytes) and the catalogue are the large downloads.
        let bus = if deferred {
            tracing::info!("data saver: images, buses and the catalogue wait for a full sync");
            None
        } else {
            let bus = self.pull_bus_reported(transport, progress).await;
            let pulled = sync::run(
                self.writer_mutex(),
                transport,
                &checked.to_pull(&catalogue),
                true,
                &forward,
            )
            .await?;
            outcomes.extend(checked.merge(&catalogue, pulled));
            bus
        };
        Ok(SyncReport {
            deferred,
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
                .chain(bus)
                .collect(),
        })
    }

    /// The paged resources a sync pulls, in order: the home unit's alerts, news,
    /// power cuts and epidemic bulletins, units,
    /// the catalogue (services and requests are pulled before the catalogue).
    fn plan(&self) -> Result<Vec<Resource>, Error> {
        let mut plan = Vec::with_capacity(3);
        if let Some(unit) = self.read(settings::home_unit)? {
            plan.push(Resource::Alerts { unit: unit.clone() });
            plan.push(Resource::News { unit: unit.clone() });
            plan.push(Resource::Outages { unit: unit.clone() });
            plan.push(Resource::Bulletins { unit });
        }
        plan.extend([Resource::Units, Resource::Procedures]);
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
                pending: crate::store::outbox::unsent_count(conn)?,
            };
            for r in &plan {
                let state = sync_state::get(conn, r.name(), r.scope())?;
                let count = match r {
                    Resource::Units => units::count(conn)?,
                    Resource::Procedures => procedures::count(conn)?,
                    Resource::News { .. } => news::count(conn)?,
                    Resource::MyRequests => crate::store::my_requests::count(conn)?,
                    Resource::Outages { .. } => crate::store::outages::count(conn)?,
                    Resource::Alerts { .. } => crate::store::alerts::count(conn)?,
                    Resource::Bulletins { .. } => crate::store::bulletins::count(conn)?,
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
pub(crate) fn normalize_url(url: &str) -> Result<String, Error> {
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
