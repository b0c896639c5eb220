//! Failed-login limits: after [`MAX_FAILURES_PER_ACCOUNT`] wrong passwords for
//! one username, or [`MAX_FAILURES_PER_ADDRESS`] from one client address,
//! within [`WINDOW_MINUTES`], logins for that username or from that address
//! are refused with 429 and `Retry-After` for [`LOCK_MINUTES`] — even with
//! the right password, and before any password is hashed, so guessing costs
//! the server nothing. A successful login clears the username's count.
//!
//! Like [`crate::ratelimit`], counts live in this process (several processes
//! each count on their own) and the map is bounded ([`MAX_KEYS`]).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// Wrong passwords for one username before it is locked.
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
/// Failed logins from one address (any username) before it is locked.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// Window the failures are counted in.
pub const WINDOW_MINUTES: i64 = 15;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// Most usernames and addresses tracked at once.
pub const MAX_KEYS: usize = 20_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    since: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

/// Failure counts keyed by `user:<name>` and `addr:<ip>`.
#[derive(Debug, Default)]
pub struct LoginLimits {
    failures: Mutex<HashMap<String, Failures>>,
}

/// The key of a username.
pub fn user_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// The key of a client address.
pub fn addr_key(addr: std::net::IpAddr) -> String {
    format!("addr:{addr}")
}

impl LoginLimits {
    /// `Err(seconds)` when any of `keys` is locked at `now`.
    pub fn check(&self, keys: &[String], now: DateTime<Utc>) -> Result<(), u64> {
        let map = self.lock();
        let wait = keys
            .iter()
            .filter_map(|key| map.get(key)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).num_seconds().max(1))
            .max();
        match wait {
            Some(seconds) => Err(u64::try_from(seconds).unwrap_or(1)),
            None => Ok(()),
        }
    }

    /// Count one failure for `key`, locking it at `limit` failures.
    pub fn fail(&self, key: String, limit: u32, now: DateTime<Utc>) {
        let mut map = self.lock();
        if map.len() >= MAX_KEYS && !map.contains_key(&key) {
            map.retain(|_, f| {
                f.locked_until.is_some_and(|until| until > now)
                    || now - f.since < Duration::minutes(WINDOW_MINUTES)
            });
            if map.len() >= MAX_KEYS {
                tracing::warn!("login limits full; cleared");
                map.clear();
            }
        }
        let entry = map.entry(key).or_insert(Failures {
            count: 0,
            since: now,
            locked_until: None,
        });
        if now - entry.since >= Duration::minutes(WINDOW_MINUTES)
            || entry.locked_until.is_some_and(|until| until <= now)
        {
            *entry = Failures {
                count: 0,
                since: now,
                locked_until: None,
            };
        }
        entry.count += 1;
        if entry.count >= limit {
            entry.locked_until = Some(now + Duration::minutes(LOCK_MINUTES));
            tracing::warn!("login locked after repeated failures");
        }
    }

    /// Forget `key`'s failures (a successful login).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_lock() {
        let limits = LoginLimits::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let key = user_key("CanBo");
        for _ in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
            limits.fail(key.clone(), MAX_FAILURES_PER_ACCOUNT, t0);
            assert_eq!(limits.check(std::slice::from_ref(&key), t0), Ok(()));
        }
        limits.fail(key.clone(), MAX_FAILURES_PER_ACCOUNT, t0);
        let wait = limits.check(&[user_key("canbo")], t0).unwrap_err();
        assert_eq!(wait, 15 * 60);
        let later = t0 + Duration::minutes(LOCK_MINUTES);
        assert_eq!(limits.check(std::slice::from_ref(&key), later), Ok(()));
        // A fresh count after the lock ends.
        limits.fail(key.clone(), MAX_FAILURES_PER_ACCOUNT, later);
        assert_eq!(limits.check(std::slice::from_ref(&key), later), Ok(()));
    }

    #[test]
    fn success_clears_and_old_failures_expire() {
        let limits = LoginLimits::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let key = user_key("a");
        for _ in 0..4 {
            limits.fail(key.clone(), 5, t0);
        }
        limits.clear(&key);
        limits.fail(key.clone(), 5, t0);
        assert_eq!(limits.check(std::slice::from_ref(&key), t0), Ok(()));
        for _ in 0..3 {
            limits.fail(key.clone(), 5, t0);
        }
        // Outside the window the count starts again.
        let later = t0 + Duration::minutes(WINDOW_MINUTES);
        limits.fail(key.clone(), 5, later);
        assert_eq!(limits.check(std::slice::from_ref(&key), later), Ok(()));
    }
}
