//! Housekeeping of the request tables: what [`MaintenanceStorage::cleanup`]
//! deletes, and when. The schedule that calls it lives in [`crate::cleanup`].

use chrono::{DateTime, Utc};

use super::StorageFuture;

/// Deadlines of one cleanup run: rows older than these instants go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupCutoffs {
    /// Uploads (finished or not) created before this and attached to no request.
    pub uploads_before: DateTime<Utc>,
    /// Idempotency records written before this.
    pub idempotency_before: DateTime<Utc>,
    /// Officer sessions that expired before this.
    pub sessions_before: DateTime<Utc>,
}

/// How many rows one cleanup run deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CleanupReport {
    /// Orphan uploads (photos never attached to a request, and unfinished ones).
    pub uploads: usize,
    /// Expired idempotency records.
    pub idempotency: usize,
    /// Expired officer sessions.
    pub sessions: usize,
}

/// Deleting what nobody can use any more.
pub trait MaintenanceStorage: Send + Sync + 'static {
    /// Delete orphan uploads, old idempotency records and expired sessions in
    /// one transaction. An upload attached to a request is never deleted.
    fn cleanup(&self, cutoffs: CleanupCutoffs) -> StorageFuture<'_, CleanupReport>;
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use congdan_protocol::requests::Role;

    use super::*;
    use crate::storage::accounts::{Account, AccountStorage};
    use crate::storage::both_engines::on_both_engines;
    use crate::storage::uploads::UploadStorage;

    on_both_engines!(cleanup_deletes_only_what_is_past_its_cutoff);

    async fn cleanup_deletes_only_what_is_past_its_cutoff<
        S: MaintenanceStorage + AccountStorage + UploadStorage,
    >(
        s: &S,
    ) {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let account = Account {
            username: "canbo".into(),
            password_hash: "x".into(),
            name: "Cán bộ".into(),
            role: Role::Officer,
            unit: "00004".into(),
        };
        s.put_account(account, t0).await.unwrap();
        s.create_session("old".into(), "canbo".into(), t0)
            .await
            .unwrap();
        let live = t0 + Duration::days(2);
        s.create_session("live".into(), "canbo".into(), live)
            .await
            .unwrap();
        for (id, at) in [("old", t0), ("new", t0 + Duration::days(2))] {
            s.create_upload(id.into(), None, "image/png".into(), 1, at)
                .await
                .unwrap()
                .unwrap();
        }
        let cutoff = t0 + Duration::days(1);
        let report = s
            .cleanup(CleanupCutoffs {
                uploads_before: cutoff,
                idempotency_before: cutoff,
                sessions_before: cutoff,
            })
            .await
            .unwrap();
        assert_eq!(
            report,
            CleanupReport {
                uploads: 1,
                idempotency: 0,
                sessions: 1,
            }
        );
        assert!(s.upload("old".into()).await.unwrap().is_none());
        assert!(s.upload("new".into()).await.unwrap().is_some());
        assert!(
            s.session_account("live".into(), cutoff)
                .await
                .unwrap()
                .is_some()
        );
    }
}
