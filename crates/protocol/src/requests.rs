//! JSON bodies of the `/api/v1` parts of service requests: device registration,
//! "my requests" with their timeline, rating, reopening, "tôi cũng gặp",
//! resumable photo uploads, officer login and status changes.
//!
//! The Open311 bodies themselves live in [`crate::open311`]. Serde only, no I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::open311::{DetailedStatus, ServiceRequest};

/// Answer of `POST /api/v1/devices`: the device's id and its bearer token.
/// The server keeps only a hash of the token; the client keeps it in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Device {
    /// Id to send as Open311 `device_id`.
    pub device_id: String,
    /// Secret (64 hex digits) sent as `Authorization: Bearer`.
    pub token: String,
}

/// One earlier request a device claims back after registering again: its id
/// and the `Idempotency-Key` it was sent with (only its sender knows the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestClaim {
    /// `service_request_id`.
    pub id: String,
    /// The UUID sent as `Idempotency-Key` with the request's POST.
    pub key: String,
}

/// Body of `POST /api/v1/my/requests/claim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClaimInput {
    /// At most [`MAX_CLAIMS`] requests.
    pub requests: Vec<RequestClaim>,
}

/// Answer of `POST /api/v1/my/requests/claim`: the ids now the caller's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Claimed {
    /// Claimed ids, in the order asked; the others did not match.
    pub claimed: Vec<String>,
}

/// Most requests one claim may name.
pub const MAX_CLAIMS: usize = 1000;

/// One step of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineEntry {
    /// Id of the underlying `servicerequestupdates` entry.
    pub update_id: String,
    /// Status reached at this step.
    pub status: DetailedStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// Note or official answer written with the step (may be empty). An
    /// internal note is empty everywhere but in the officers' view.
    pub note: String,
    /// Officer who made the step, when an officer did.
    pub officer: Option<String>,
    /// Whether the step's note is internal (officers only); absent means public.
    #[serde(default)]
    pub internal: bool,
}

/// The resident's rating of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rating {
    /// 1 to 5.
    pub stars: u8,
    /// Optional comment.
    pub comment: Option<String>,
    /// When it was given.
    pub at: DateTime<Utc>,
}

/// One of the resident's own requests, as `GET /api/v1/my/requests` pages it. Key: `request.service_request_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MyRequest {
    /// The public Open311 view of the request.
    pub request: ServiceRequest,
    /// Every status step, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The official answer, once there is one.
    pub answer: Option<String>,
    /// The resident's rating, if given.
    pub rating: Option<Rating>,
    /// How many times the resident reopened it.
    pub reopen_count: u32,
}

/// Body of `POST /api/v1/my/requests/{id}/rating`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RatingInput {
    /// 1 to 5.
    pub stars: u8,
    /// Optional comment.
    pub comment: Option<String>,
}

/// Body of `POST /api/v1/my/requests/{id}/reopen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReopenInput {
    /// Why the answer did not solve the problem (required, not blank).
    pub reason: String,
}

/// Answer of `POST /api/v1/requests/{id}/support` ("tôi cũng gặp").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupportAnswer {
    /// The request supported.
    pub service_request_id: String,
    /// Supporters after this call.
    pub support_count: u32,
}

/// State of a resumable upload (`POST`/`HEAD /api/v1/uploads`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Upload {
    /// Id to PATCH and to list in `media_ids`.
    pub id: String,
    /// Bytes received so far.
    pub offset: u64,
}

/// Largest upload accepted (after client-side compression): 8 MiB.
pub const MAX_UPLOAD_BYTES: u64 = 8 * 1024 * 1024;
/// Most photos one request may carry.
pub const MAX_MEDIA_PER_REQUEST: usize = 5;

/// Roles of accounts, each scoped to one administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    /// A resident with an account.
    Resident,
    /// Trưởng thôn / tổ trưởng dân phố.
    VillageHead,
    /// Editor of the unit's news.
    Editor,
    /// Cán bộ handling requests.
    Officer,
    /// Administrator of the unit.
    Admin,
}

impl Role {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::VillageHead => "village_head",
            Role::Editor => "editor",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    /// Every role, from the least to the most powerful.
    pub const ALL: [Role; 5] = [
        Role::Resident,
        Role::VillageHead,
        Role::Editor,
        Role::Officer,
        Role::Admin,
    ];

    /// Parse a wire name; the command-line spelling with a hyphen
    /// (`village-head`) is accepted too.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().replace('-', "_");
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether this role may draft announcements (village head, officer, admin).
    pub fn drafts_announcements(self) -> bool {
        matches!(self, Role::VillageHead | Role::Officer | Role::Admin)
    }

    /// Whether this role may approve or return announcements (editor, admin).
    pub fn reviews_announcements(self) -> bool {
        matches!(self, Role::Editor | Role::Admin)
    }

    /// Whether this role holds any official tool (every role but resident):
    /// the app shows the official screens only then.
    pub fn is_official(self) -> bool {
        self != Role::Resident
    }

    /// Whether this role may handle service requests.
    pub fn handles_requests(self) -> bool {
        matches!(self, Role::Officer | Role::Admin)
    }
}

/// Body of `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoginInput {
    /// Account name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Answer of a successful login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    /// Bearer token for the officer endpoints.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// Display name of the account.
    pub name: String,
    /// Unit the account is scoped to.
    pub unit: String,
    /// Role of the account.
    pub role: Role,
}

/// Body of `POST /api/v1/officer/requests/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StatusChange {
    /// New status: `received`, `in_progress`, `answered` or `closed`.
    pub status: DetailedStatus,
    /// Note on the step: internal (officers only) unless `note_public`.
    pub note: Option<String>,
    /// Show `note` to the resident and in public lists (`status_notes`,
    /// `servicerequestupdates`); absent means internal.
    #[serde(default)]
    pub note_public: bool,
    /// The official answer (required when `status` is `answered`); always public.
    pub answer: Option<String>,
}

/// A request as an officer sees it: the public view plus the contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OfficerRequest {
    /// The public view.
    pub request: ServiceRequest,
    /// Resident's first name, if given.
    pub first_name: Option<String>,
    /// Resident's last name, if given.
    pub last_name: Option<String>,
    /// Resident's email, if given.
    pub email: Option<String>,
    /// Resident's phone, if given.
    pub phone: Option<String>,
    /// Every step so far.
    pub timeline: Vec<TimelineEntry>,
    /// The request arrived without a unit and the server placed it (in the
    /// commune nearest its location, the configured default unit, or the
    /// national queue when `request.unit` is empty): "Cần phân loại" until an
    /// officer routes or assigns it.
    #[serde(default)]
    pub triage: bool,
    /// The officer it is assigned to, if any.
    #[serde(default)]
    pub assignee: Option<Assignee>,
}

/// The officer a request is assigned to ("Giao cho: …").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Assignee {
    /// Their username (the inbox's "của tôi" filter compares it).
    pub username: String,
    /// Their display name.
    pub name: String,
}

/// Body of `POST /api/v1/officer/requests/{id}/assign`: exactly one of
/// `unit` (route the request to another unit, which clears the triage mark
/// and the assignee) or `assignee` (an officer account of the request's unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssignInput {
    /// Unit code (commune, ward or village) to route the request to.
    #[serde(default)]
    pub unit: Option<String>,
    /// Username of the officer to assign it to.
    #[serde(default)]
    pub assignee: Option<String>,
}
