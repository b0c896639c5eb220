//! The failed-login counts ([`LoginLimitStorage`]) in the `login_failures`
//! table, shared by every server process; the rule they follow is
//! [`crate::login_limits`].

use chrono::{DateTime, Duration, Utc};

use super::sqlite_rows::{corrupt, parse_ts};
use super::{StorageError, StorageFuture};
use crate::login_limits::{Failures, WINDOW_MINUTES};

/// A stored row of `key`.
pub(super) fn failures_row(
    key: &str,
    count: i64,
    since: &str,
    locked_until: Option<String>,
) -> Result<Failures, StorageError> {
    Ok(Failures {
        count: u32::try_from(count).map_err(|e| corrupt("login_failures", key, e))?,
        since: parse_ts("login_failures", key, since)?,
        locked_until: locked_until
            .map(|until| parse_ts("login_failures", key, &until))
            .transpose()?,
    })
}

/// Rows whose window started at or before this instant, and whose lock (if
/// any) has ended, are forgotten ([`Failures::expired`]).
pub(super) fn expiry_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::minutes(WINDOW_MINUTES)
}

/// Failed-login counts by key (`user:<name>`, `addr:<ip>`).
pub trait LoginLimitStorage: Send + Sync + 'static {
    /// `Err(seconds)` while any of `keys` is locked at `now`.
    fn login_locked(
        &self,
        keys: Vec<String>,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<(), u64>>;

    /// Count one failure at `now` for each `(key, limit)` in one transaction
    /// ([`crate::login_limits::Failures::after_failure`]), and forget the
    /// counts that have expired.
    fn login_failed(
        &self,
        failures: Vec<(String, u32)>,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, ()>;

    /// Forget `key`'s failures (a successful login).
    fn login_cleared(&self, key: String) -> StorageFuture<'_, ()>;
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::login_limits::{LOCK_MINUTES, MAX_FAILURES_PER_ACCOUNT, WINDOW_MINUTES, user_key};
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(two: a_lock_made_on_one_process_holds_on_another);

    async fn a_lock_made_on_one_process_holds_on_another<S: LoginLimitStorage>(a: &S, b: &S) {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let (user, addr) = (user_key("canbo"), "addr:10.0.0.1".to_owned());
        let keys = vec![user.clone(), addr.clone()];
        // Failures alternate between the two processes.
        for i in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
            let s = if i % 2 == 0 { a } else { b };
            s.login_failed(
                vec![(user.clone(), MAX_FAILURES_PER_ACCOUNT), (addr.clone(), 20)],
                t0,
            )
            .await
            .unwrap();
            assert_eq!(a.login_locked(keys.clone(), t0).await.unwrap(), Ok(()));
        }
        b.login_failed(vec![(user.clone(), MAX_FAILURES_PER_ACCOUNT)], t0)
            .await
            .unwrap();
        assert_eq!(
            a.login_locked(keys.clone(), t0).await.unwrap(),
            Err(u64::try_from(LOCK_MINUTES * 60).unwrap())
        );
        // The address alone is not locked; the lock ends on time.
        assert_eq!(
            a.login_locked(vec![addr.clone()], t0).await.unwrap(),
            Ok(())
        );
        let later = t0 + Duration::minutes(LOCK_MINUTES);
        assert_eq!(b.login_locked(keys.clone(), later).await.unwrap(), Ok(()));
        // A success clears the count on every process.
        a.login_failed(vec![(user.clone(), 2)], later)
            .await
            .unwrap();
        b.login_cleared(user.clone()).await.unwrap();
        a.login_failed(vec![(user.clone(), 2)], later)
            .await
            .unwrap();
        assert_eq!(b.login_locked(keys.clone(), later).await.unwrap(), Ok(()));
        // Expired counts are forgotten: one failure after the window counts as the first.
        let much_later = later + Duration::minutes(WINDOW_MINUTES);
        b.login_failed(vec![(user.clone(), 2)], much_later)
            .await
            .unwrap();
        assert_eq!(a.login_locked(keys, much_later).await.unwrap(), Ok(()));
    }
}
