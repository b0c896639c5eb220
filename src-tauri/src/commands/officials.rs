//! Commands for officials and announcements (thông báo): login and logout,
//! the session the official screens are shown for, residents' announcements
//! and acknowledgements, drafting and review, the officer inbox and answers.
//! One line each over `congdan_core`; the server decides who may do what.

use chrono::{DateTime, Utc};
use congdan_core::PreparedDocument;
use congdan_core::SubmitReceipt;
use congdan_core::announcements::{AnnouncementList, AnnouncementShare};
use congdan_core::official::{
    DraftAttachment, DraftInput, DraftOutcome, InboxItem, OfficialSession,
};
use congdan_protocol::announcements::{AckKind, OfficialAnnouncement, UnitHouseholds};
use congdan_protocol::requests::{AssignInput, OfficerRequest};
use tauri::State;

use crate::{AppState, UiError};

/// The logged-in official, or `null` (then no official screen is shown).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_official_session(
    state: State<'_, AppState>,
) -> Result<Option<OfficialSession>, UiError> {
    Ok(state.core.official_session()?)
}

/// Logs in; the token goes to the credential store, never to the UI.
#[tauri::command]
#[tracing::instrument(skip(state, password), err(Debug))]
pub async fn login(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<OfficialSession, UiError> {
    Ok(state.core.login(&username, &password).await?)
}

/// Logs out here and, when reachable, on the server.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn logout(state: State<'_, AppState>) -> Result<(), UiError> {
    Ok(state.core.logout().await?)
}

/// The cached announcements of the household's unit.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_announcements(state: State<'_, AppState>) -> Result<AnnouncementList, UiError> {
    Ok(state.core.announcements()?)
}

/// Asks the server now, then returns the cache (marked offline when unreachable).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn refresh_announcements(
    state: State<'_, AppState>,
) -> Result<AnnouncementList, UiError> {
    Ok(state.core.refresh_announcements().await?)
}

/// A resident's answer, saved to the outbox (sent by the next drain).
#[tauri::command(async)]
#[tracing::instrument(skip(state, reason), err(Debug))]
pub async fn ack_announcement(
    state: State<'_, AppState>,
    id: String,
    kind: AckKind,
    reason: Option<String>,
) -> Result<Option<SubmitReceipt>, UiError> {
    Ok(state
        .core
        .ack_announcement(&id, kind, reason, None, None)
        .await?)
}

/// An official records a household's answer on its behalf.
#[tauri::command]
#[tracing::instrument(skip(state, reason, household), err(Debug))]
pub async fn ack_for_household(
    state: State<'_, AppState>,
    id: String,
    kind: AckKind,
    reason: Option<String>,
    household: String,
    unit: Option<String>,
) -> Result<(), UiError> {
    state
        .core
        .ack_announcement(&id, kind, reason, Some(household), unit)
        .await?;
    Ok(())
}

/// The official's announcements and those under review in their units.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn official_announcements(
    state: State<'_, AppState>,
) -> Result<Vec<OfficialAnnouncement>, UiError> {
    Ok(state.core.official_announcements().await?)
}

/// Saves a draft (to the outbox when the server cannot be reached).
#[tauri::command]
#[tracing::instrument(skip(state, title, body, event_place, attachments), err(Debug))]
#[allow(clippy::too_many_arguments)] // one argument per form field, as the UI sends them
pub async fn draft_announcement(
    state: State<'_, AppState>,
    id: Option<String>,
    title: String,
    body: String,
    units: Vec<String>,
    event_start: Option<DateTime<Utc>>,
    event_place: Option<String>,
    attachments: Option<Vec<DraftAttachment>>,
) -> Result<DraftOutcome, UiError> {
    let input = DraftInput {
        id,
        title,
        body,
        units,
        event_start,
        event_place,
        attachments: attachments.unwrap_or_default(),
    };
    Ok(state.core.draft_announcement(input).await?)
}

/// Sends the author's draft for review.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn submit_announcement(
    state: State<'_, AppState>,
    id: String,
) -> Result<OfficialAnnouncement, UiError> {
    Ok(state.core.submit_announcement(&id).await?)
}

/// Publishes a submitted announcement (editor, admin).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn approve_announcement(
    state: State<'_, AppState>,
    id: String,
) -> Result<OfficialAnnouncement, UiError> {
    Ok(state.core.approve_announcement(&id).await?)
}

/// Returns a submitted announcement to its author with a comment.
#[tauri::command]
#[tracing::instrument(skip(state, comment), err(Debug))]
pub async fn return_announcement(
    state: State<'_, AppState>,
    id: String,
    comment: String,
) -> Result<OfficialAnnouncement, UiError> {
    Ok(state.core.return_announcement(&id, &comment).await?)
}

/// Reach figures of the official's unit (or `unit`) by week.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn official_reach(
    state: State<'_, AppState>,
    unit: Option<String>,
) -> Result<congdan_protocol::announcements::Reach, UiError> {
    Ok(state.core.reach(unit, None).await?)
}

/// The officer inbox: new, overdue and due soon first.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn officer_inbox(state: State<'_, AppState>) -> Result<Vec<InboxItem>, UiError> {
    Ok(state.core.inbox().await?)
}

/// Issues a CAP alert for units the officer covers; the stored rows.
#[tauri::command]
#[tracing::instrument(skip(state, input), err(Debug))]
pub async fn issue_alert(
    state: State<'_, AppState>,
    input: congdan_protocol::AlertInput,
) -> Result<Vec<congdan_protocol::Alert>, UiError> {
    Ok(state.core.issue_alert(&input).await?)
}

/// Posts an epidemic bulletin for units the officer covers; the stored rows.
#[tauri::command]
#[tracing::instrument(skip(state, input), err(Debug))]
pub async fn post_bulletin(
    state: State<'_, AppState>,
    input: congdan_protocol::BulletinInput,
) -> Result<Vec<congdan_protocol::Bulletin>, UiError> {
    Ok(state.core.post_bulletin(&input).await?)
}

/// Answers a request of the officer's unit.
#[tauri::command]
#[tracing::instrument(skip(state, text), err(Debug))]
pub async fn answer_request(
    state: State<'_, AppState>,
    id: String,
    text: String,
) -> Result<OfficerRequest, UiError> {
    Ok(state.core.answer_request(&id, &text).await?)
}

/// Routes a request to another unit or assigns it to an officer of its unit.
#[tauri::command]
#[tracing::instrument(skip(state, input), err(Debug))]
pub async fn assign_request(
    state: State<'_, AppState>,
    id: String,
    input: AssignInput,
) -> Result<OfficerRequest, UiError> {
    Ok(state.core.assign_request(&id, input).await?)
}

/// For the author of an announcement: the households not yet reached, per unit.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn announcement_households(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<UnitHouseholds>, UiError> {
    Ok(state.core.announcement_households(&id).await?)
}

/// Writes a cached announcement's event to an .ics file in the app's
/// download folder; the file's path.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state), err(Debug))]
pub fn export_announcement_ics<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<String, UiError> {
    let dir = crate::commands::outages::export_dir(&app)?;
    Ok(state
        .core
        .export_announcement_ics(&id, &dir)?
        .display()
        .to_string())
}

/// Keeps a PDF chosen in the UI for an announcement draft.
#[tauri::command(async)]
#[tracing::instrument(skip(state, data_base64), err(Debug))]
pub fn prepare_document(
    state: State<'_, AppState>,
    data_base64: String,
) -> Result<PreparedDocument, UiError> {
    Ok(state.core.prepare_document_base64(&data_base64)?)
}

/// Writes a cached announcement's photo or PDF to the app's download
/// folder; the file's path.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state), err(Debug))]
pub fn save_announcement_file<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    url: String,
) -> Result<String, UiError> {
    let dir = crate::commands::outages::export_dir(&app)?;
    Ok(state
        .core
        .save_announcement_file(&id, &url, &dir)?
        .display()
        .to_string())
}

/// The public link of a cached announcement and its QR code (SVG).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn share_announcement(
    state: State<'_, AppState>,
    id: String,
) -> Result<AnnouncementShare, UiError> {
    Ok(state.core.share_announcement(&id)?)
}
