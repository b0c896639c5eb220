//! Time and randomness for the outbox, behind small seams so tests run the
//! backoff schedule on a fake clock with a seeded generator and never sleep.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A boxed sleep future.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the outbox gets "now" and how it waits between inline retries.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// Waits `duration` (a fake clock just moves its time forward).
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// The real clock: system time and tokio's timer.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when told to (or when slept on), recording sleeps.
#[derive(Debug)]
pub struct FakeClock {
    now: Mutex<DateTime<Utc>>,
    sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    /// A fake clock standing at `start`.
    pub fn new(start: DateTime<Utc>) -> FakeClock {
        FakeClock {
            now: Mutex::new(start),
            sleeps: Mutex::new(Vec::new()),
        }
    }

    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        self.sleeps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(duration);
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A small seedable generator (SplitMix64) for backoff jitter: not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed (tests).
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator seeded from the OS (through a random UUID).
    pub fn from_entropy() -> Rng {
        let bits = uuid::Uuid::new_v4().as_u128();
        Rng((bits >> 64) as u64 ^ bits as u64)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `0..=max`.
    pub fn up_to(&mut self, max: u64) -> u64 {
        if max == u64::MAX {
            return self.next_u64();
        }
        self.next_u64() % (max + 1)
    }
}

/// First backoff ceiling.
pub const BACKOFF_BASE: Duration = Duration::from_secs(2);
/// Largest backoff ceiling.
pub const BACKOFF_CAP: Duration = Duration::from_secs(5 * 60);

/// Exponential backoff with full jitter: after the `attempt`-th failure
/// (1-based) wait a uniform time in `0..=min(cap, base·2^(attempt−1))`.
pub fn backoff(attempt: u32, rng: &mut Rng) -> Duration {
    let exp = attempt.saturating_sub(1).min(20);
    let ceiling = BACKOFF_BASE.saturating_mul(1u32 << exp).min(BACKOFF_CAP);
    let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.up_to(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_exponential_ceiling_and_the_cap() {
        let mut rng = Rng::seeded(7);
        for attempt in 1..=30u32 {
            let ceiling = (2u64 << attempt.saturating_sub(1).min(20)).min(300);
            for _ in 0..50 {
                let d = backoff(attempt, &mut rng);
                assert!(d <= Duration::from_secs(ceiling), "{attempt}: {d:?}");
            }
        }
        // Full jitter: values spread over the whole range, not just near the top.
        let mut rng = Rng::seeded(1);
        let many: Vec<Duration> = (0..200).map(|_| backoff(10, &mut rng)).collect();
        assert!(many.iter().any(|d| *d < Duration::from_secs(60)));
        assert!(many.iter().any(|d| *d > Duration::from_secs(240)));
    }

    #[test]
    fn seeded_generators_repeat() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::seeded(42);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::seeded(42);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn fake_clock_moves_only_when_slept_on() {
        let start = Utc::now();
        let clock = FakeClock::new(start);
        assert_eq!(clock.now(), start);
        futures_ready(clock.sleep(Duration::from_secs(3)));
        assert_eq!(clock.now(), start + chrono::Duration::seconds(3));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
    }

    /// Drives an always-ready future.
    fn futures_ready(f: Sleep<'_>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(f);
    }
}
