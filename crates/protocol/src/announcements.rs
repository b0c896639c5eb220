//! Announcements (thông báo) of village heads and officers: drafted, approved
//! by an editor of the units they go to, published as a list per unit, and
//! acknowledged by residents (or by an official on behalf of a household).
//! Also the audit log entries every official write leaves.
//!
//! Only wire shapes live here; the workflow rules are the server's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::requests::Role;

/// Longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest body accepted, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;
/// Most units one announcement may go to.
pub const MAX_UNITS: usize = 50;
/// Longest reason, comment or household name accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// Most photos and documents one announcement may carry.
pub const MAX_ATTACHMENTS: usize = 6;
/// Longest file name of an attachment, in characters.
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 120;

/// The file name residents see for `raw`: its last path segment, trimmed;
/// `None` when that is empty, longer than [`MAX_ATTACHMENT_NAME_CHARS`] or
/// holds a control character. Client and server apply the same rule, so a
/// name is refused before its upload, not after.
pub fn attachment_name(raw: &str) -> Option<String> {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let fits = !name.is_empty()
        && name.chars().count() <= MAX_ATTACHMENT_NAME_CHARS
        && !name.chars().any(char::is_control);
    fits.then(|| name.to_owned())
}

/// A file the author uploaded (`POST /api/v1/uploads`, a photo or a PDF)
/// and attaches to a draft, with the name residents see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttachmentInput {
    /// Id of a complete upload, not used by a request or another announcement.
    pub upload: String,
    /// File name shown and used when saved (e.g. `ke-hoach-tiem-chung.pdf`).
    pub name: String,
}

/// A photo or document of an announcement, as residents and officials get it:
/// devices download `url` during sync so it opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attachment {
    /// Absolute link to the bytes (`…/open311/v2/media/{upload}`).
    pub url: String,
    /// File name.
    pub name: String,
    /// `image/jpeg`, `image/png`, `image/webp` or `application/pdf`.
    pub mime: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Where an announcement stands in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AnnouncementStatus {
    /// Being written by its author; only the author sees it.
    Draft,
    /// Waiting for an editor of its units.
    Submitted,
    /// Sent back by an editor with a comment; the author may change it and submit again.
    Returned,
    /// Approved and visible to the residents of its units.
    Published,
}

impl AnnouncementStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Published => "published",
        }
    }

    /// Parse a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Submitted,
            Self::Returned,
            Self::Published,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// Body of `PUT /api/v1/official/announcements/{id}`: the author's draft. The
/// client chooses the id (a UUID), so a retried PUT from the outbox writes the
/// same draft again and never a second one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnnouncementDraft {
    /// Title, not blank, at most [`MAX_TITLE_CHARS`].
    pub title: String,
    /// Text, not blank, at most [`MAX_BODY_CHARS`].
    pub body: String,
    /// Unit codes it goes to (communes or villages), each within the author's unit.
    pub units: Vec<String>,
    /// Start of the event it announces, if any.
    #[serde(default)]
    pub event_start: Option<DateTime<Utc>>,
    /// Place of the event, if any.
    #[serde(default)]
    pub event_place: Option<String>,
    /// Photos and PDFs, in the order shown (at most [`MAX_ATTACHMENTS`]):
    /// the list replaces the draft's files; left out, the files it has stay
    /// (so changing the text of a returned draft keeps them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub attachments: Option<Vec<AttachmentInput>>,
}

/// A published announcement as residents receive it
/// (`GET /api/v1/announcements?unit=CODE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Announcement {
    /// Id chosen by the author's client (UUID).
    pub id: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Unit codes it goes to.
    pub units: Vec<String>,
    /// Start of the event, if any.
    pub event_start: Option<DateTime<Utc>>,
    /// Place of the event, if any.
    pub event_place: Option<String>,
    /// Display name of the author.
    pub author_name: String,
    /// Unit of the author.
    pub author_unit: String,
    /// When an editor approved it.
    pub published_at: DateTime<Utc>,
    /// Photos and PDFs, in the author's order.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// The households of one unit an announcement goes to, and those not yet
/// reached (`GET /api/v1/official/announcements/{id}/households`, for its
/// author). A household is a resident account whose unit is this one; it is
/// reached once it acknowledged from a logged-in app or an official recorded
/// its answer by proxy under the account's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitHouseholds {
    /// Unit code (usually a village).
    pub unit: String,
    /// Households of the unit.
    pub households: u32,
    /// Display names of those that have not acknowledged, by name.
    pub not_reached: Vec<String>,
}

/// Acknowledgement counts of one announcement (or of one unit's residents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AckCounts {
    /// "Đã xem".
    pub seen: u32,
    /// "Sẽ tham gia".
    pub going: u32,
    /// "Không tham gia được".
    pub not_going: u32,
    /// Of the above, recorded by an official on behalf of a household.
    pub by_proxy: u32,
}

/// The counts of the households of one unit (a village, or the commune itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitAcks {
    /// Unit code the acknowledging households belong to.
    pub unit: String,
    /// Their counts.
    pub counts: AckCounts,
}

/// An announcement as an official sees it (`GET /api/v1/official/announcements`):
/// their own drafts, and for editors those waiting for review in their units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfficialAnnouncement {
    /// Id (UUID).
    pub id: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Unit codes it goes to.
    pub units: Vec<String>,
    /// Start of the event, if any.
    pub event_start: Option<DateTime<Utc>>,
    /// Place of the event, if any.
    pub event_place: Option<String>,
    /// Where it stands.
    pub status: AnnouncementStatus,
    /// Username of the author.
    pub author: String,
    /// Display name of the author.
    pub author_name: String,
    /// Unit of the author.
    pub author_unit: String,
    /// The editor's comment when returned.
    pub return_comment: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When it was approved.
    pub published_at: Option<DateTime<Utc>>,
    /// Photos and PDFs, in the author's order.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Totals over all units (published announcements; zero before).
    pub acks: AckCounts,
    /// The same per unit of the acknowledging households.
    pub acks_by_unit: Vec<UnitAcks>,
}

/// Body of `POST /api/v1/official/announcements/{id}/return`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReturnInput {
    /// What the author should change (required, not blank).
    pub comment: String,
}

/// A resident's answer to an announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AckKind {
    /// "Đã xem".
    Seen,
    /// "Sẽ tham gia".
    Going,
    /// "Không tham gia được" (with a reason).
    NotGoing,
}

impl AckKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seen => "seen",
            Self::Going => "going",
            Self::NotGoing => "not_going",
        }
    }

    /// Parse a wire name; `not-going` (the CLI spelling) is accepted too.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace('-', "_");
        [Self::Seen, Self::Going, Self::NotGoing]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Body of `PUT /api/v1/announcements/{id}/ack` (a resident's device; the
/// last answer of a device counts) and of
/// `PUT /api/v1/official/announcements/{id}/acks` (on behalf of a household).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AckInput {
    /// The answer.
    pub kind: AckKind,
    /// Why not (required for `not_going`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The household's unit (a resident's home village or commune); for a
    /// proxy acknowledgement, defaults to the official's unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Household recorded by proxy (official route only; required there).
    #[serde(default)]
    pub household: Option<String>,
}

/// One line of the audit log (`GET /api/v1/official/audit`): every official
/// write, who made it, from which unit, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    /// Order of writing.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Username of the official.
    pub username: String,
    /// Their role at the time.
    pub role: Role,
    /// Their unit at the time.
    pub unit: String,
    /// What was done, e.g. `request.status`, `announcement.approve`.
    pub action: String,
    /// What it was done to (request or announcement id).
    pub target: String,
    /// Short detail (new status, household by proxy); never a resident's contact.
    pub detail: String,
}

/// One ISO week of a unit's reach figures (`GET /api/v1/official/reach`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReachWeek {
    /// ISO week, e.g. `2026-W49` (weeks in Asia/Ho_Chi_Minh).
    pub week: String,
    /// Announcements published that week to the unit or below it.
    pub announcements: u32,
    /// Households that acknowledged those announcements (any answer).
    pub acknowledged: u32,
    /// Requests of the unit (or below) answered that week.
    pub answered: u32,
    /// Of those, answered by their deadline.
    pub answered_on_time: u32,
    /// `answered_on_time / answered` in percent; `None` when nothing was answered.
    pub on_time_percent: Option<f64>,
    /// Median hours from a request to its first answer; `None` when nothing was answered.
    pub median_hours_to_answer: Option<f64>,
}

/// A unit's reach figures by week, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reach {
    /// The unit (and everything below it).
    pub unit: String,
    /// Weeks with any activity.
    pub weeks: Vec<ReachWeek>,
}
