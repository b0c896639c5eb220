//! The storage side of announcements (the [`AnnouncementStorage`] trait):
//! drafts and their review states, the units each goes to, and
//! acknowledgements. Every write takes the [`AuditRecord`] it leaves and
//! stores it in the same transaction.
//!
//! Who may do what is decided by the HTTP layer ([`crate::announcements`]);
//! this trait only refuses impossible state changes ([`AnnouncementConflict`]).

use chrono::{DateTime, Utc};
use congdan_protocol::announcements::{AckKind, AnnouncementStatus, UnitAcks};

use super::StorageFuture;
use super::audit::AuditRecord;

/// One stored announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementRow {
    /// Id chosen by the author's client.
    pub id: String,
    /// Username of the author.
    pub author: String,
    /// Display name of the author.
    pub author_name: String,
    /// Unit of the author.
    pub author_unit: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Units it goes to.
    pub units: Vec<String>,
    /// Start of the event.
    pub event_start: Option<DateTime<Utc>>,
    /// Place of the event.
    pub event_place: Option<String>,
    /// Where it stands.
    pub status: AnnouncementStatus,
    /// The editor's comment when returned.
    pub return_comment: Option<String>,
    /// First saved.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Approval time.
    pub published_at: Option<DateTime<Utc>>,
    /// Photos and PDFs, in order.
    pub attachments: Vec<AttachmentRow>,
}

/// One attached upload. On save only `upload` and `name` are read; loading
/// fills `mime` and `bytes` from the upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// Upload id.
    pub upload: String,
    /// File name shown to residents.
    pub name: String,
    /// MIME type of the stored bytes.
    pub mime: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// One acknowledgement: a device's own, or a household's recorded by an official.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckRow {
    /// Announcement.
    pub announcement_id: String,
    /// `device:<id>` or `household:<unit>:<name>`: the last answer per key counts.
    pub key: String,
    /// Unit of the household.
    pub unit: String,
    /// The answer.
    pub kind: AckKind,
    /// Why not.
    pub reason: Option<String>,
    /// Recorded by an official for a household without a smartphone.
    pub by_proxy: bool,
    /// Household name (proxy only).
    pub household: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// State changes storage refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnnouncementConflict {
    /// No such announcement.
    #[error("no such announcement")]
    NotFound,
    /// The id belongs to another author's announcement.
    #[error("announcement of another author")]
    OtherAuthor,
    /// The announcement is not in a state that allows the change.
    #[error("announcement is {0:?}")]
    WrongState(AnnouncementStatus),
    /// An attachment is not a complete upload, or belongs to a request or to
    /// another announcement.
    #[error("attachment {0} is not usable")]
    Attachment(String),
}

/// Whether `author` may save a draft over `stored`: only its author, and only
/// while it is a draft or was returned. Both engines check it in the write.
pub(super) fn may_edit(stored: &AnnouncementRow, author: &str) -> Result<(), AnnouncementConflict> {
    if stored.author != author {
        return Err(AnnouncementConflict::OtherAuthor);
    }
    if !matches!(
        stored.status,
        AnnouncementStatus::Draft | AnnouncementStatus::Returned
    ) {
        return Err(AnnouncementConflict::WrongState(stored.status));
    }
    Ok(())
}

/// Storage of announcements and their acknowledgements.
pub trait AnnouncementStorage: Send + Sync + 'static {
    /// One announcement.
    fn announcement(&self, id: String) -> StorageFuture<'_, Option<AnnouncementRow>>;

    /// Insert a draft, or replace the author's own draft or returned
    /// announcement (which becomes a draft again), with its attachments.
    /// Storing the same draft twice changes nothing but `updated_at`.
    fn save_draft(
        &self,
        row: AnnouncementRow,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<AnnouncementRow, AnnouncementConflict>>;

    /// Move from one of `from` to `to` (setting `return_comment`, and
    /// `published_at` when `to` is published).
    fn move_announcement(
        &self,
        id: String,
        from: Vec<AnnouncementStatus>,
        to: AnnouncementStatus,
        comment: Option<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<AnnouncementRow, AnnouncementConflict>>;

    /// The author's announcements and every non-draft one, newest change
    /// first, at most `limit` (the caller filters by unit).
    fn official_announcements(
        &self,
        author: String,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>>;

    /// Published announcements going to any of `units`, newest first.
    fn published_announcements(
        &self,
        units: Vec<String>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>>;

    /// Store an acknowledgement (replacing the key's earlier one), with an
    /// audit record when an official made it.
    fn put_ack(&self, ack: AckRow, audit: Option<AuditRecord>) -> StorageFuture<'_, ()>;

    /// Counts per household unit of one announcement, by unit code.
    fn ack_counts(&self, id: String) -> StorageFuture<'_, Vec<UnitAcks>>;

    /// The keys of every acknowledgement of one announcement (`device:…`,
    /// `account:<username>`, `household:<unit>:<name>`).
    fn ack_keys(&self, id: String) -> StorageFuture<'_, Vec<String>>;
}
