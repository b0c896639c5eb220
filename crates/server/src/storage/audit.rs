//! The audit log of official writes (the [`AuditStorage`] trait and
//! [`AuditRecord`]): who did what to which request or announcement, when, and
//! from which unit. Append-only; nothing here deletes.

use chrono::{DateTime, Utc};
use congdan_protocol::announcements::AuditEntry;
use congdan_protocol::requests::Role;

use super::StorageFuture;

/// One official write about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// Username of the official.
    pub username: String,
    /// Their role at the time.
    pub role: Role,
    /// Their unit at the time.
    pub unit: String,
    /// Action name, e.g. `request.status`.
    pub action: &'static str,
    /// Request or announcement id.
    pub target: String,
    /// Short detail; never a resident's contact or free text.
    pub detail: String,
}

/// Storage of the audit log (reading it): records are appended only by the
/// storage call that makes the write they describe, in its transaction, so a
/// change without its record (or a record without its change) cannot be stored.
pub trait AuditStorage: Send + Sync + 'static {
    /// The newest `limit` records made from any of `units`, newest first.
    fn audit(&self, units: Vec<String>, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>>;
}
