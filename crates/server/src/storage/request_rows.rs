//! What both engines' request storage (`sqlite_requests.rs`, `pg_requests.rs`)
//! does alike once the SQL has run: turning stored columns into protocol
//! values, and the rules of a change that do not depend on the engine (who may
//! follow up, what an officer's step writes, where a new request's photos are
//! served). The SQL stays with each engine.

use congdan_protocol::open311::{
    DetailedStatus, RequestCreated, ServiceRequest, ServiceRequestUpdate,
};
use congdan_protocol::requests::{Assignee, MyRequest, OfficerRequest, Rating, TimelineEntry};

use super::StorageError;
use super::requests::{
    AssignTarget, Conflict, PrivateDetails, RequestFilter, ServiceRecord, StatusStep,
};
use super::sqlite_rows::{corrupt, from_json, parse_ts};

/// Request ids are decimal row ids; anything else names no request.
pub(super) fn row_id(id: &str) -> Option<i64> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok()
}

/// Who reads a timeline: the resident sees internal notes as empty, officers see all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    Resident,
    Officer,
}

/// One `request_updates` row as `reader` sees it.
pub(super) fn timeline_entry(
    update_id: i64,
    status: &str,
    at: &str,
    note: String,
    officer: Option<String>,
    public: bool,
    reader: Reader,
) -> Result<TimelineEntry, StorageError> {
    let key = update_id.to_string();
    Ok(TimelineEntry {
        status: DetailedStatus::parse(status)
            .ok_or_else(|| corrupt("request_updates", &key, "unknown status"))?,
        at: parse_ts("request_updates", &key, at)?,
        note: if public || reader == Reader::Officer {
            note
        } else {
            String::new()
        },
        officer,
        internal: !public,
        update_id: key,
    })
}

/// A `ratings` row of request `key`.
pub(super) fn rating(
    key: &str,
    stars: i64,
    comment: Option<String>,
    at: &str,
) -> Result<Rating, StorageError> {
    Ok(Rating {
        stars: u8::try_from(stars).map_err(|e| corrupt("ratings", key, e))?,
        comment,
        at: parse_ts("ratings", key, at)?,
    })
}

/// The columns a resident's view of request `id` is made of.
pub(super) struct MyRequestRow {
    pub(super) body: String,
    pub(super) answer: Option<String>,
    pub(super) reopen_count: i64,
    pub(super) rating: Option<Rating>,
    pub(super) timeline: Vec<TimelineEntry>,
}

/// A request as its resident sees it.
pub(super) fn my_request(id: i64, row: MyRequestRow) -> Result<MyRequest, StorageError> {
    Ok(MyRequest {
        request: from_json("requests", &id.to_string(), &row.body)?,
        timeline: row.timeline,
        answer: row.answer,
        rating: row.rating,
        reopen_count: u32::try_from(row.reopen_count).unwrap_or(0),
    })
}

/// The columns an officer's view of request `id` is made of.
pub(super) struct OfficerRow {
    pub(super) body: String,
    pub(super) private: String,
    pub(super) triage: bool,
    pub(super) assignee: Option<String>,
    pub(super) assignee_name: Option<String>,
    pub(super) timeline: Vec<TimelineEntry>,
}

/// A request as an officer sees it: the public view, contact details, the
/// whole timeline and the assignee.
pub(super) fn officer_request(id: i64, row: OfficerRow) -> Result<OfficerRequest, StorageError> {
    let key = id.to_string();
    let private: PrivateDetails = from_json("requests", &key, &row.private)?;
    let assignee_name = row.assignee_name;
    Ok(OfficerRequest {
        request: from_json("requests", &key, &row.body)?,
        first_name: private.first_name,
        last_name: private.last_name,
        email: private.email,
        phone: private.phone,
        timeline: row.timeline,
        triage: row.triage,
        assignee: row.assignee.map(|username| Assignee {
            name: assignee_name.unwrap_or_else(|| username.clone()),
            username,
        }),
    })
}

/// A `services` row.
pub(super) fn service_record(
    code: &str,
    body: &str,
    definition: &str,
    deadline_hours: i64,
    agency: String,
) -> Result<ServiceRecord, StorageError> {
    Ok(ServiceRecord {
        service: from_json("services", code, body)?,
        definition: from_json("services", code, definition)?,
        deadline_hours: u32::try_from(deadline_hours).map_err(|e| corrupt("services", code, e))?,
        agency,
    })
}

/// A `request_updates` row as an Open311 `servicerequestupdates` entry; `note`
/// is already empty when the step is internal, `media` is the request's first photo.
pub(super) fn service_request_update(
    id: i64,
    request_id: i64,
    status: &str,
    at: &str,
    note: String,
    media: Option<String>,
) -> Result<ServiceRequestUpdate, StorageError> {
    let key = id.to_string();
    let status = DetailedStatus::parse(status)
        .ok_or_else(|| corrupt("request_updates", &key, "unknown status"))?;
    Ok(ServiceRequestUpdate {
        update_id: key.clone(),
        service_request_id: request_id.to_string(),
        status: status.status(),
        updated_datetime: parse_ts("request_updates", &key, at)?,
        description: note,
        media_url: media
            .filter(|_| status == DetailedStatus::Submitted)
            .map(|m| format!("/open311/v2/media/{m}")),
        external_status_code: status.as_str().to_owned(),
    })
}

/// The detailed statuses a filter asks for (an Open311 `status` means all of
/// its detailed ones); `None` when it asks for every status.
pub(super) fn detailed_statuses(filter: &RequestFilter) -> Option<Vec<DetailedStatus>> {
    match (filter.status, &filter.detailed) {
        (_, Some(list)) => Some(list.clone()),
        (Some(status), None) => Some(
            DetailedStatus::ALL
                .into_iter()
                .filter(|s| s.status() == status)
                .collect(),
        ),
        (None, None) => None,
    }
}

/// A new request's public view once stored as row `id` with its photos, and
/// the Open311 answer to its creation.
pub(super) fn created(
    id: i64,
    mut public: ServiceRequest,
    media_ids: &[String],
    media_base: &str,
    account_id: Option<String>,
) -> (ServiceRequest, RequestCreated) {
    public.service_request_id = id.to_string();
    public.media_urls = media_ids
        .iter()
        .map(|media| format!("{media_base}{media}"))
        .collect();
    if public.media_url.is_none() {
        public.media_url = public.media_urls.first().cloned();
    }
    let created = RequestCreated {
        service_request_id: Some(id.to_string()),
        service_notice: public.service_notice.clone(),
        account_id,
        // GeoReport v2 answers with the id or a token, not both; the token
        // stays stored for `GET tokens/{token}`.
        token: None,
    };
    (public, created)
}

/// A resident may rate or reopen a request only once it was answered or closed.
pub(super) fn may_follow_up(request: &ServiceRequest) -> Result<(), Conflict> {
    match request.detailed_status {
        DetailedStatus::Answered | DetailedStatus::Closed => Ok(()),
        other => Err(Conflict::WrongState(other)),
    }
}

/// What an officer's status step writes: the timeline note and whether it is public.
pub(super) fn step_note(step: &StatusStep) -> (String, bool) {
    let note = step.answer.clone().unwrap_or_else(|| step.note.clone());
    (note, step.answer.is_some() || step.note_public)
}

/// An officer's status step applied to the public view.
pub(super) fn apply_step(
    request: &mut ServiceRequest,
    step: &StatusStep,
    note: &str,
    public: bool,
) {
    request.detailed_status = step.status;
    request.status = step.status.status();
    request.officer = Some(step.officer.clone());
    if public && !note.is_empty() {
        request.status_notes = Some(note.to_owned());
    }
}

/// A resident's reopening applied to the public view.
pub(super) fn apply_reopen(request: &mut ServiceRequest) {
    request.detailed_status = DetailedStatus::Submitted;
    request.status = DetailedStatus::Submitted.status();
}

/// The internal timeline note of an assignment.
pub(super) fn assign_note(target: &AssignTarget) -> String {
    match target {
        AssignTarget::Unit { agency, .. } => format!("Chuyển đến {agency}."),
        AssignTarget::Person { name, .. } => format!("Giao cho {name}."),
    }
}

/// A request routed to another unit, as the public view shows it.
pub(super) fn apply_route(request: &mut ServiceRequest, code: &str, agency: &str) {
    request.unit = Some(code.to_owned());
    request.agency_responsible = agency.to_owned();
}
