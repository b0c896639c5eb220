//! The change bell: one per server process (issues 11 and 12), a generation
//! number that moves whenever public content may have changed, so that what
//! waits for content (the alerts long poll) wakes without asking the database,
//! and what remembers content ([`crate::feed_cache`]) knows when to forget.
//!
//! Who rings it: the storage engine after each content write of this process
//! commits, and the engine's watcher ([`crate::storage::ContentStorage::watch_changes`],
//! run by `serve`) when another process wrote: PostgreSQL `LISTEN` on
//! [`CHANNEL`], SQLite `PRAGMA data_version`. While the engine cannot hear
//! other processes (a PostgreSQL listener not connected yet, or lost), the bell
//! says so ([`ChangeBell::hears_everything`]) and caches are bypassed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

/// The PostgreSQL notification channel content writes `NOTIFY` inside their
/// transaction (delivered at commit) and every server process `LISTEN`s on.
pub const CHANNEL: &str = "congdan_changes";

/// A per-process signal that content may have changed. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct ChangeBell {
    shared: Arc<Shared>,
}

struct Shared {
    generation: watch::Sender<u64>,
    hearing: AtomicBool,
}

impl std::fmt::Debug for ChangeBell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeBell")
            .field("generation", &self.generation())
            .field("hears_everything", &self.hears_everything())
            .finish()
    }
}

impl ChangeBell {
    /// A bell at generation 0; `hearing` says whether every change already
    /// rings it (SQLite: yes; PostgreSQL: only once its listener is connected).
    pub fn new(hearing: bool) -> Self {
        Self {
            shared: Arc::new(Shared {
                generation: watch::Sender::new(0),
                hearing: AtomicBool::new(hearing),
            }),
        }
    }

    /// Content may have changed: move the generation and wake every waiter.
    pub fn ring(&self) {
        self.shared
            .generation
            .send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    /// The current generation; anything learnt from the database after
    /// reading it is current until the generation moves.
    pub fn generation(&self) -> u64 {
        *self.shared.generation.borrow()
    }

    /// A receiver whose `changed()` completes at the next ring after this call.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.shared.generation.subscribe()
    }

    /// Whether every content change, of this process or another, rings the
    /// bell. When not, nothing may be served from memory and waiters must
    /// look at the database themselves.
    pub fn hears_everything(&self) -> bool {
        self.shared.hearing.load(Ordering::Acquire)
    }

    /// Record whether other processes' changes are heard. Starting to hear
    /// rings once: something may have changed while nobody listened.
    pub fn set_hearing(&self, hearing: bool) {
        let was = self.shared.hearing.swap(hearing, Ordering::AcqRel);
        if hearing && !was {
            self.ring();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_ring_wakes_subscribers_and_moves_the_generation() {
        let bell = ChangeBell::new(true);
        let mut waiter = bell.subscribe();
        assert_eq!(bell.generation(), 0);
        bell.ring();
        waiter.changed().await.unwrap();
        assert_eq!(bell.generation(), 1);
        assert!(!waiter.has_changed().unwrap());
    }

    #[test]
    fn hearing_again_rings_once() {
        let bell = ChangeBell::new(false);
        assert!(!bell.hears_everything());
        bell.set_hearing(true);
        assert!(bell.hears_everything());
        assert_eq!(bell.generation(), 1);
        bell.set_hearing(true);
        assert_eq!(bell.generation(), 1, "already hearing: no ring");
        bell.set_hearing(false);
        assert!(!bell.hears_everything());
        assert_eq!(bell.generation(), 1);
    }
}
