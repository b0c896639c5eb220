//! Types that cross to the UI, the CLI and tests: serde camelCase, exported to TypeScript.

use chrono::{DateTime, Utc};
use congdan_protocol::{ErrorBody, NewsItem, Procedure};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The commune the user lives in, with its province, for headers and scoping news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HomeUnit {
    /// Commune code (5 digits).
    pub code: String,
    /// Commune name, e.g. "Phường Ba Đình".
    pub name: String,
    /// Province code (2 digits).
    pub province_code: String,
    /// Province name, e.g. "Thành phố Hà Nội".
    pub province_name: String,
}

/// How fresh the shown data is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Freshness {
    /// When this data was last synced completely; `None` if never.
    pub synced_at: Option<DateTime<Utc>>,
    /// True when the last sync could not reach the server (cached data shown).
    pub offline: bool,
}

/// A news list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsSummary {
    /// Item id, for [`crate::Core::news_item`].
    pub id: String,
    /// Source name (feed title).
    pub source: String,
    /// Title, plain text.
    pub title: String,
    /// Short plain-text summary (may be empty).
    pub summary: String,
    /// Lead image URL; pass it to [`crate::Core::media`] for the cached bytes.
    pub image: Option<String>,
    /// Publication time (UTC).
    pub published_at: DateTime<Utc>,
}

/// The home unit's news, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsList {
    /// Items, newest first.
    pub items: Vec<NewsSummary>,
    /// Freshness of the news cache.
    pub freshness: Freshness,
}

/// The home unit's planned power cuts that have not ended, by start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutageList {
    /// Cuts ending after the asked time, earliest start first; cancelled ones
    /// are included with their status so a resident sees a cut was called off.
    pub items: Vec<congdan_protocol::Outage>,
    /// Freshness of the outage cache.
    pub freshness: Freshness,
}

/// The home unit's alerts: the active ones pinned in order of severity, then
/// urgency, then newest; the rest (expired, cancelled, superseded) as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AlertList {
    /// Active alerts, most severe first.
    pub active: Vec<congdan_protocol::Alert>,
    /// Inactive alerts, newest first.
    pub history: Vec<congdan_protocol::Alert>,
    /// Freshness of the alerts cache.
    pub freshness: Freshness,
}

/// The home unit's epidemic bulletins: the latest, the trend of the last
/// days, and the vaccination places (nearest first when a position was given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulletinView {
    /// The newest bulletin (by day, then publication); `None` before any.
    pub latest: Option<congdan_protocol::Bulletin>,
    /// The home unit's own figures in `latest`.
    pub mine: Option<congdan_protocol::CaseCount>,
    /// New cases of every unit in `latest`.
    pub total_new_cases: u32,
    /// One point per day of the last bulletins of the same disease, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Vaccination places of `latest`.
    pub places: Vec<PlaceNear>,
    /// Names of the units `latest` gives figures for, by code, as far as the
    /// cached unit list knows them (a code missing here is shown as is).
    pub unit_names: std::collections::BTreeMap<String, String>,
    /// Freshness of the bulletin cache.
    pub freshness: Freshness,
}

/// One day of the trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TrendPoint {
    /// Day, `YYYY-MM-DD`.
    pub date: String,
    /// New cases in the home unit that day.
    pub mine: u32,
    /// New cases in every unit of that day's bulletin.
    pub total: u32,
}

/// A vaccination place and how far it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlaceNear {
    /// The place as posted.
    pub place: congdan_protocol::VaccinationPlace,
    /// Metres from the position asked about; `None` without a position or
    /// when the place has no coordinates.
    pub distance_m: Option<u32>,
}

/// One full news item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsDetail {
    /// The item as the server published it (body HTML already sanitized).
    pub item: NewsItem,
    /// Freshness of the news cache.
    pub freshness: Freshness,
}

/// A cached image ready for an `<img src>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Media {
    /// MIME type, e.g. "image/jpeg".
    pub mime: String,
    /// `data:<mime>;base64,<bytes>` URL.
    pub data_url: String,
}

/// A procedure search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureQuery {
    /// Free text, with or without diacritics; empty lists everything by name.
    pub text: String,
    /// Only procedures whose levels contain this value (e.g. "Cấp xã").
    pub level: Option<String>,
    /// Only procedures of this field (e.g. "Hộ tịch").
    pub field: Option<String>,
    /// Maximum hits (0 means the default, 50; capped at 500).
    pub limit: u32,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureHit {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Levels that carry it out.
    pub levels: Vec<String>,
}

/// Search results, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureResults {
    /// The best hits, best first (at most the query's limit).
    pub hits: Vec<ProcedureHit>,
    /// Number of procedures that match well (every one passing the filters
    /// when nothing was typed).
    pub total: u32,
    /// True when nothing matches well: `hits` are the nearest procedures and
    /// the UI says so and offers the commune's own channel.
    pub weak: bool,
    /// Freshness of the catalogue cache.
    pub freshness: Freshness,
}

/// A life event ("Sinh con", "Kết hôn") on the opening screen of Thủ tục.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LifeEvent {
    /// Stable id, e.g. "sinh-con".
    pub id: String,
    /// Vietnamese title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// The procedures it leads to that the device holds, in the order a
    /// resident needs them.
    pub procedures: Vec<ProcedureHit>,
}

/// The opening screen of Thủ tục, before anything is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureHome {
    /// The most-asked procedures at the home unit's level (commune/ward).
    pub popular: Vec<ProcedureHit>,
    /// Entries by life event, each with its short list.
    pub events: Vec<LifeEvent>,
    /// Procedures the user opened lately, newest first.
    pub recent: Vec<ProcedureHit>,
    /// Procedures the user saved, latest first.
    pub saved: Vec<ProcedureHit>,
    /// Number of procedures held, for "2.642 thủ tục".
    pub total: u32,
    /// Freshness of the catalogue cache.
    pub freshness: Freshness,
}

/// One filter value with the number of procedures carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Facet {
    /// The value, e.g. "Cấp xã".
    pub value: String,
    /// How many procedures have it.
    pub count: u32,
}

/// Filter values for the search screen, most common first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureFacets {
    /// Levels.
    pub levels: Vec<Facet>,
    /// Fields.
    pub fields: Vec<Facet>,
}

/// One procedure with the user's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureDetail {
    /// The full procedure.
    pub procedure: Procedure,
    /// Indexes into `procedure.documents` the user ticked, ascending.
    pub checked: Vec<u32>,
    /// True when the user saved this procedure.
    pub saved: bool,
    /// Freshness of the catalogue cache.
    pub freshness: Freshness,
}

/// Sync state of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResourceStatus {
    /// "units", "procedures" or "news".
    pub resource: String,
    /// Last complete sync; `None` if never.
    pub synced_at: Option<DateTime<Utc>>,
    /// Items stored.
    pub count: u32,
}

/// What is cached and how the last sync went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncStatus {
    /// One entry per resource (news only once a home unit is set).
    pub resources: Vec<ResourceStatus>,
    /// True when the last sync could not reach the server.
    pub offline: bool,
    /// Error of the last failed sync, cleared by a later success.
    pub last_error: Option<ErrorBody>,
    /// Writes waiting in the outbox (reports, photos, ratings), shown on every screen.
    pub pending: u32,
}

/// Progress of a running sync, sent after every stored page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    /// Resource being pulled.
    pub resource: String,
    /// Pages stored so far for it.
    pub page: u32,
    /// Changes (items plus deletions) stored so far for it.
    pub items: u32,
    /// Bytes received so far for it (after decompression); 0 for the documents
    /// and the bus network, which report once, when they complete.
    pub bytes: u32,
    /// True on the resource's last report.
    pub done: bool,
}

/// What one resource's pull did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResourceReport {
    /// Resource name.
    pub resource: String,
    /// Pages stored.
    pub pages: u32,
    /// Items inserted or replaced.
    pub items: u32,
    /// Items deleted.
    pub deleted: u32,
    /// True when the server said nothing changed (304).
    pub not_modified: bool,
}

/// What a sync did, per resource in sync order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    /// One report per pulled resource.
    pub resources: Vec<ResourceReport>,
    /// What the outbox drain (run first) did.
    pub drain: DrainReport,
    /// Status changes of my requests seen by this sync (for notifications).
    pub status_changes: Vec<RequestStatusChange>,
    /// True when the data saver left images and the catalogue for a full sync.
    pub deferred: bool,
}

/// What an outbox row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutboxKind {
    /// A photo (resumable upload).
    Upload,
    /// A service request (Open311 POST requests.json).
    Request,
    /// A rating of an answer.
    Rating,
    /// Reopening an answered request.
    Reopen,
    /// "Tôi cũng gặp" on a public request.
    Support,
    /// A resident's acknowledgement of an announcement (PUT, the device's
    /// last answer counts, so a retry never counts twice).
    Ack,
    /// An official's announcement draft written offline (PUT under its
    /// client-chosen id with the session token, so a retry writes it again).
    Draft,
}

/// Lifecycle of an outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutboxState {
    /// Saved, waiting to be sent (maybe after failed attempts).
    Pending,
    /// Being sent now (or the app stopped mid-send: it is sent again, same key).
    Sending,
    /// The server acknowledged it.
    Done,
    /// The server refused it for good; `lastError` says why (shown to the user).
    FailedPermanent,
}

/// One outbox row for the "Hộp thư đi" screen and `congdan outbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutboxEntry {
    /// Sending order.
    pub id: i64,
    /// Idempotency-Key (also the local id of a queued request).
    pub uuid: String,
    /// What it sends.
    pub kind: OutboxKind,
    /// Short Vietnamese description, e.g. "Phản ánh: Hạ tầng giao thông".
    pub summary: String,
    /// Lifecycle state.
    pub state: OutboxState,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When an automatic retry is due (`None`: as soon as possible).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Error of the last failed attempt; for `failed_permanent`, the server's reason.
    pub last_error: Option<ErrorBody>,
    /// The server's id once acknowledged (request id, upload id).
    pub remote_id: Option<String>,
}

/// Progress of a drain, sent after each row and each uploaded chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DrainProgress {
    /// Rows finished (sent or set aside) so far in this drain.
    pub done: u32,
    /// Rows this drain set out to send.
    pub total: u32,
    /// Kind of the row in progress.
    pub kind: OutboxKind,
    /// Bytes of the current upload the server has (0 for other kinds).
    pub uploaded_bytes: u64,
    /// Size of the current upload (0 for other kinds).
    pub total_bytes: u64,
}

impl DrainProgress {
    /// Progress after a row of `kind` finished: rows only, no upload bytes.
    pub fn rows(done: u32, total: u32, kind: OutboxKind) -> DrainProgress {
        DrainProgress {
            done,
            total,
            kind,
            uploaded_bytes: 0,
            total_bytes: 0,
        }
    }
}

/// What a drain did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DrainReport {
    /// Rows acknowledged by the server in this drain.
    pub sent: u32,
    /// Rows the server refused for good in this drain (set aside, see `outbox()`).
    pub failed_permanent: u32,
    /// Rows still waiting after this drain (0: the outbox is empty).
    pub pending: u32,
    /// Why the drain stopped early (network down, server error), if it did.
    pub last_error: Option<ErrorBody>,
}

/// A photo ready to attach: resized to at most 1600 px, JPEG, without EXIF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreparedPhoto {
    /// Id to put in [`RequestDraft::photo_ids`].
    pub id: String,
    /// Width in pixels after resizing.
    pub width: u32,
    /// Height in pixels after resizing.
    pub height: u32,
    /// Size of the stored JPEG in bytes (the bytes stay in the core).
    pub bytes: u32,
    /// A small JPEG preview as a `data:` URL.
    pub thumb_data_url: String,
}

/// A PDF kept for an announcement draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreparedDocument {
    /// Id to put in a draft's attachments.
    pub id: String,
    /// Size in bytes (the bytes stay in the core).
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The answer to one question of a service's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttributeAnswer {
    /// Attribute code.
    pub code: String,
    /// Values: one for most datatypes, any number of keys for `multivaluelist`.
    pub values: Vec<String>,
}

/// What the resident filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestDraft {
    /// Service code.
    pub service_code: String,
    /// What happened (required, ≤ 4000 characters, GeoReport v2's limit).
    pub description: String,
    /// Answers to the service's questions.
    pub attributes: Vec<AttributeAnswer>,
    /// Latitude, only if the user chose to share the location (with `long`).
    pub lat: Option<f64>,
    /// Longitude (with `lat`).
    pub long: Option<f64>,
    /// Typed address (needed when no coordinates are given).
    pub address: Option<String>,
    /// Thôn / tổ dân phố.
    pub village: Option<String>,
    /// Ids from [`crate::Core::prepare_photo`], at most 5.
    pub photo_ids: Vec<String>,
}

/// Proof that a write is saved on the device (it will be sent later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SubmitReceipt {
    /// Outbox row id of the write.
    pub outbox_id: i64,
    /// Its Idempotency-Key; for a request, also its local id until the server's is known.
    pub uuid: String,
}

/// A status change of one of my requests seen by a sync, for a notification.
/// (Named apart from the protocol's officer `StatusChange` body.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RequestStatusChange {
    /// Server id of the request.
    pub request_id: String,
    /// Service name.
    pub service_name: String,
    /// New detailed status (`received`, `in_progress`, `answered`, `closed`, `submitted`).
    pub detailed_status: String,
}

/// One row of "Của tôi".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MyRequestSummary {
    /// Server id, or the local uuid while the request is not yet acknowledged.
    pub id: String,
    /// The outbox uuid when this device created it and the core still knows it.
    pub local_uuid: Option<String>,
    /// Service name.
    pub service_name: String,
    /// First characters of the description.
    pub excerpt: String,
    /// `queued` (not yet sent), `failed` (refused), or a server detailed status.
    pub detailed_status: String,
    /// When it was written (queued) or received by the server.
    pub requested_at: DateTime<Utc>,
    /// Deadline, once the server set one.
    pub deadline: Option<DateTime<Utc>>,
    /// Working time left before the deadline, counted now with the holiday table.
    pub time_left: Option<TimeLeft>,
    /// True while the server has not acknowledged it (or a later rating/reopen).
    pub pending: bool,
}

/// How much of a deadline is left, in the office's working time (Mon–Fri
/// 07:30–11:30 and 13:30–17:00, UTC+7, without the holiday table's days off,
/// with its swapped working days): what "còn 3 giờ làm việc" says. Counted by
/// the core, the same way the server counted the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TimeLeft {
    /// Working minutes from now to the deadline (0 once it has passed).
    pub working_minutes: u32,
    /// True once the deadline has passed.
    pub overdue: bool,
}

impl TimeLeft {
    /// The time left from `now` to `deadline` in `calendar`'s working time.
    pub fn until(
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
        calendar: &congdan_hours::holidays::HolidayCalendar,
    ) -> Self {
        TimeLeft {
            working_minutes: u32::try_from(congdan_hours::deadlines::working_minutes_between(
                now, deadline, calendar,
            ))
            .unwrap_or(u32::MAX),
            overdue: now >= deadline,
        }
    }
}

/// The image cache as Settings shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MediaUsage {
    /// Cached images (lead and body images of news).
    pub images: u32,
    /// Room they take, in KiB.
    pub used_kib: u32,
    /// The most they may take, in MB; the oldest go first beyond it.
    pub budget_mb: u32,
}

/// "Của tôi": my requests, newest first, queued ones included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MyRequestList {
    /// Requests, newest first.
    pub items: Vec<MyRequestSummary>,
    /// Freshness of the my_requests cache.
    pub freshness: Freshness,
}

/// One of my requests in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MyRequestDetail {
    /// Server id, or the local uuid while queued.
    pub id: String,
    /// Outbox uuid when known.
    pub local_uuid: Option<String>,
    /// The server's view (`None` while queued).
    pub request: Option<congdan_protocol::open311::ServiceRequest>,
    /// Service name.
    pub service_name: String,
    /// Full description.
    pub description: String,
    /// `queued`, `failed` or the server's detailed status.
    pub detailed_status: String,
    /// Status steps, oldest first (empty while queued).
    pub timeline: Vec<congdan_protocol::TimelineEntry>,
    /// Official answer, once given.
    pub answer: Option<String>,
    /// Deadline.
    pub deadline: Option<DateTime<Utc>>,
    /// Working time left before the deadline, counted now with the holiday table.
    pub time_left: Option<TimeLeft>,
    /// Whether rating is allowed now (answered or closed, not yet rated, nothing queued).
    pub can_rate: bool,
    /// Whether reopening is allowed now (answered or closed, nothing queued).
    pub can_reopen: bool,
    /// The rating given, if any.
    pub rating: Option<congdan_protocol::requests::Rating>,
    /// Times reopened.
    pub reopen_count: u32,
    /// True while a write about it waits in the outbox.
    pub pending: bool,
    /// The server's reason when the request was refused for good.
    pub error: Option<ErrorBody>,
}

/// A public request of my ward ("tôi cũng gặp" instead of a duplicate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PublicRequest {
    /// Server id.
    pub id: String,
    /// Service name.
    pub service_name: String,
    /// First characters of the description.
    pub excerpt: String,
    /// Server detailed status.
    pub detailed_status: String,
    /// When the server received it.
    pub requested_at: DateTime<Utc>,
    /// Typed address, if any.
    pub address: Option<String>,
    /// "Tôi cũng gặp" count.
    pub support_count: u32,
    /// Latitude, if given.
    pub lat: Option<f64>,
    /// Longitude, if given.
    pub long: Option<f64>,
}
