//! Service requests (issue 4): the cached services and their forms, photos,
//! submitting through the outbox, the outbox itself, my requests with their
//! timeline, rating/reopening/"tôi cũng gặp", and public requests of my ward.
//!
//! Every write here only touches the local database (outbox rows written with
//! `synchronous=FULL` in one transaction) and returns after the commit; the
//! network is used by [`Core::drain`] and [`Core::sync`] only.
//!
//! The device token (from `POST /api/v1/devices`, on first need) lives in the
//! platform secret store under `device:<profile_id>`, where `profile_id` is a
//! random id kept in `settings`, so parallel profiles never share a token. It
//! is never written to SQLite. Without a secret store, sending fails with
//! `internal` and everything else keeps working.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use chrono::DateTime;
use congdan_protocol::MyRequest;
use congdan_protocol::open311::{Datatype, Service, ServiceDefinition, ServiceRequest};
use congdan_protocol::requests::{
    ClaimInput, Claimed, Device, MAX_CLAIMS, MAX_MEDIA_PER_REQUEST, RequestClaim,
};

use super::{
    Core, DrainProgress, DrainReport, MyRequestDetail, MyRequestList, MyRequestSummary,
    OutboxEntry, OutboxKind, OutboxState, PreparedDocument, PreparedPhoto, PublicRequest,
    RequestDraft, RequestStatusChange, SubmitReceipt, TimeLeft, freshness,
};
use crate::Error;
use crate::outbox::payload::{
    self, AttributePayload, RatingPayload, ReopenPayload, RequestPayload, SupportPayload,
    UploadPayload,
};
use crate::outbox::{self, DeviceCreds, DrainPolicy, Env, photo};
use crate::store::draft_photos::{self, DraftPhoto};
use crate::store::outbox::{self as rows, NewRow, OutboxRow};
use crate::store::{holidays, my_requests, public_requests, services, settings, sync_state};
use crate::sync::{Call, Method, Resource, Transport, documents};

/// Longest description: GeoReport v2's limit, which the server enforces.
const MAX_DESCRIPTION: usize = congdan_protocol::open311::MAX_DESCRIPTION_CHARS;
/// Longest text answer, comment or reason, as the server allows.
const MAX_TEXT: usize = 5000;
/// Longest one-line answer or address.
const MAX_LINE: usize = 500;
/// Longest village name.
const MAX_NAME: usize = 100;
/// Characters of a description shown in lists.
const EXCERPT: usize = 120;
/// Done outbox rows listed by [`Core::outbox`].
const RECENT_DONE: u32 = 20;
/// Outbox kinds about my requests: while any is unsent, pulled pages of
/// `my_requests` are not applied (local writes win).
const MY_KINDS: [OutboxKind; 4] = [
    OutboxKind::Request,
    OutboxKind::Rating,
    OutboxKind::Reopen,
    OutboxKind::Support,
];

/// Bytes of a base64 text, with or without its `data:…;base64,` prefix.
fn from_base64(what: &'static str, data: &str) -> Result<Vec<u8>, Error> {
    let data = data.trim();
    let data = data
        .split_once(";base64,")
        .map(|(_, rest)| rest)
        .unwrap_or(data);
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| Error::InvalidInput {
            what,
            reason: e.to_string(),
        })
}

/// A validation failure with a Vietnamese message for the user.
fn refuse(message: impl Into<String>) -> Error {
    Error::InvalidInput {
        what: "request",
        reason: message.into(),
    }
}

/// The first `EXCERPT` characters of a text.
fn excerpt(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.chars().count() <= EXCERPT {
        return trimmed.to_string();
    }
    let mut s: String = trimmed.chars().take(EXCERPT).collect();
    s.push('…');
    s
}

impl Core {
    /// The cached services, in the server's order (synced as resource
    /// "services"). Reads only. Errors: `storage`.
    pub fn services(&self) -> Result<Vec<Service>, Error> {
        self.read(services::all)
    }

    /// The cached form of a service (an empty form when the service has none).
    /// Reads only. Errors: `not_found` (service not cached), `storage`.
    pub fn service_definition(&self, code: &str) -> Result<ServiceDefinition, Error> {
        let (service, definition) =
            self.read(|c| services::get(c, code))?
                .ok_or_else(|| Error::NotFound {
                    what: "service",
                    key: code.to_string(),
                })?;
        Ok(definition.unwrap_or(ServiceDefinition {
            service_code: service.service_code,
            attributes: Vec::new(),
        }))
    }

    /// The Open311 `api_key` sent with requests: the stored one, else the
    /// build's default ([`settings::DEFAULT_API_KEY`]); `None` when neither
    /// exists (requests then wait in the outbox). Reads only. Errors: `storage`.
    pub fn api_key(&self) -> Result<Option<String>, Error> {
        Ok(self
            .read(|c| settings::get(c, settings::API_KEY))?
            .or_else(|| settings::DEFAULT_API_KEY.map(str::to_owned)))
    }

    /// Sets the Open311 `api_key` sent with requests (one per app, from the
    /// commune: `congdan-server api-key add`); remembered in the profile.
    /// Writes: `settings`. Errors: `invalid_input` (blank), `storage`.
    pub fn set_api_key(&self, key: &str) -> Result<(), Error> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::InvalidInput {
                what: "api_key",
                reason: "empty".into(),
            });
        }
        settings::set(&self.writer(), settings::API_KEY, key)
    }

    /// Decodes a photo (JPEG/PNG/WebP), applies its orientation, shrinks it to
    /// at most 1600 px, re-encodes it as JPEG q80 (no EXIF) and keeps it for a
    /// draft. Writes: `draft_photos`. Errors: `invalid_input` (not a usable
    /// image or too large), `storage`.
    pub fn prepare_photo(&self, bytes: &[u8]) -> Result<PreparedPhoto, Error> {
        let prepared = photo::prepare(bytes)?;
        let id = uuid::Uuid::new_v4().to_string();
        let size = u32::try_from(prepared.jpeg.len()).unwrap_or(u32::MAX);
        let stored = DraftPhoto {
            id: id.clone(),
            mime: "image/jpeg".into(),
            width: prepared.width,
            height: prepared.height,
            bytes: prepared.jpeg,
        };
        let now = self.inner.clock.now();
        rows::durably(&mut self.writer(), |c| draft_photos::put(c, &stored, now))?;
        Ok(PreparedPhoto {
            id,
            width: prepared.width,
            height: prepared.height,
            bytes: size,
            thumb_data_url: format!(
                "data:image/jpeg;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&prepared.thumb)
            ),
        })
    }

    /// [`Core::prepare_photo`] for callers holding base64 (the webview).
    /// Errors: `invalid_input` (bad base64 or image), `storage`.
    pub fn prepare_photo_base64(&self, data: &str) -> Result<PreparedPhoto, Error> {
        self.prepare_photo(&from_base64("photo", data)?)
    }

    /// Keeps a PDF for an announcement draft as it is (the server checks it
    /// again and serves it only as a download). Writes: `draft_photos`.
    /// Errors: `invalid_input` (not a PDF, or over 8 MB), `storage`.
    pub fn prepare_document(&self, bytes: &[u8]) -> Result<PreparedDocument, Error> {
        if !bytes.starts_with(b"%PDF-") {
            return Err(refuse("Tệp không phải PDF."));
        }
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > congdan_protocol::requests::MAX_UPLOAD_BYTES {
            return Err(refuse("Tệp PDF quá lớn (tối đa 8 MB)."));
        }
        let stored = DraftPhoto {
            id: uuid::Uuid::new_v4().to_string(),
            mime: "application/pdf".into(),
            width: 0,
            height: 0,
            bytes: bytes.to_vec(),
        };
        let now = self.inner.clock.now();
        rows::durably(&mut self.writer(), |c| draft_photos::put(c, &stored, now))?;
        Ok(PreparedDocument {
            id: stored.id,
            bytes: size,
        })
    }

    /// [`Core::prepare_document`] for callers holding base64 (the webview).
    /// Errors: as [`Core::prepare_document`], `invalid_input` (bad base64).
    pub fn prepare_document_base64(&self, data: &str) -> Result<PreparedDocument, Error> {
        self.prepare_document(&from_base64("document", data)?)
    }

    /// Checks a draft against the cached service form and saves it to the
    /// outbox (one upload row per photo, then the request row depending on
    /// them) in ONE transaction with `synchronous=FULL`; returns after the
    /// commit. Never touches the network. Writes: `outbox`. Errors:
    /// `invalid_input` (Vietnamese message saying what to fix), `not_found`
    /// (service not cached: sync first), `storage`.
    pub fn submit_request(&self, draft: &RequestDraft) -> Result<SubmitReceipt, Error> {
        let (service, definition) = self
            .read(|c| services::get(c, draft.service_code.trim()))?
            .ok_or_else(|| Error::NotFound {
                what: "service",
                key: draft.service_code.clone(),
            })?;
        let attributes = check_attributes(draft, definition.as_ref())?;
        let description = draft.description.trim();
        if description.is_empty() {
            return Err(refuse("Hãy mô tả sự việc."));
        }
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(refuse(format!("Nội dung dài quá {MAX_DESCRIPTION} ký tự.")));
        }
        let (lat, long) = match (draft.lat, draft.long) {
            (Some(lat), Some(long)) => {
                let valid = lat.is_finite()
                    && (-90.0..=90.0).contains(&lat)
                    && long.is_finite()
                    && (-180.0..=180.0).contains(&long);
                if !valid {
                    return Err(refuse("Tọa độ không hợp lệ."));
                }
                (Some(lat), Some(long))
            }
            (None, None) => (None, None),
            _ => return Err(refuse("Cần cả vĩ độ và kinh độ.")),
        };
        let address = draft
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        if address
            .as_deref()
            .is_some_and(|a| a.chars().count() > MAX_LINE || a.contains('\n'))
        {
            return Err(refuse(format!("Địa chỉ dài quá {MAX_LINE} ký tự.")));
        }
        if lat.is_none() && address.is_none() {
            return Err(refuse("Cần vị trí: chia sẻ tọa độ hoặc nhập địa chỉ."));
        }
        let village = draft
            .village
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        if village
            .as_deref()
            .is_some_and(|v| v.chars().count() > MAX_NAME)
        {
            return Err(refuse(format!("Tên thôn/tổ dài quá {MAX_NAME} ký tự.")));
        }
        if draft.photo_ids.len() > MAX_MEDIA_PER_REQUEST {
            return Err(refuse(format!(
                "Tối đa {MAX_MEDIA_PER_REQUEST} ảnh cho một phản ánh."
            )));
        }
        let mut photos = Vec::with_capacity(draft.photo_ids.len());
        for (i, id) in draft.photo_ids.iter().enumerate() {
            if draft.photo_ids[..i].contains(id) {
                return Err(refuse("Một ảnh được đính kèm hai lần."));
            }
            let len = self
                .read(|c| draft_photos::len(c, id))?
                .ok_or_else(|| refuse("Ảnh đính kèm không còn trên máy; hãy chọn lại ảnh."))?;
            photos.push((id.clone(), len));
        }
        let unit = self.read(settings::home_unit)?;
        let request = RequestPayload {
            service_code: service.service_code.clone(),
            service_name: service.service_name.clone(),
            description: description.to_string(),
            attributes,
            lat,
            long,
            address,
            village,
            unit,
            photo_ids: draft.photo_ids.clone(),
        };
        let mut batch = Vec::with_capacity(photos.len() + 1);
        for (photo_id, length) in &photos {
            batch.push(NewRow {
                uuid: uuid::Uuid::new_v4().to_string(),
                kind: OutboxKind::Upload,
                payload: payload::encode(&UploadPayload {
                    photo_id: photo_id.clone(),
                    mime: "image/jpeg".into(),
                    length: *length,
                })?,
                depends_on: vec![],
            });
        }
        let uuid = uuid::Uuid::new_v4().to_string();
        batch.push(NewRow {
            uuid: uuid.clone(),
            kind: OutboxKind::Request,
            payload: payload::encode(&request)?,
            depends_on: (0..photos.len()).collect(),
        });
        let now = self.inner.clock.now();
        let ids = rows::durably(&mut self.writer(), |c| rows::insert(c, &batch, now))?;
        let outbox_id = *ids.last().expect("the batch ends with the request row");
        tracing::info!(
            row = outbox_id,
            photos = photos.len(),
            "request saved to outbox"
        );
        Ok(SubmitReceipt { outbox_id, uuid })
    }

    /// Queues a rating (1–5 stars) of one of my answered or closed requests.
    /// Writes: `outbox`. Errors: `invalid_input`, `not_found`, `storage`.
    pub fn rate_request(
        &self,
        id: &str,
        stars: u8,
        comment: Option<&str>,
    ) -> Result<SubmitReceipt, Error> {
        if !(1..=5).contains(&stars) {
            return Err(refuse("Số sao phải từ 1 đến 5."));
        }
        let detail = self.my_request(id)?;
        if !detail.can_rate {
            return Err(refuse(
                "Chỉ đánh giá được phản ánh đã có trả lời và chưa đánh giá.",
            ));
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_TEXT) {
            return Err(refuse(format!("Nhận xét dài quá {MAX_TEXT} ký tự.")));
        }
        self.queue_one(
            OutboxKind::Rating,
            payload::encode(&RatingPayload {
                request_id: detail.id,
                stars,
                comment: comment.map(str::to_string),
            })?,
        )
    }

    /// Queues reopening one of my answered or closed requests, with a reason.
    /// Writes: `outbox`. Errors: `invalid_input`, `not_found`, `storage`.
    pub fn reopen_request(&self, id: &str, reason: &str) -> Result<SubmitReceipt, Error> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_TEXT {
            return Err(refuse(format!(
                "Cần nêu lý do mở lại (tối đa {MAX_TEXT} ký tự)."
            )));
        }
        let detail = self.my_request(id)?;
        if !detail.can_reopen {
            return Err(refuse(
                "Chỉ mở lại được phản ánh đã có trả lời hoặc đã đóng.",
            ));
        }
        self.queue_one(
            OutboxKind::Reopen,
            payload::encode(&ReopenPayload {
                request_id: detail.id,
                reason: reason.to_string(),
            })?,
        )
    }

    /// Queues "tôi cũng gặp" on a public request (once per device: a repeat
    /// is acknowledged by the server without counting twice). Writes:
    /// `outbox`. Errors: `invalid_input` (blank id), `storage`.
    pub fn support_request(&self, id: &str) -> Result<SubmitReceipt, Error> {
        let id = id.trim();
        if id.is_empty() {
            return Err(refuse("Thiếu mã phản ánh."));
        }
        self.queue_one(
            OutboxKind::Support,
            payload::encode(&SupportPayload {
                request_id: id.to_string(),
            })?,
        )
    }

    /// Saves one independent outbox row durably.
    pub(crate) fn queue_one(
        &self,
        kind: OutboxKind,
        payload: String,
    ) -> Result<SubmitReceipt, Error> {
        let uuid = uuid::Uuid::new_v4().to_string();
        let row = NewRow {
            uuid: uuid.clone(),
            kind,
            payload,
            depends_on: vec![],
        };
        let now = self.inner.clock.now();
        let ids = rows::durably(&mut self.writer(), |c| rows::insert(c, &[row], now))?;
        let outbox_id = *ids.first().expect("one row inserted");
        Ok(SubmitReceipt { outbox_id, uuid })
    }

    /// "Thử lại": puts a submission the server refused back in line (with the
    /// photos it needs, if they were refused too), to be sent by the next
    /// drain under the same Idempotency-Key. Writes: `outbox`. Errors:
    /// `not_found` (no such row), `invalid_input` (the row was not refused),
    /// `storage`.
    pub fn retry_outbox(&self, id: i64) -> Result<(), Error> {
        let mut conn = self.writer();
        if rows::get(&conn, id)?.is_none() {
            return Err(Error::NotFound {
                what: "outbox row",
                key: id.to_string(),
            });
        }
        let requeued = rows::durably(&mut conn, |c| rows::requeue(c, id))?;
        if requeued {
            Ok(())
        } else {
            Err(refuse("Chỉ gửi lại được mục đã bị máy chủ từ chối."))
        }
    }

    /// The outbox: every unsent or refused row and the most recent sent ones,
    /// in sending order. Reads only. Errors: `storage`.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, Error> {
        let listed = self.read(|c| rows::listing(c, RECENT_DONE))?;
        Ok(listed.iter().map(entry).collect())
    }

    /// Sends the outbox now (a user-initiated drain: due times are ignored,
    /// two inline retries). Network problems do not fail the call: they are in
    /// [`DrainReport::last_error`] and the rows wait. Writes: `outbox`,
    /// `draft_photos`, `settings` (device id). Errors: `not_configured` (no
    /// server URL), `storage`.
    pub async fn drain(
        &self,
        progress: &(dyn Fn(DrainProgress) + Send + Sync),
    ) -> Result<DrainReport, Error> {
        self.drain_with(DrainPolicy::default(), progress).await
    }

    /// [`Core::drain`] with an explicit policy (e.g. no inline retries right
    /// after a submit, or honouring due times from a background timer).
    /// Errors: as [`Core::drain`].
    pub async fn drain_with(
        &self,
        policy: DrainPolicy,
        progress: &(dyn Fn(DrainProgress) + Send + Sync),
    ) -> Result<DrainReport, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let transport = self.http(&url)?;
        let _turn = self.sync_turn().await;
        self.drain_locked(&transport, policy, progress).await
    }

    /// The drain, with the sync gate already held.
    pub(crate) async fn drain_locked<T: Transport>(
        &self,
        transport: &T,
        policy: DrainPolicy,
        progress: &(dyn Fn(DrainProgress) + Send + Sync),
    ) -> Result<DrainReport, Error> {
        let unsent = self.read(rows::unsent)?;
        if unsent.is_empty() {
            return Ok(DrainReport::default());
        }
        // Uploads need the device too, also those of an official's draft.
        let needs_device = unsent.iter().any(|r| r.kind != OutboxKind::Draft);
        let mut early_error = None;
        let device = if needs_device {
            match self.ensure_device(transport).await {
                Ok(d) => Some(d),
                Err(e) if matches!(e, Error::Storage { .. } | Error::CorruptRow { .. }) => {
                    return Err(e);
                }
                Err(e) if e.code() == crate::ErrorCode::Offline => {
                    // The server cannot be reached: nothing else would get through.
                    return Ok(DrainReport {
                        pending: u32::try_from(unsent.len()).unwrap_or(u32::MAX),
                        last_error: Some(e.to_body()),
                        ..DrainReport::default()
                    });
                }
                Err(e) => {
                    early_error = Some(e.to_body());
                    None
                }
            }
        } else {
            None
        };
        let api_key = self.api_key()?;
        let session = self.live_session_token()?;
        let resident = self
            .official_session()?
            .is_some_and(|s| s.role == congdan_protocol::requests::Role::Resident);
        let env = Env {
            db: self.writer_mutex(),
            transport,
            clock: self.inner.clock.as_ref(),
            rng: &self.inner.rng,
            api_key,
            device,
            resident_session: session.clone().filter(|_| resident),
            session,
        };
        let mut report = outbox::drain(&env, policy, progress).await?;
        if report.last_error.is_none() && report.pending > 0 {
            report.last_error = early_error;
        }
        Ok(report)
    }

    /// Forgets the device's registration: its id, so the next send registers
    /// again, and its token in the secret store (a failure there is logged:
    /// the token is no longer read once the id is gone). Errors: `storage`.
    pub(crate) fn forget_device(&self) -> Result<(), Error> {
        settings::delete(&self.writer(), settings::DEVICE_ID)?;
        let Some(store) = self.inner.secrets.as_ref() else {
            return Ok(());
        };
        if let Err(e) = self.secret_key().and_then(|key| store.delete(&key)) {
            tracing::warn!(
                code = e.code().as_str(),
                "could not forget the device token"
            );
        }
        Ok(())
    }

    /// The key of this profile's device token in the secret store.
    fn secret_key(&self) -> Result<String, Error> {
        self.profile_secret_key("device")
    }

    /// The key under which this profile keeps its `kind` of secret
    /// (`device`, `session`): `<kind>:<profile id>`, the id made on first need.
    pub(crate) fn profile_secret_key(&self, kind: &str) -> Result<String, Error> {
        let conn = self.writer();
        let id = match settings::get(&conn, settings::PROFILE_ID)? {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                settings::set(&conn, settings::PROFILE_ID, &id)?;
                id
            }
        };
        Ok(format!("{kind}:{id}"))
    }

    /// The device's credentials, registering the device on first need.
    /// Errors: `internal` (no secret store), `offline`, `server_unavailable`,
    /// `bad_response`, `storage`.
    pub(crate) async fn ensure_device<T: Transport>(
        &self,
        transport: &T,
    ) -> Result<DeviceCreds, Error> {
        if let Some(creds) = self.device_creds()? {
            return Ok(creds);
        }
        let store = self.secret_store()?;
        let key = self.secret_key()?;
        let answer = transport
            .send(&Call {
                resource: "device",
                method: Method::Post,
                path: "/api/v1/devices".into(),
                headers: vec![],
                body: Vec::new(),
            })
            .await?;
        if answer.status >= 500 {
            return Err(Error::ServerUnavailable {
                resource: "device".into(),
                status: answer.status,
            });
        }
        if !(200..300).contains(&answer.status) {
            return Err(Error::BadResponse {
                resource: "device".into(),
                reason: format!("HTTP {}", answer.status),
            });
        }
        let device: Device =
            serde_json::from_slice(&answer.body).map_err(|e| Error::BadResponse {
                resource: "device".into(),
                reason: e.to_string(),
            })?;
        store.set(&key, &device.token)?;
        settings::set(&self.writer(), settings::DEVICE_ID, &device.device_id)?;
        tracing::info!("device registered");
        let creds = DeviceCreds {
            device_id: device.device_id,
            token: device.token,
        };
        if self
            .read(|c| rows::of_kind(c, OutboxKind::Request))?
            .iter()
            .any(|row| row.remote_id.is_some())
        {
            settings::set(&self.writer(), settings::CLAIM_PENDING, "1")?;
            self.claim_earlier_requests(transport, &creds).await;
        }
        Ok(creds)
    }

    /// The token of a device registered now, when this profile has sent
    /// requests but holds no device token (its secrets were lost, or the
    /// server forgot the device), so that "Của tôi" follows them again without
    /// waiting for the next report; the registration claims them back. `None`
    /// when nothing was sent or the registration failed (logged; the next
    /// sync tries again).
    pub(crate) async fn register_again_for_sent_requests(&self, url: &str) -> Option<String> {
        let again = async {
            let sent = self
                .read(|c| rows::of_kind(c, OutboxKind::Request))?
                .iter()
                .any(|row| row.remote_id.is_some());
            if !sent {
                return Ok(None);
            }
            let transport = self.http(url)?;
            Ok::<_, Error>(Some(self.ensure_device(&transport).await?.token))
        }
        .await;
        again.unwrap_or_else(|e| {
            tracing::warn!(
                code = e.code().as_str(),
                "could not register the device again"
            );
            None
        })
    }

    /// Takes back, for a device registered again, the requests this profile
    /// sent before: each is named with the Idempotency-Key it was sent with
    /// (its outbox uuid), which only this profile knows. Clears
    /// `CLAIM_PENDING` once the server has answered; a failure is logged and
    /// the claim is tried again at the next sync.
    async fn claim_earlier_requests<T: Transport>(&self, transport: &T, creds: &DeviceCreds) {
        let claimed = async {
            let claims: Vec<RequestClaim> = self
                .read(|c| rows::of_kind(c, OutboxKind::Request))?
                .into_iter()
                .filter_map(|row| {
                    Some(RequestClaim {
                        id: row.remote_id?,
                        key: row.uuid,
                    })
                })
                .collect();
            let mut moved = 0;
            for chunk in claims.chunks(MAX_CLAIMS) {
                let body = serde_json::to_vec(&ClaimInput {
                    requests: chunk.to_vec(),
                })
                .map_err(|e| Error::Internal {
                    reason: format!("claim body: {e}"),
                })?;
                let answer = transport
                    .send(&Call {
                        resource: "claim",
                        method: Method::Post,
                        path: "/api/v1/my/requests/claim".into(),
                        headers: vec![
                            ("authorization", format!("Bearer {}", creds.token)),
                            ("content-type", "application/json".into()),
                        ],
                        body,
                    })
                    .await?;
                if !(200..300).contains(&answer.status) {
                    return Err(Error::BadResponse {
                        resource: "claim".into(),
                        reason: format!("HTTP {}", answer.status),
                    });
                }
                let claimed: Claimed =
                    serde_json::from_slice(&answer.body).map_err(|e| Error::BadResponse {
                        resource: "claim".into(),
                        reason: e.to_string(),
                    })?;
                moved += claimed.claimed.len();
            }
            settings::delete(&self.writer(), settings::CLAIM_PENDING)?;
            Ok::<_, Error>(moved)
        }
        .await;
        match claimed {
            Ok(moved) => tracing::info!(moved, "earlier requests claimed for this device"),
            Err(e) => tracing::warn!(code = e.code().as_str(), "claiming earlier requests failed"),
        }
    }

    /// The stored credentials, if the device is registered. Errors: `internal`
    /// (secret store failure), `storage`.
    fn device_creds(&self) -> Result<Option<DeviceCreds>, Error> {
        let Some(device_id) = self.read(|c| settings::get(c, settings::DEVICE_ID))? else {
            return Ok(None);
        };
        let Some(store) = self.inner.secrets.as_ref() else {
            return Ok(None);
        };
        let key = self.secret_key()?;
        Ok(store
            .get(&key)?
            .map(|token| DeviceCreds { device_id, token }))
    }

    /// The secret store, or the reason there is none.
    pub(crate) fn secret_store(&self) -> Result<Arc<dyn crate::secrets::SecretStore>, Error> {
        self.inner.secrets.clone().ok_or_else(|| Error::Secret {
            reason: "no platform secret store on this machine".into(),
        })
    }

    /// The device bearer token, if registered (for the my_requests pull).
    pub(crate) fn device_token(&self) -> Result<Option<String>, Error> {
        Ok(self.device_creds()?.map(|c| c.token))
    }

    /// "Của tôi": cached requests merged with the ones still in the outbox
    /// (`queued`), refused ones (`failed`) and sent ones the feed has not
    /// brought yet (`submitted`); newest first. Reads only. Errors: `storage`.
    pub fn my_requests(&self) -> Result<MyRequestList, Error> {
        let now = self.inner.clock.now();
        self.read(|conn| {
            let calendar = holidays::calendar(conn)?;
            let cached = my_requests::all(conn)?;
            let requests = rows::of_kind(conn, OutboxKind::Request)?;
            let busy = busy_requests(conn)?;
            let mut by_remote: HashMap<String, &OutboxRow> = HashMap::new();
            let mut items = Vec::new();
            for row in &requests {
                if let Some(remote) = &row.remote_id {
                    by_remote.insert(remote.clone(), row);
                }
            }
            for item in &cached {
                let id = &item.request.service_request_id;
                items.push(MyRequestSummary {
                    id: id.clone(),
                    local_uuid: by_remote.get(id).map(|r| r.uuid.clone()),
                    service_name: item.request.service_name.clone(),
                    excerpt: excerpt(item.request.description.as_deref().unwrap_or("")),
                    detailed_status: item.request.detailed_status.as_str().to_string(),
                    requested_at: item.request.requested_datetime,
                    deadline: item.request.expected_datetime,
                    time_left: item
                        .request
                        .expected_datetime
                        .map(|due| TimeLeft::until(due, now, &calendar)),
                    pending: busy.contains_key(id),
                });
            }
            for row in &requests {
                let known = row
                    .remote_id
                    .as_ref()
                    .is_some_and(|r| cached.iter().any(|c| &c.request.service_request_id == r));
                if known {
                    continue;
                }
                let p: RequestPayload = payload::decode(&row.payload)?;
                let (id, status, pending) = local_status(row);
                items.push(MyRequestSummary {
                    id,
                    local_uuid: Some(row.uuid.clone()),
                    service_name: p.service_name.clone(),
                    excerpt: excerpt(&p.description),
                    detailed_status: status.to_string(),
                    requested_at: row.created_at,
                    deadline: None,
                    time_left: None,
                    pending,
                });
            }
            items.sort_by(|a, b| b.requested_at.cmp(&a.requested_at).then(a.id.cmp(&b.id)));
            Ok(MyRequestList {
                items,
                freshness: freshness(conn, "my_requests", "device")?,
            })
        })
    }

    /// One of my requests by server id or local uuid, with its timeline,
    /// answer, deadline and what the user may do next. Reads only. Errors:
    /// `not_found`, `storage`.
    pub fn my_request(&self, id: &str) -> Result<MyRequestDetail, Error> {
        let now = self.inner.clock.now();
        self.read(|conn| {
            let busy = busy_requests(conn)?;
            let row = match rows::by_uuid(conn, id)? {
                Some(r) if r.kind == OutboxKind::Request => Some(r),
                _ => rows::of_kind(conn, OutboxKind::Request)?
                    .into_iter()
                    .find(|r| r.remote_id.as_deref() == Some(id)),
            };
            let server_id = row
                .as_ref()
                .and_then(|r| r.remote_id.clone())
                .unwrap_or_else(|| id.to_string());
            if let Some(item) = my_requests::get(conn, &server_id)? {
                let time_left = item
                    .request
                    .expected_datetime
                    .map(|due| {
                        Ok::<_, Error>(TimeLeft::until(due, now, &holidays::calendar(conn)?))
                    })
                    .transpose()?;
                return Ok(detail_of(
                    item,
                    row.map(|r| r.uuid),
                    busy.contains_key(&server_id),
                    time_left,
                ));
            }
            let Some(row) = row else {
                return Err(Error::NotFound {
                    what: "request",
                    key: id.to_string(),
                });
            };
            let p: RequestPayload = payload::decode(&row.payload)?;
            let (shown_id, status, pending) = local_status(&row);
            Ok(MyRequestDetail {
                id: shown_id,
                local_uuid: Some(row.uuid.clone()),
                request: None,
                service_name: p.service_name,
                description: p.description,
                detailed_status: status.to_string(),
                timeline: Vec::new(),
                answer: None,
                deadline: None,
                time_left: None,
                can_rate: false,
                can_reopen: false,
                rating: None,
                reopen_count: 0,
                pending,
                error: (row.state == OutboxState::FailedPermanent)
                    .then(|| row.last_error.clone())
                    .flatten(),
            })
        })
    }

    /// Public requests of the home ward, newest first, from the cache (synced
    /// by [`Core::sync`]). Reads only. Errors: `not_configured` (no home unit),
    /// `storage`.
    pub fn public_requests(&self) -> Result<Vec<PublicRequest>, Error> {
        let unit = self
            .read(settings::home_unit)?
            .ok_or(Error::NotConfigured { what: "home_unit" })?;
        let list = self.read(|c| public_requests::of_unit(c, &unit))?;
        Ok(list.iter().map(public_of).collect())
    }

    /// Pulls services (and their forms), my requests (unless request-kind
    /// outbox rows are unsent) and the home ward's public requests. Returns
    /// the status changes of my requests. Called by `sync` with the gate held.
    pub(crate) async fn pull_requests<T: Transport>(
        &self,
        transport: &T,
        with_device: bool,
        progress: &(dyn Fn(crate::sync::PageProgress) + Send + Sync),
    ) -> Result<(Vec<crate::sync::Outcome>, Vec<RequestStatusChange>), Error> {
        let mut outcomes = Vec::new();
        let now = self.inner.clock.now();
        if !self.done_since_failed_sync("services", "all")? {
            let result = documents::pull_services(self.writer_mutex(), transport).await;
            documents::record(self.writer_mutex(), "services", "all", &result, now)?;
            let outcome = result?;
            progress(outcome.done());
            outcomes.push(outcome);
        }
        // Best effort: without a fresh table the stored (or built-in) one counts.
        if !self.done_since_failed_sync("holidays", "all")? {
            let result = documents::pull_holidays(self.writer_mutex(), transport).await;
            documents::record(self.writer_mutex(), "holidays", "all", &result, now)?;
            match result {
                Ok(outcome) => {
                    progress(outcome.done());
                    outcomes.push(outcome);
                }
                Err(e @ (Error::Storage { .. } | Error::CorruptRow { .. })) => return Err(e),
                Err(e) => tracing::warn!(code = e.code().as_str(), "holidays not refreshed"),
            }
        }
        let mut changes = Vec::new();
        let gated = self.read(|c| rows::has_unsent(c, &MY_KINDS))?;
        if with_device
            && self
                .read(|c| settings::get(c, settings::CLAIM_PENDING))?
                .is_some()
            && let Some(creds) = self.device_creds()?
        {
            self.claim_earlier_requests(transport, &creds).await;
        }
        if with_device && !gated {
            let before: HashMap<String, String> =
                self.read(my_requests::statuses)?.into_iter().collect();
            let pulled = crate::sync::run(
                self.writer_mutex(),
                transport,
                &[Resource::MyRequests],
                false,
                progress,
            )
            .await;
            match pulled {
                Ok(pulled) => outcomes.extend(pulled),
                Err(e) if e.code() == crate::ErrorCode::Unauthorized => {
                    // The server no longer knows this device: register again on
                    // the next send; the cached requests stay readable.
                    tracing::info!("device unknown to the server; it will register again");
                    self.forget_device()?;
                    sync_state::reset(&self.writer(), "my_requests")?;
                }
                Err(e) => return Err(e),
            }
            for item in self.read(my_requests::all)? {
                let id = &item.request.service_request_id;
                let now = item.request.detailed_status.as_str();
                if before.get(id).is_some_and(|old| old != now) {
                    changes.push(RequestStatusChange {
                        request_id: id.clone(),
                        service_name: item.request.service_name.clone(),
                        detailed_status: now.to_string(),
                    });
                }
            }
        } else if gated {
            tracing::info!("my_requests not applied: outbox rows pending");
        }
        if let Some(unit) = self.read(settings::home_unit)?
            && !self.done_since_failed_sync("public_requests", &unit)?
        {
            let result = documents::pull_public(self.writer_mutex(), transport, &unit).await;
            documents::record(self.writer_mutex(), "public_requests", &unit, &result, now)?;
            let outcome = result?;
            progress(outcome.done());
            outcomes.push(outcome);
        }
        Ok((outcomes, changes))
    }
}

/// Server ids with an unsent rating, reopen or support row.
fn busy_requests(conn: &rusqlite::Connection) -> Result<HashMap<String, ()>, Error> {
    let mut busy = HashMap::new();
    for row in rows::unsent(conn)? {
        let id = match row.kind {
            OutboxKind::Rating => payload::decode::<RatingPayload>(&row.payload)?.request_id,
            OutboxKind::Reopen => payload::decode::<ReopenPayload>(&row.payload)?.request_id,
            OutboxKind::Support => payload::decode::<SupportPayload>(&row.payload)?.request_id,
            _ => continue,
        };
        busy.insert(id, ());
    }
    Ok(busy)
}

/// Shown id, status and pending flag of a request known only from the outbox.
fn local_status(row: &OutboxRow) -> (String, &'static str, bool) {
    match row.state {
        OutboxState::Pending | OutboxState::Sending => (row.uuid.clone(), "queued", true),
        OutboxState::FailedPermanent => (row.uuid.clone(), "failed", false),
        OutboxState::Done => (
            row.remote_id.clone().unwrap_or_else(|| row.uuid.clone()),
            "submitted",
            false,
        ),
    }
}

/// The detail of a cached request.
fn detail_of(
    item: MyRequest,
    local_uuid: Option<String>,
    pending: bool,
    time_left: Option<TimeLeft>,
) -> MyRequestDetail {
    let status = item.request.detailed_status;
    let settled = matches!(
        status,
        congdan_protocol::open311::DetailedStatus::Answered
            | congdan_protocol::open311::DetailedStatus::Closed
    );
    MyRequestDetail {
        id: item.request.service_request_id.clone(),
        local_uuid,
        service_name: item.request.service_name.clone(),
        description: item.request.description.clone().unwrap_or_default(),
        detailed_status: status.as_str().to_string(),
        timeline: item.timeline,
        answer: item.answer,
        deadline: item.request.expected_datetime,
        time_left,
        can_rate: settled && item.rating.is_none() && !pending,
        can_reopen: settled && !pending,
        rating: item.rating,
        reopen_count: item.reopen_count,
        pending,
        error: None,
        request: Some(item.request),
    }
}

/// A public request row.
fn public_of(r: &ServiceRequest) -> PublicRequest {
    PublicRequest {
        id: r.service_request_id.clone(),
        service_name: r.service_name.clone(),
        excerpt: excerpt(r.description.as_deref().unwrap_or("")),
        detailed_status: r.detailed_status.as_str().to_string(),
        requested_at: r.requested_datetime,
        address: r.address.clone(),
        support_count: r.support_count,
        lat: r.lat,
        long: r.long,
    }
}

/// An outbox row for the UI.
fn entry(row: &OutboxRow) -> OutboxEntry {
    let summary = match row.kind {
        OutboxKind::Upload => "Ảnh đính kèm".to_string(),
        OutboxKind::Request => match payload::decode::<RequestPayload>(&row.payload) {
            Ok(p) => format!("Phản ánh: {}", p.service_name),
            Err(_) => "Phản ánh".to_string(),
        },
        OutboxKind::Rating => "Đánh giá câu trả lời".to_string(),
        OutboxKind::Reopen => "Mở lại phản ánh".to_string(),
        OutboxKind::Support => "Tôi cũng gặp".to_string(),
        OutboxKind::Ack => "Xác nhận thông báo".to_string(),
        OutboxKind::Draft => "Bản nháp thông báo".to_string(),
    };
    OutboxEntry {
        id: row.id,
        uuid: row.uuid.clone(),
        kind: row.kind,
        summary,
        state: row.state,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error.clone(),
        remote_id: row.remote_id.clone(),
    }
}

/// Checks the draft's answers against the service form; returns them in form order.
fn check_attributes(
    draft: &RequestDraft,
    definition: Option<&ServiceDefinition>,
) -> Result<Vec<AttributePayload>, Error> {
    let empty = Vec::new();
    let questions = definition.map(|d| &d.attributes).unwrap_or(&empty);
    for answer in &draft.attributes {
        if !questions
            .iter()
            .any(|q| q.code == answer.code && q.variable)
        {
            return Err(refuse(format!(
                "Câu hỏi {} không có trong mẫu của dịch vụ này.",
                answer.code
            )));
        }
    }
    let mut out = Vec::new();
    let mut ordered: Vec<_> = questions.iter().filter(|q| q.variable).collect();
    ordered.sort_by_key(|q| q.order);
    for q in ordered {
        let values: Vec<String> = draft
            .attributes
            .iter()
            .filter(|a| a.code == q.code)
            .flat_map(|a| a.values.iter())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            if q.required {
                return Err(refuse(format!("Chưa trả lời: {}.", q.description)));
            }
            continue;
        }
        if q.datatype != Datatype::Multivaluelist && values.len() > 1 {
            return Err(refuse(format!("{}: chỉ chọn một giá trị.", q.description)));
        }
        for v in &values {
            let ok = match q.datatype {
                Datatype::String => v.chars().count() <= MAX_LINE && !v.contains('\n'),
                Datatype::Text => v.chars().count() <= MAX_TEXT,
                Datatype::Number => v.parse::<f64>().is_ok_and(f64::is_finite),
                Datatype::Datetime => DateTime::parse_from_rfc3339(v).is_ok(),
                Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                    q.values.iter().any(|allowed| &allowed.key == v)
                }
            };
            if !ok {
                return Err(refuse(format!(
                    "{} không hợp lệ: {}.",
                    q.description, q.datatype_description
                )));
            }
        }
        out.push(AttributePayload {
            code: q.code.clone(),
            values,
            multi: q.datatype == Datatype::Multivaluelist,
        });
    }
    Ok(out)
}
