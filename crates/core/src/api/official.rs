//! Officials' tools (issue 10): login and logout with the session token in the
//! platform credential store, announcements (draft, submit, approve, return,
//! list with acknowledgement counts, acknowledgement on behalf of a household),
//! a resident's acknowledgement from the device, the officer inbox and answers.
//!
//! Owns: the calls to `/api/v1/auth`, `/api/v1/official`, `/api/v1/officer`
//! and `/api/v1/announcements/{id}/ack`, and turning their refusals into
//! [`Error::Official`] with the server's Vietnamese reason. These calls are
//! online: the server decides role and unit, and a refusal must reach the
//! official at once. Does not own: who may do what (the server does) or the
//! residents' cached announcement list (`api::announcements`).

use chrono::{DateTime, Utc};
use congdan_protocol::announcements::{
    AckInput, AckKind, AnnouncementDraft, OfficialAnnouncement, ReturnInput, UnitHouseholds,
};
use congdan_protocol::open311::DetailedStatus;
use congdan_protocol::requests::{
    AssignInput, LoginInput, OfficerRequest, Role, Session, StatusChange,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Core;
use crate::Error;
use crate::error::ErrorCode;
use crate::store::settings;
use crate::sync::transport::{Answer, Call, HttpTransport, Method, Transport};

/// Settings key of the session's public part (never the token).
const SESSION_SETTING: &str = "official_session";
use crate::store::settings::{HOME_VILLAGE, HOME_VILLAGE_NAME};

/// A village (thôn, tổ dân phố) below the home commune, as a resident picks
/// one: its announcements then arrive as well as the commune's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HomeVillage {
    /// Village code, e.g. "00004-01".
    pub code: String,
    /// Name as the commune wrote it, e.g. "Tổ dân phố 1".
    pub name: String,
}

/// The logged-in official, as the UI and the CLI show it (the token stays in
/// the credential store and never leaves the core).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OfficialSession {
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Role: the official screens show for every role but `resident`.
    pub role: Role,
    /// Unit the account is scoped to.
    pub unit: String,
    /// When the session ends (12 h after login).
    pub expires_at: DateTime<Utc>,
}

/// One line of the officer inbox, in the order it is shown: new first, then
/// overdue, then by deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InboxItem {
    /// Where it stands for the officer: `new`, `overdue`, `due_soon` (within
    /// 8 hours), `open`, or `done` (answered or closed).
    pub urgency: String,
    /// The request with contact details and timeline.
    pub request: OfficerRequest,
}

/// Where a draft went: to the server at once (`saved`), or to the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DraftOutcome {
    /// The announcement's id (chosen here).
    pub id: String,
    /// The stored announcement, when the server was reached.
    pub saved: Option<OfficialAnnouncement>,
    /// The outbox row, when it waits for the network.
    pub queued: Option<crate::SubmitReceipt>,
}

/// The parts of an announcement an author writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DraftInput {
    /// Existing id to change; `None` makes a new announcement (fresh UUID).
    pub id: Option<String>,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Units it goes to.
    pub units: Vec<String>,
    /// Event start.
    pub event_start: Option<DateTime<Utc>>,
    /// Event place.
    pub event_place: Option<String>,
    /// Photos and PDFs (prepared with [`Core::prepare_photo`] or
    /// [`Core::prepare_document`]), in the order shown.
    pub attachments: Vec<DraftAttachment>,
}

/// A prepared file attached to a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DraftAttachment {
    /// Id of the prepared photo or document.
    pub file_id: String,
    /// File name residents see.
    pub name: String,
}

/// The official code of a refused call, from its status and the server's code.
fn refusal(resource: &'static str, answer: &Answer) -> Error {
    let body: Option<congdan_protocol::ErrorBody> = serde_json::from_slice(&answer.body).ok();
    let server_code = body.as_ref().map(|b| b.code.as_str()).unwrap_or("");
    let message = body.as_ref().map(|b| b.message.clone()).unwrap_or_default();
    let code = match (answer.status, server_code) {
        (401, "bad_credentials") => ErrorCode::BadCredentials,
        (401, _) => ErrorCode::NotLoggedIn,
        (429, _) => ErrorCode::LoginLocked,
        (403, _) => ErrorCode::Forbidden,
        (409, _) => ErrorCode::WrongState,
        (404, _) => {
            return Error::NotFound {
                what: resource,
                key: String::new(),
            };
        }
        (status, _) if status >= 500 => {
            return Error::ServerUnavailable {
                resource: resource.into(),
                status,
            };
        }
        (status, _) => {
            return Error::Rejected {
                resource,
                status,
                message,
            };
        }
    };
    Error::Official {
        resource,
        status: answer.status,
        code,
        message,
    }
}

/// The body of a 2xx answer as `T`, or the refusal.
fn decode<T: serde::de::DeserializeOwned>(
    resource: &'static str,
    answer: &Answer,
) -> Result<T, Error> {
    if !(200..300).contains(&answer.status) {
        return Err(refusal(resource, answer));
    }
    serde_json::from_slice(&answer.body).map_err(|e| Error::BadResponse {
        resource: resource.into(),
        reason: e.to_string(),
    })
}

fn json_call<B: Serialize>(
    resource: &'static str,
    method: Method,
    path: String,
    token: Option<&str>,
    body: Option<&B>,
) -> Result<Call, Error> {
    let mut headers = Vec::new();
    if let Some(token) = token {
        headers.push(("authorization", format!("Bearer {token}")));
    }
    let body = match body {
        Some(body) => {
            headers.push(("content-type", "application/json".to_owned()));
            serde_json::to_vec(body).map_err(|e| Error::Internal {
                reason: format!("encode {resource}: {e}"),
            })?
        }
        None => Vec::new(),
    };
    Ok(Call {
        resource,
        method,
        path,
        headers,
        body,
    })
}

/// Where a request stands for the officer at `now`.
fn urgency(request: &OfficerRequest, now: DateTime<Utc>) -> &'static str {
    let status = request.request.detailed_status;
    if matches!(status, DetailedStatus::Answered | DetailedStatus::Closed) {
        return "done";
    }
    if status == DetailedStatus::Submitted {
        return "new";
    }
    match request.request.expected_datetime {
        Some(due) if due < now => "overdue",
        Some(due) if due - now < chrono::Duration::hours(8) => "due_soon",
        _ => "open",
    }
}

fn rank(urgency: &str) -> u8 {
    match urgency {
        "new" => 0,
        "overdue" => 1,
        "due_soon" => 2,
        "open" => 3,
        _ => 4,
    }
}

impl Core {
    fn transport(&self) -> Result<HttpTransport, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        self.http(&url)
    }

    /// The logged-in official, if the session has not expired. Reads only.
    /// Errors: `storage`.
    pub fn official_session(&self) -> Result<Option<OfficialSession>, Error> {
        let Some(text) = self.read(|c| settings::get(c, SESSION_SETTING))? else {
            return Ok(None);
        };
        let session: OfficialSession =
            serde_json::from_str(&text).map_err(|e| Error::CorruptRow {
                what: "official session",
                reason: e.to_string(),
            })?;
        Ok((session.expires_at > self.inner.clock.now()).then_some(session))
    }

    /// The session token when a session is live (for the outbox's drafts).
    /// Errors: `storage`, `internal` (secret store).
    pub(crate) fn live_session_token(&self) -> Result<Option<String>, Error> {
        if self.official_session()?.is_none() {
            return Ok(None);
        }
        let Ok(store) = self.secret_store() else {
            return Ok(None);
        };
        store.get(&self.profile_secret_key("session")?)
    }

    /// The session token, or `not_logged_in`.
    fn session_token(&self) -> Result<String, Error> {
        let not_logged_in = || Error::Official {
            resource: "session",
            status: 401,
            code: ErrorCode::NotLoggedIn,
            message: String::new(),
        };
        if self.official_session()?.is_none() {
            return Err(not_logged_in());
        }
        let key = self.profile_secret_key("session")?;
        self.secret_store()?.get(&key)?.ok_or_else(not_logged_in)
    }

    /// Logs in as an official: the token goes to the platform credential
    /// store, the name, role and unit to the profile. Writes: secret store,
    /// `settings`. Errors: `bad_credentials`, `login_locked` (with the wait
    /// in the message), `offline`, `server_unavailable`, `internal` (no secret store).
    pub async fn login(&self, username: &str, password: &str) -> Result<OfficialSession, Error> {
        let transport = self.transport()?;
        let input = LoginInput {
            username: username.trim().to_owned(),
            password: password.to_owned(),
        };
        let call = json_call(
            "login",
            Method::Post,
            "/api/v1/auth/login".into(),
            None,
            Some(&input),
        )?;
        let answer = transport.send(&call).await?;
        let session: Session = decode("login", &answer)?;
        let store = self.secret_store()?;
        store.set(&self.profile_secret_key("session")?, &session.token)?;
        let public = OfficialSession {
            username: input.username,
            name: session.name,
            role: session.role,
            unit: session.unit,
            expires_at: session.expires_at,
        };
        let text = serde_json::to_string(&public).map_err(|e| Error::Internal {
            reason: format!("encode session: {e}"),
        })?;
        settings::set(&self.writer(), SESSION_SETTING, &text)?;
        tracing::info!(role = public.role.as_str(), "official logged in");
        Ok(public)
    }

    /// Logs out: ends the session on the server when it can be reached, and
    /// forgets the token and the session here in any case. Writes: secret
    /// store, `settings`. Errors: `storage`, `internal` (secret store).
    pub async fn logout(&self) -> Result<(), Error> {
        let key = self.profile_secret_key("session")?;
        let store = self.secret_store()?;
        if let Some(token) = store.get(&key)? {
            let ended = match self.transport() {
                Ok(transport) => {
                    let call = json_call::<()>(
                        "logout",
                        Method::Post,
                        "/api/v1/auth/logout".into(),
                        Some(&token),
                        None,
                    )?;
                    transport.send(&call).await.map(|a| a.status)
                }
                Err(e) => Err(e),
            };
            if let Err(e) = ended {
                tracing::warn!(code = e.code().as_str(), "logout not sent to the server");
            }
        }
        store.delete(&key)?;
        settings::delete(&self.writer(), SESSION_SETTING)?;
        Ok(())
    }

    /// One authenticated call; a 401 also forgets the dead session here.
    async fn official_call<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        resource: &'static str,
        method: Method,
        path: String,
        body: Option<&B>,
    ) -> Result<T, Error> {
        let token = self.session_token()?;
        let transport = self.transport()?;
        let call = json_call(resource, method, path, Some(&token), body)?;
        let answer = transport.send(&call).await?;
        if answer.status == 401 {
            settings::delete(&self.writer(), SESSION_SETTING)?;
        }
        decode(resource, &answer)
    }

    /// Saves a draft (new, or the author's own draft or returned one) on the
    /// server. When the server cannot be reached the draft is saved to the
    /// outbox under the same id and sent by the next drain with the session
    /// token (a repeated PUT writes the same draft: exactly once); the outcome
    /// says which. A draft with files always goes through the outbox: its
    /// uploads first, then the draft (see `draft_with_files`). Writes:
    /// `outbox` when offline or with files. Errors: `not_logged_in`,
    /// `forbidden` (role, a unit outside the account's), `wrong_state`,
    /// `invalid_input`, `rejected`, `storage`.
    pub async fn draft_announcement(&self, input: DraftInput) -> Result<DraftOutcome, Error> {
        let id = input
            .id
            .unwrap_or_else(|| uuid::Uuid::new_v4().hyphenated().to_string());
        if uuid::Uuid::parse_str(&id).is_err() {
            return Err(Error::InvalidInput {
                what: "announcement id",
                reason: "not a UUID".into(),
            });
        }
        let draft = AnnouncementDraft {
            title: input.title,
            body: input.body,
            units: input.units,
            event_start: input.event_start,
            event_place: input.event_place,
            attachments: None,
        };
        if !input.attachments.is_empty() {
            return self.draft_with_files(id, draft, &input.attachments).await;
        }
        let sent = self
            .official_call(
                "announcement",
                Method::Put,
                format!("/api/v1/official/announcements/{id}"),
                Some(&draft),
            )
            .await;
        match sent {
            Ok(saved) => Ok(DraftOutcome {
                id,
                saved: Some(saved),
                queued: None,
            }),
            Err(e) if e.is_unreachable() => {
                let payload =
                    crate::outbox::payload::encode(&crate::outbox::payload::DraftPayload {
                        id: id.clone(),
                        draft,
                        files: Vec::new(),
                    })?;
                let receipt = self.queue_one(crate::OutboxKind::Draft, payload)?;
                tracing::info!("announcement draft queued for later");
                Ok(DraftOutcome {
                    id,
                    saved: None,
                    queued: Some(receipt),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A draft with photos or PDFs: one upload row per file and the draft row
    /// depending on them, saved in one transaction, then one drain. Uploads
    /// resume where a cut left them, and the draft goes only after all of
    /// them, so a draft never reaches the server without its files.
    async fn draft_with_files(
        &self,
        id: String,
        draft: AnnouncementDraft,
        attachments: &[DraftAttachment],
    ) -> Result<DraftOutcome, Error> {
        use crate::outbox::payload::{self, DraftFile, DraftPayload, UploadPayload};
        use crate::store::{draft_photos, outbox as rows};
        let refuse = |message: &str| Error::InvalidInput {
            what: "attachments",
            reason: message.to_owned(),
        };
        if attachments.len() > congdan_protocol::announcements::MAX_ATTACHMENTS {
            return Err(refuse("Tối đa 6 ảnh hoặc tệp PDF cho một thông báo."));
        }
        let mut batch = Vec::with_capacity(attachments.len() + 1);
        let mut files = Vec::with_capacity(attachments.len());
        for (i, file) in attachments.iter().enumerate() {
            if attachments[..i].iter().any(|f| f.file_id == file.file_id) {
                return Err(refuse("Một tệp được đính kèm hai lần."));
            }
            let stored = self
                .read(|c| draft_photos::get(c, &file.file_id))?
                .ok_or_else(|| refuse("Tệp đính kèm không còn trên máy; hãy chọn lại."))?;
            batch.push(rows::NewRow {
                uuid: uuid::Uuid::new_v4().to_string(),
                kind: crate::OutboxKind::Upload,
                payload: payload::encode(&UploadPayload {
                    photo_id: stored.id,
                    mime: stored.mime,
                    length: u64::try_from(stored.bytes.len()).unwrap_or(u64::MAX),
                })?,
                depends_on: vec![],
            });
            let name = congdan_protocol::announcements::attachment_name(&file.name)
                .ok_or_else(|| refuse("Tên tệp đính kèm không hợp lệ (tối đa 120 ký tự)."))?;
            files.push(DraftFile {
                file_id: file.file_id.clone(),
                name,
            });
        }
        let uuid = uuid::Uuid::new_v4().to_string();
        batch.push(rows::NewRow {
            uuid: uuid.clone(),
            kind: crate::OutboxKind::Draft,
            payload: payload::encode(&DraftPayload {
                id: id.clone(),
                draft,
                files,
            })?,
            depends_on: (0..attachments.len()).collect(),
        });
        let now = self.inner.clock.now();
        let ids = rows::durably(&mut self.writer(), |c| rows::insert(c, &batch, now))?;
        let outbox_id = *ids.last().expect("the batch ends with the draft row");
        tracing::info!(
            row = outbox_id,
            files = attachments.len(),
            "announcement draft with files queued"
        );
        let policy = crate::outbox::DrainPolicy {
            honour_schedule: false,
            inline_retries: 0,
        };
        if let Err(e) = self.drain_with(policy, &|_| {}).await {
            tracing::info!(code = e.code().as_str(), "draft left in the outbox");
        }
        let row = self.read(|c| rows::get(c, outbox_id))?;
        match row {
            Some(row) if row.state == crate::OutboxState::Done => {
                let saved = self
                    .official_announcements()
                    .await?
                    .into_iter()
                    .find(|a| a.id == id);
                Ok(DraftOutcome {
                    id,
                    saved,
                    queued: None,
                })
            }
            Some(row) if row.state == crate::OutboxState::FailedPermanent => Err(Error::Rejected {
                resource: "draft",
                status: 0,
                message: row.last_error.map(|e| e.message).unwrap_or_default(),
            }),
            _ => Ok(DraftOutcome {
                id,
                saved: None,
                queued: Some(crate::SubmitReceipt { outbox_id, uuid }),
            }),
        }
    }

    /// Sends the author's draft for review. Errors: as [`Core::draft_announcement`].
    pub async fn submit_announcement(&self, id: &str) -> Result<OfficialAnnouncement, Error> {
        self.announcement_step(id, "submit", None).await
    }

    /// Publishes a submitted announcement (editor or admin of its units).
    /// Errors: as [`Core::draft_announcement`].
    pub async fn approve_announcement(&self, id: &str) -> Result<OfficialAnnouncement, Error> {
        self.announcement_step(id, "approve", None).await
    }

    /// Returns a submitted announcement to its author with a comment.
    /// Errors: as [`Core::draft_announcement`].
    pub async fn return_announcement(
        &self,
        id: &str,
        comment: &str,
    ) -> Result<OfficialAnnouncement, Error> {
        let input = ReturnInput {
            comment: comment.to_owned(),
        };
        self.announcement_step(id, "return", Some(&input)).await
    }

    async fn announcement_step(
        &self,
        id: &str,
        step: &str,
        body: Option<&ReturnInput>,
    ) -> Result<OfficialAnnouncement, Error> {
        self.official_call(
            "announcement",
            Method::Post,
            format!(
                "/api/v1/official/announcements/{}/{step}",
                urlencode(id.trim())
            ),
            body,
        )
        .await
    }

    /// The official's own announcements and those of their units under
    /// review or published, with acknowledgement counts. Errors:
    /// `not_logged_in`, `forbidden` (a resident account), `offline`.
    pub async fn official_announcements(&self) -> Result<Vec<OfficialAnnouncement>, Error> {
        self.official_call::<(), _>(
            "announcements",
            Method::Get,
            "/api/v1/official/announcements".into(),
            None,
        )
        .await
    }

    /// For the author of an announcement: per unit it reaches, the
    /// households (resident accounts of the unit) and those not yet reached.
    /// Errors: `not_logged_in`, `forbidden` (not the author), `not_found`, `offline`.
    pub async fn announcement_households(&self, id: &str) -> Result<Vec<UnitHouseholds>, Error> {
        self.official_call::<(), _>(
            "announcement",
            Method::Get,
            format!(
                "/api/v1/official/announcements/{}/households",
                urlencode(id.trim())
            ),
            None,
        )
        .await
    }

    /// Acknowledges a published announcement. With `household`, an official
    /// records it at once on behalf of a household without a smartphone
    /// (marked and audited as such; `Ok(None)`). Otherwise the device's own
    /// answer for the household of `unit` (default: the home village or
    /// commune) is saved to the outbox, works offline and is sent by the next
    /// drain exactly once (`Ok(Some(receipt))`; the server keeps the device's
    /// last answer). Writes: `outbox`. Errors: `invalid_input` (no reason for
    /// `not_going`), `not_configured` (no home unit); by proxy also
    /// `not_logged_in`, `forbidden`, `not_found`, `offline`.
    pub async fn ack_announcement(
        &self,
        id: &str,
        kind: AckKind,
        reason: Option<String>,
        household: Option<String>,
        unit: Option<String>,
    ) -> Result<Option<crate::SubmitReceipt>, Error> {
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if kind == AckKind::NotGoing && reason.is_none() {
            return Err(Error::InvalidInput {
                what: "request",
                reason: "Cần ghi lý do khi không tham gia được (--reason).".into(),
            });
        }
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::InvalidInput {
                what: "request",
                reason: "Thiếu mã thông báo.".into(),
            });
        }
        if household.is_some() {
            let input = AckInput {
                kind,
                reason,
                unit,
                household,
            };
            let _: OfficialAnnouncement = self
                .official_call(
                    "announcement",
                    Method::Put,
                    format!("/api/v1/official/announcements/{}/acks", urlencode(id)),
                    Some(&input),
                )
                .await?;
            return Ok(None);
        }
        let unit = match unit {
            Some(unit) => unit,
            None => self.household_unit()?,
        };
        let payload = crate::outbox::payload::encode(&crate::outbox::payload::AckPayload {
            announcement_id: id.to_owned(),
            kind,
            reason,
            unit,
        })?;
        self.queue_one(crate::OutboxKind::Ack, payload).map(Some)
    }

    /// The home commune's villages as the server lists them (online: a
    /// commune adds them when it wants). Errors: `not_configured` (no home
    /// commune), `offline`.
    pub async fn villages(&self) -> Result<Vec<HomeVillage>, Error> {
        let commune = self
            .read(settings::home_unit)?
            .ok_or(Error::NotConfigured { what: "home_unit" })?;
        let call = json_call::<()>(
            "villages",
            Method::Get,
            format!("/api/v1/units/{}/villages", urlencode(&commune)),
            None,
            None,
        )?;
        let answer = self.transport()?.send(&call).await?;
        let villages: Vec<congdan_protocol::Unit> = decode("unit", &answer)?;
        Ok(villages
            .into_iter()
            .map(|v| HomeVillage {
                code: v.code,
                name: v.name,
            })
            .collect())
    }

    /// Sets the home village, one of [`Core::villages`], so the village's
    /// announcements arrive as well as the commune's. Writes: `settings`.
    /// Errors: `not_configured` (no home commune), `not_found` (not a village
    /// of it), `offline`.
    pub async fn set_home_village(&self, code: &str) -> Result<HomeVillage, Error> {
        let village = self
            .villages()
            .await?
            .into_iter()
            .find(|v| v.code == code.trim())
            .ok_or_else(|| Error::NotFound {
                what: "unit",
                key: code.to_owned(),
            })?;
        let conn = self.writer();
        settings::set(&conn, HOME_VILLAGE, &village.code)?;
        settings::set(&conn, HOME_VILLAGE_NAME, &village.name)?;
        Ok(village)
    }

    /// The home village, if one was chosen. Reads only. Errors: `storage`.
    pub fn home_village(&self) -> Result<Option<HomeVillage>, Error> {
        self.read(|conn| {
            let Some(code) = settings::get(conn, HOME_VILLAGE)? else {
                return Ok(None);
            };
            let name = settings::get(conn, HOME_VILLAGE_NAME)?.unwrap_or_else(|| code.clone());
            Ok(Some(HomeVillage { code, name }))
        })
    }

    /// Goes back to the commune alone (its announcements, no village's).
    /// Writes: `settings`. Errors: `storage`.
    pub fn clear_home_village(&self) -> Result<(), Error> {
        let conn = self.writer();
        settings::delete(&conn, HOME_VILLAGE)?;
        settings::delete(&conn, HOME_VILLAGE_NAME)
    }

    /// The home village, else the home commune: the unit a resident's
    /// announcements and acknowledgements are for. Errors: `not_configured`.
    pub(crate) fn household_unit(&self) -> Result<String, Error> {
        let commune = self
            .read(settings::home_unit)?
            .ok_or(Error::NotConfigured { what: "home_unit" })?;
        Ok(self
            .read(|c| settings::get(c, HOME_VILLAGE))?
            .unwrap_or(commune))
    }

    /// Reach figures of `unit` (default: the official's own) and below, by
    /// week over the last `weeks`. Errors: `not_logged_in`, `forbidden`, `offline`.
    pub async fn reach(
        &self,
        unit: Option<String>,
        weeks: Option<u32>,
    ) -> Result<congdan_protocol::announcements::Reach, Error> {
        self.official_call::<(), _>("reach", Method::Get, reach_path(unit, weeks, false), None)
            .await
    }

    /// The same figures as CSV text (for a file or a spreadsheet).
    /// Errors: as [`Core::reach`].
    pub async fn reach_csv(
        &self,
        unit: Option<String>,
        weeks: Option<u32>,
    ) -> Result<String, Error> {
        let token = self.session_token()?;
        let call = json_call::<()>(
            "reach",
            Method::Get,
            reach_path(unit, weeks, true),
            Some(&token),
            None,
        )?;
        let answer = self.transport()?.send(&call).await?;
        if !(200..300).contains(&answer.status) {
            return Err(refusal("reach", &answer));
        }
        String::from_utf8(answer.body).map_err(|e| Error::BadResponse {
            resource: "reach".into(),
            reason: e.to_string(),
        })
    }

    /// The officer inbox of the account's unit: new first, then overdue, then
    /// due soon, then the rest by deadline; answered and closed last.
    /// Errors: `not_logged_in`, `forbidden` (role), `offline`.
    pub async fn inbox(&self) -> Result<Vec<InboxItem>, Error> {
        let requests: Vec<OfficerRequest> = self
            .official_call::<(), _>(
                "inbox",
                Method::Get,
                "/api/v1/officer/requests".into(),
                None,
            )
            .await?;
        let now = self.inner.clock.now();
        let mut items: Vec<InboxItem> = requests
            .into_iter()
            .map(|request| InboxItem {
                urgency: urgency(&request, now).to_owned(),
                request,
            })
            .collect();
        items.sort_by(|a, b| {
            rank(&a.urgency).cmp(&rank(&b.urgency)).then_with(|| {
                let due = |i: &InboxItem| i.request.request.expected_datetime;
                due(a).cmp(&due(b)).then(
                    a.request
                        .request
                        .requested_datetime
                        .cmp(&b.request.request.requested_datetime),
                )
            })
        });
        Ok(items)
    }

    /// Issues a CAP alert for units the officer covers (as `congdan-server
    /// issue-alert` does for operators); the stored rows, one per unit. Online:
    /// an alert that waits in an outbox would come too late. Errors:
    /// `invalid_input`, `not_found` (unknown unit), `forbidden` (a unit not
    /// covered, or not an officer), `not_logged_in`, `offline`.
    pub async fn issue_alert(
        &self,
        input: &congdan_protocol::AlertInput,
    ) -> Result<Vec<congdan_protocol::Alert>, Error> {
        self.official_call(
            "alert",
            Method::Post,
            "/api/v1/officer/alerts".into(),
            Some(input),
        )
        .await
    }

    /// Posts an epidemic bulletin for units the officer covers (a second post
    /// for the same unit, day and disease corrects the first); the stored
    /// rows, one per unit. Online, like an alert: figures that wait in an
    /// outbox would be stale. Errors: `invalid_input` (the server's Vietnamese
    /// reason), `not_found` (unknown unit), `forbidden`, `not_logged_in`, `offline`.
    pub async fn post_bulletin(
        &self,
        input: &congdan_protocol::BulletinInput,
    ) -> Result<Vec<congdan_protocol::Bulletin>, Error> {
        self.official_call(
            "bulletin",
            Method::Post,
            "/api/v1/officer/bulletins".into(),
            Some(input),
        )
        .await
    }

    /// Answers a request of the officer's unit: the answer reaches the
    /// resident and the Open311 updates. Errors: `invalid_input` (blank),
    /// `forbidden` (another unit's request), `not_logged_in`, `offline`.
    pub async fn answer_request(&self, id: &str, text: &str) -> Result<OfficerRequest, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::InvalidInput {
                what: "request",
                reason: "Nội dung trả lời không được để trống.".into(),
            });
        }
        let change = StatusChange {
            status: DetailedStatus::Answered,
            note: None,
            note_public: false,
            answer: Some(text.to_owned()),
        };
        self.official_call(
            "request",
            Method::Post,
            format!("/api/v1/officer/requests/{}/status", urlencode(id.trim())),
            Some(&change),
        )
        .await
    }

    /// Routes a request to another unit (`unit`) or assigns it to an officer
    /// of its unit (`assignee`, a username): exactly one of the two.
    /// Errors: `invalid_input` (neither or both, or refused by the server),
    /// `forbidden` (another unit's request), `not_logged_in`, `offline`.
    pub async fn assign_request(
        &self,
        id: &str,
        input: AssignInput,
    ) -> Result<OfficerRequest, Error> {
        let given = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        if given(&input.unit) == given(&input.assignee) {
            return Err(Error::InvalidInput {
                what: "request",
                reason: "Chọn đúng một nơi giao: một đơn vị hoặc một cán bộ.".into(),
            });
        }
        self.official_call(
            "request",
            Method::Post,
            format!("/api/v1/officer/requests/{}/assign", urlencode(id.trim())),
            Some(&input),
        )
        .await
    }
}

/// The path of a reach query.
fn reach_path(unit: Option<String>, weeks: Option<u32>, csv: bool) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(unit) = unit {
        query.append_pair("unit", unit.trim());
    }
    if let Some(weeks) = weeks {
        query.append_pair("weeks", &weeks.to_string());
    }
    if csv {
        query.append_pair("format", "csv");
    }
    format!("/api/v1/official/reach?{}", query.finish())
}

/// `text` as one path segment.
fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn refusals_keep_the_servers_vietnamese_reason() {
        let forbidden = refusal(
            "announcement",
            &answer(
                403,
                r#"{"code":"forbidden","message":"Tài khoản không có quyền với đơn vị này."}"#,
            ),
        );
        assert_eq!(forbidden.code(), ErrorCode::Forbidden);
        assert_eq!(
            forbidden.to_body().message,
            "Tài khoản không có quyền với đơn vị này."
        );
        let locked = refusal(
            "login",
            &answer(
                429,
                r#"{"code":"login_locked","message":"Thử lại sau 15 phút."}"#,
            ),
        );
        assert_eq!(locked.to_body().code, "login_locked");
        let wrong = refusal(
            "login",
            &answer(401, r#"{"code":"bad_credentials","message":"Sai."}"#),
        );
        assert_eq!(wrong.code(), ErrorCode::BadCredentials);
        let expired = refusal(
            "inbox",
            &answer(401, r#"{"code":"unauthorized","message":"x"}"#),
        );
        assert_eq!(expired.code(), ErrorCode::NotLoggedIn);
        assert!(expired.to_body().message.contains("đăng nhập"));
        assert_eq!(
            refusal("announcement", &answer(409, "{}")).code(),
            ErrorCode::WrongState
        );
        assert_eq!(
            refusal("announcement", &answer(503, "")).code(),
            ErrorCode::ServerUnavailable
        );
    }
}
