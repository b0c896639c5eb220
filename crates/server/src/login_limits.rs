//! Failed-login limits: after [`MAX_FAILURES_PER_ACCOUNT`] wrong passwords for
//! one username, or [`MAX_FAILURES_PER_ADDRESS`] from one client address,
//! within [`WINDOW_MINUTES`], logins for that username or from that address
//! are refused with 429 and `Retry-After` for [`LOCK_MINUTES`] — even with
//! the right password, and before any password is hashed, so guessing costs
//! the server nothing. A successful login clears the username's count.
//!
//! The counts are rows of the database ([`crate::storage::LoginLimitStorage`]),
//! so that every server process behind a load balancer enforces the same
//! limits (issue 11); this module holds the rule, as pure functions both
//! engines apply.

use chrono::{DateTime, Duration, Utc};

/// Wrong passwords for one username before it is locked.
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
/// Failed logins from one address (any username) before it is locked.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// Window the failures are counted in.
pub const WINDOW_MINUTES: i64 = 15;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// The failures counted for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Failures in the current window.
    pub count: u32,
    /// Start of the current window.
    pub since: DateTime<Utc>,
    /// End of the lock, once the limit was reached.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Failures {
    /// The count after one more failure at `now`: a window that has passed, or
    /// a lock that has ended, starts a fresh count; reaching `limit` locks.
    pub fn after_failure(previous: Option<Failures>, limit: u32, now: DateTime<Utc>) -> Failures {
        let mut next = match previous {
            Some(f)
                if now - f.since < Duration::minutes(WINDOW_MINUTES)
                    && f.locked_until.is_none_or(|until| until > now) =>
            {
                f
            }
            _ => Failures {
                count: 0,
                since: now,
                locked_until: None,
            },
        };
        next.count += 1;
        if next.count >= limit && next.locked_until.is_none() {
            next.locked_until = Some(now + Duration::minutes(LOCK_MINUTES));
            tracing::warn!("login locked after repeated failures");
        }
        next
    }

    /// Whether the row can be forgotten at `now` (its window and lock are over).
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.since >= Duration::minutes(WINDOW_MINUTES)
            && self.locked_until.is_none_or(|until| until <= now)
    }
}

/// `Err(seconds)` when any of these locks is still on at `now`.
pub fn check(
    locks: impl IntoIterator<Item = DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), u64> {
    match locks
        .into_iter()
        .filter(|until| *until > now)
        .map(|until| (until - now).num_seconds().max(1))
        .max()
    {
        Some(seconds) => Err(u64::try_from(seconds).unwrap_or(1)),
        None => Ok(()),
    }
}

/// The key of a username.
pub fn user_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// The key of a client address.
pub fn addr_key(addr: std::net::IpAddr) -> String {
    format!("addr:{addr}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap()
    }

    #[test]
    fn locks_at_the_limit_and_starts_again_after_the_lock() {
        let mut f = None;
        for _ in 0..MAX_FAILURES_PER_ACCOUNT - 1 {
            f = Some(Failures::after_failure(f, MAX_FAILURES_PER_ACCOUNT, t0()));
            assert_eq!(f.unwrap().locked_until, None);
        }
        let locked = Failures::after_failure(f, MAX_FAILURES_PER_ACCOUNT, t0());
        let until = locked.locked_until.unwrap();
        assert_eq!(check([until], t0()), Err(15 * 60));
        let later = t0() + Duration::minutes(LOCK_MINUTES);
        assert_eq!(check([until], later), Ok(()));
        assert!(locked.expired(later));
        let fresh = Failures::after_failure(Some(locked), MAX_FAILURES_PER_ACCOUNT, later);
        assert_eq!((fresh.count, fresh.locked_until), (1, None));
    }

    #[test]
    fn old_failures_expire() {
        let f = Failures::after_failure(None, 5, t0());
        let f = Failures::after_failure(Some(f), 5, t0());
        assert!(!f.expired(t0()));
        let later = t0() + Duration::minutes(WINDOW_MINUTES);
        assert!(f.expired(later));
        assert_eq!(Failures::after_failure(Some(f), 5, later).count, 1);
        assert_eq!(user_key(" CanBo "), user_key("canbo"));
    }
}
