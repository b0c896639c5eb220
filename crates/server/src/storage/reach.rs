//! The raw facts behind reach figures (the [`ReachStorage`] trait): when each
//! announcement was published and how many households answered it, and when
//! each request was made, first answered, and due. [`crate::reach`] turns them
//! into weekly figures; this trait does no arithmetic.

use chrono::{DateTime, Utc};

use super::sqlite_rows::{corrupt, parse_ts};
use super::{StorageError, StorageFuture};

/// A published announcement going to one of the asked units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFact {
    /// When it was approved.
    pub published_at: DateTime<Utc>,
    /// Households that acknowledged it.
    pub acknowledged: u32,
}

/// An answered request of one of the asked units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredFact {
    /// When it was made.
    pub requested_at: DateTime<Utc>,
    /// Its first official answer.
    pub answered_at: DateTime<Utc>,
    /// Its deadline, when it had one.
    pub due: Option<DateTime<Utc>>,
}

impl AnsweredFact {
    /// A stored row: the request's `requested_at`, its first answer's `at`, and
    /// the `expected_datetime` of its public JSON.
    pub(super) fn from_row(
        id: &str,
        requested: &str,
        answered: &str,
        due: Option<String>,
    ) -> Result<Self, StorageError> {
        Ok(AnsweredFact {
            requested_at: parse_ts("requests", id, requested)?,
            answered_at: parse_ts("request_updates", id, answered)?,
            due: due
                .map(|d| {
                    DateTime::parse_from_rfc3339(&d)
                        .map(|at| at.with_timezone(&Utc))
                        .map_err(|e| corrupt("requests", id, e))
                })
                .transpose()?,
        })
    }
}

/// Reading the facts of reach figures.
pub trait ReachStorage: Send + Sync + 'static {
    /// Published announcements going to any of `units`, since `since`.
    fn published_facts(
        &self,
        units: Vec<String>,
        since: DateTime<Utc>,
    ) -> StorageFuture<'_, Vec<PublishedFact>>;
    /// Requests of any of `units` first answered since `since`.
    fn answered_facts(
        &self,
        units: Vec<String>,
        since: DateTime<Utc>,
    ) -> StorageFuture<'_, Vec<AnsweredFact>>;
}
