//! The storage side of service requests (services, requests, their updates,
//! residents' follow-ups): the [`RequestStorage`] trait and the values it takes
//! and returns. Who is asking lives in [`super::accounts`], photos in [`super::uploads`].
//!
//! Every write that a client may retry takes an optional [`Idem`]: the first
//! answer is recorded with the change in one transaction, a retry with the same
//! key and fingerprint gets it back ([`Written::Replayed`]), a retry with the same
//! key and another fingerprint fails with [`Conflict::IdempotencyMismatch`].
//! Validation of user input happens before, in the HTTP layer.

use chrono::{DateTime, Utc};
use congdan_protocol::open311::{
    DetailedStatus, RequestCreated, Service, ServiceDefinition, ServiceRequest,
    ServiceRequestUpdate, Status,
};
use congdan_protocol::requests::{MyRequest, OfficerRequest, SupportAnswer, TimelineEntry};

use super::audit::AuditRecord;
use super::{RawPage, StorageFuture};

/// A service with everything the server needs to take requests for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecord {
    /// The public description.
    pub service: Service,
    /// Its form.
    pub definition: ServiceDefinition,
    /// Deadline in working hours.
    pub deadline_hours: u32,
    /// Agency responsible (Open311 `agency_responsible`).
    pub agency: String,
}

/// An idempotency key with the fingerprint of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idem {
    /// The client's `Idempotency-Key`.
    pub key: String,
    /// Hash of what was asked (route and body), to tell a retry from a reuse.
    pub fingerprint: String,
}

/// Result of an idempotent write.
#[derive(Debug, Clone, PartialEq)]
pub enum Written<T> {
    /// The change was made now.
    Fresh(T),
    /// The same key was seen before with the same request: this is its first answer.
    Replayed(T),
}

impl<T> Written<T> {
    /// The answer, fresh or replayed.
    pub fn into_inner(self) -> T {
        match self {
            Written::Fresh(value) | Written::Replayed(value) => value,
        }
    }

    /// Whether this is a replay.
    pub fn is_replay(&self) -> bool {
        matches!(self, Written::Replayed(_))
    }
}

/// Domain refusals of a write; nothing was changed when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Conflict {
    /// The `Idempotency-Key` was used before with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyMismatch,
    /// A `media_ids` entry is not a finished upload, or is used by another request.
    #[error("media {0} is not a finished, unused upload")]
    UnknownMedia(String),
    /// No such request (or not the caller's).
    #[error("no such request")]
    NotFound,
    /// The request is not in a state that allows this.
    #[error("request is {0:?}")]
    WrongState(DetailedStatus),
    /// This device already supported the request.
    #[error("already supported by this device")]
    AlreadySupported,
}

/// A validated request ready to store. Contact fields go to the private column.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    /// Public view with an empty id and no media; storage fills both.
    pub public: ServiceRequest,
    /// Open311 token handed back to the client.
    pub token: String,
    /// The sender gave no unit and the server placed it (`open311::triage`).
    pub triage: bool,
    /// Registered device the request belongs to.
    pub device_id: Option<String>,
    /// SHA-256 of the `Idempotency-Key` it came with: whoever shows that key
    /// later may claim the request for another device ([`RequestStorage::claim_requests`]).
    pub claim_hash: Option<String>,
    /// Contact details and attribute answers (never served publicly).
    pub private: PrivateDetails,
    /// Ids of finished uploads to attach, in order.
    pub media_ids: Vec<String>,
    /// Photos sent inline (multipart), already checked: `(mime, bytes)`.
    pub inline_media: Vec<(String, Vec<u8>)>,
    /// Base of media URLs, e.g. `/open311/v2/media/`.
    pub media_base: String,
}

/// What a request holds that only the resident and officers may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrivateDetails {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Client account id.
    pub account_id: Option<String>,
    /// Answers to the service's attributes: `(code, value)`, lists repeated.
    pub attributes: Vec<(String, String)>,
}

/// Filters of `GET requests`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    /// Only these ids.
    pub ids: Option<Vec<String>>,
    /// Only these services.
    pub service_codes: Option<Vec<String>>,
    /// Requested at or after.
    pub start: Option<DateTime<Utc>>,
    /// Requested at or before.
    pub end: Option<DateTime<Utc>>,
    /// Only open or closed ones.
    pub status: Option<Status>,
    /// Only these units (communes).
    pub units: Option<Vec<String>>,
    /// With `units`: also the requests without a unit (the national triage queue).
    pub national: bool,
    /// Only these detailed statuses.
    pub detailed: Option<Vec<DetailedStatus>>,
    /// At most this many, newest first (by `requested_datetime`, then id).
    pub limit: u32,
}

/// A status step written by an officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusStep {
    /// New status.
    pub status: DetailedStatus,
    /// Note of the step.
    pub note: String,
    /// Whether `note` may be shown to the resident and the public; officers'
    /// notes are internal unless marked public. An answer is always public.
    pub note_public: bool,
    /// The official answer, when the step gives one.
    pub answer: Option<String>,
    /// Display name of the officer.
    pub officer: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Where an officer sends a request ([`RequestStorage::assign_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignTarget {
    /// Route it to another unit: the request's `unit` and agency change, the
    /// triage mark and the assignee are cleared.
    Unit {
        /// Unit code.
        code: String,
        /// The unit's name as an agency (`agency_responsible`).
        agency: String,
    },
    /// Give it to an officer of its unit; the triage mark is cleared.
    Person {
        /// Their username.
        username: String,
        /// Their display name (for the internal note).
        name: String,
    },
}

/// An assignment written by an officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Where the request goes.
    pub target: AssignTarget,
    /// Display name of the officer who assigns it.
    pub officer: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Storage of service requests and what residents and officers write on them.
pub trait RequestStorage: Send + Sync + 'static {
    /// Insert or replace services (seed); their order is the order given.
    fn put_services(&self, services: Vec<ServiceRecord>) -> StorageFuture<'_, usize>;
    /// Every service, in order.
    fn services(&self) -> StorageFuture<'_, Vec<ServiceRecord>>;
    /// One service.
    fn service(&self, code: String) -> StorageFuture<'_, Option<ServiceRecord>>;

    /// Store a new request with its first update and photos, idempotently.
    fn create_request(
        &self,
        request: NewRequest,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<RequestCreated>, Conflict>>;
    /// Requests matching a filter, newest first (by `requested_datetime`, then id).
    fn find_requests(&self, filter: RequestFilter) -> StorageFuture<'_, Vec<ServiceRequest>>;
    /// One request as an officer sees it.
    fn officer_request(&self, id: String) -> StorageFuture<'_, Option<OfficerRequest>>;
    /// Id of the request a token belongs to.
    fn request_by_token(&self, token: String) -> StorageFuture<'_, Option<String>>;
    /// Updates written in `[start, end]`, oldest first.
    fn updates(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<ServiceRequestUpdate>>;
    /// Timeline of one request as a resident sees it (internal notes empty).
    fn timeline(&self, id: String) -> StorageFuture<'_, Vec<TimelineEntry>>;
    /// Write an officer's status step and its audit record in one transaction.
    fn change_status(
        &self,
        id: String,
        step: StatusStep,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>>;
    /// Route or assign a request, with an internal timeline note and its
    /// audit record, in one transaction.
    fn assign_request(
        &self,
        id: String,
        assignment: Assignment,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>>;

    /// The device's requests changed after `since` (a `Page<MyRequest>` in raw form).
    fn my_changes(&self, device_id: String, since: u64, limit: u32) -> StorageFuture<'_, RawPage>;
    /// Rate an answered or closed request of the device.
    fn rate(
        &self,
        id: String,
        device_id: String,
        stars: u8,
        comment: Option<String>,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<MyRequest>, Conflict>>;
    /// Reopen an answered or closed request of the device.
    fn reopen(
        &self,
        id: String,
        device_id: String,
        reason: String,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<MyRequest>, Conflict>>;
    /// Move to `device_id` the requests whose id and claim hash match a pair of
    /// `claims`, each with a new `seq` so that they appear in the device's feed;
    /// the ids moved. Pairs that match nothing are ignored.
    fn claim_requests(
        &self,
        device_id: String,
        claims: Vec<(String, String)>,
    ) -> StorageFuture<'_, Vec<String>>;
    /// "Tôi cũng gặp": once per device.
    fn support(
        &self,
        id: String,
        device_id: String,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<SupportAnswer>, Conflict>>;
}
