//! A small in-process rate limiter: one token bucket per client address, kept in
//! a `Mutex<HashMap>`, used for anonymous device registration.
//!
//! A bucket holds at most `per_minute` tokens and refills at `per_minute` a
//! minute; each call takes one. Time comes from the server clock, so tests can
//! move it. The map is bounded: when it reaches [`MAX_ADDRESSES`], buckets that
//! have refilled completely (idle addresses) are dropped, and if that is not
//! enough the whole map is cleared (a flood of addresses then only resets
//! limits, never refuses everyone).
//!
//! Limits are per server process: with several processes behind a load
//! balancer, each counts on its own. Behind a reverse proxy every client has
//! the proxy's address; see docs/OPERATIONS.md.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Most addresses tracked at once before idle ones are evicted.
pub const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

/// Token buckets keyed by client address.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// Take one token for `addr` at `now` with `per_minute` calls allowed a
    /// minute (and as a burst). `Err(seconds)`: refused, retry after that many
    /// whole seconds (at least 1). `per_minute == 0` turns the limit off.
    pub fn check(&self, addr: IpAddr, per_minute: u32, now: DateTime<Utc>) -> Result<(), u64> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&addr) {
            buckets.retain(|_, bucket| level(bucket, capacity, per_second, now) < capacity);
            if buckets.len() >= MAX_ADDRESSES {
                tracing::warn!("rate limiter full of busy addresses; cleared");
                buckets.clear();
            }
        }
        let bucket = buckets.entry(addr).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        bucket.tokens = level(bucket, capacity, per_second, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - bucket.tokens) / per_second).ceil();
        // `wait` is small and positive (at most 60 s for one token).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let wait = wait.max(1.0) as u64;
        Err(wait)
    }
}

/// Tokens in `bucket` at `now` after refilling.
fn level(bucket: &Bucket, capacity: f64, per_second: f64, now: DateTime<Utc>) -> f64 {
    let elapsed = (now - bucket.at).num_milliseconds().max(0);
    // Milliseconds of a few minutes fit an f64 exactly.
    #[allow(clippy::cast_precision_loss)]
    let refill = elapsed as f64 / 1000.0 * per_second;
    (bucket.tokens + refill).min(capacity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn bucket_refuses_the_sixth_call_and_refills() {
        let limiter = RateLimiter::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..5 {
            limiter.check(a, 5, t0).unwrap();
        }
        assert_eq!(limiter.check(a, 5, t0), Err(12));
        // Another address has its own bucket.
        limiter.check(b, 5, t0).unwrap();
        // 12 s later one token is back.
        limiter.check(a, 5, t0 + Duration::seconds(12)).unwrap();
        assert!(limiter.check(a, 5, t0 + Duration::seconds(12)).is_err());
        // Off.
        for _ in 0..100 {
            limiter.check(a, 0, t0).unwrap();
        }
    }

    #[test]
    fn map_stays_bounded() {
        let limiter = RateLimiter::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        for i in 0..(MAX_ADDRESSES as u32 + 50) {
            limiter.check(IpAddr::from(i.to_be_bytes()), 5, t0).unwrap();
        }
        let size = limiter.buckets.lock().unwrap().len();
        assert!(size <= MAX_ADDRESSES, "{size}");
    }
}
