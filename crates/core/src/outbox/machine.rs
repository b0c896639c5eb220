//! The I/O-free decisions of sending one outbox row: which call to make next
//! and what an answer means (acknowledged, retry later, refused for good).
//!
//! Rules: 2xx acknowledges; 408, 425, 429 and 5xx are transient; 409 is
//! transient except the answers that settle the row (`already_supported` is an
//! acknowledgement, `wrong_state` and `idempotency_mismatch` are refusals) and
//! the upload offset mismatch, which resumes at the server's offset; every
//! other 4xx is a permanent refusal whose server description is kept for the
//! user. A network failure is always transient: the server may have committed,
//! so the retry reuses the same Idempotency-Key and gets the same answer.

use congdan_protocol::ErrorBody;
use congdan_protocol::open311::{Open311Error, RequestCreated};
use congdan_protocol::requests::Upload;

use crate::Error;
use crate::sync::{Answer, Call, Method};

/// What to do next with a row.
#[derive(Debug)]
pub enum Step {
    /// Send this call, feed the answer back.
    Send(Call),
    /// The server has the row; `remote_id` is its id when it has one.
    Ack {
        /// Upload id or service_request_id.
        remote_id: Option<String>,
    },
    /// Try again later with the same key.
    Transient(Error),
    /// The server refused it; the body (code `rejected`) is shown to the user.
    Permanent(ErrorBody),
}

/// The server's human-readable reason from an Open311 or `{code, message}` body.
pub fn server_message(answer: &Answer) -> Option<String> {
    if let Ok(errors) = serde_json::from_slice::<Vec<Open311Error>>(&answer.body) {
        let text: Vec<String> = errors
            .into_iter()
            .map(|e| e.description)
            .filter(|d| !d.trim().is_empty())
            .collect();
        if !text.is_empty() {
            return Some(text.join(" "));
        }
    }
    serde_json::from_slice::<ErrorBody>(&answer.body)
        .ok()
        .map(|b| b.message)
        .filter(|m| !m.trim().is_empty())
}

/// The `{code}` of a `{code, message}` error body, if it is one.
fn error_code(answer: &Answer) -> Option<String> {
    serde_json::from_slice::<ErrorBody>(&answer.body)
        .ok()
        .map(|b| b.code)
}

/// Judges a non-2xx answer.
pub fn judge_failure(resource: &'static str, answer: &Answer) -> Step {
    let status = answer.status;
    let refuse = |answer: &Answer| {
        let message = server_message(answer).unwrap_or_else(|| {
            format!("Máy chủ từ chối yêu cầu (mã {status}). Vui lòng kiểm tra và gửi lại.")
        });
        Step::Permanent(
            Error::Rejected {
                resource,
                status,
                message,
            }
            .to_body(),
        )
    };
    match status {
        // The Open311 POST's own check: the app's key (a setting to fix, not
        // a reason to drop the resident's report).
        403 if resource == "request" => Step::Transient(Error::NotConfigured {
            what: "api_key_refused",
        }),
        401 | 403 => Step::Transient(Error::Unauthorized { resource, status }),
        409 => match error_code(answer).as_deref() {
            Some("already_supported") => Step::Ack { remote_id: None },
            Some("wrong_state") | Some("idempotency_mismatch") => refuse(answer),
            _ => Step::Transient(Error::ServerUnavailable {
                resource: resource.into(),
                status,
            }),
        },
        408 | 425 | 429 | 500..=599 => Step::Transient(Error::ServerUnavailable {
            resource: resource.into(),
            status,
        }),
        400..=499 => refuse(answer),
        _ => Step::Transient(Error::BadResponse {
            resource: resource.into(),
            reason: format!("unexpected HTTP status {status}"),
        }),
    }
}

/// Judges the answer to a single-call row (request, rating, reopen, support).
pub fn judge_simple(resource: &'static str, answer: &Answer) -> Step {
    if !(200..300).contains(&answer.status) {
        return judge_failure(resource, answer);
    }
    if resource != "request" {
        return Step::Ack { remote_id: None };
    }
    match serde_json::from_slice::<Vec<RequestCreated>>(&answer.body) {
        Ok(created) => Step::Ack {
            remote_id: created.into_iter().find_map(|c| c.service_request_id),
        },
        // The server committed but we cannot read the answer: the retry with the
        // same key gets the same answer again.
        Err(e) => Step::Transient(Error::BadResponse {
            resource: resource.into(),
            reason: format!("unreadable request answer: {e}"),
        }),
    }
}

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// `POST /api/v1/uploads` sent.
    Create,
    /// `HEAD /api/v1/uploads/{id}` sent.
    Head,
    /// `PATCH /api/v1/uploads/{id}` sent.
    Patch,
}

/// The resumable upload of one photo.
#[derive(Debug)]
pub struct UploadMachine {
    key: String,
    mime: String,
    data: Vec<u8>,
    remote_id: Option<String>,
    offset: u64,
    phase: Phase,
    /// Bytes per chunk (see [`super::chunks`]).
    chunk: usize,
    /// Bytes of the chunk in flight.
    in_flight: u64,
    /// 409s in a row; a server that keeps moving the offset is a bug, not progress.
    conflicts: u32,
}

impl UploadMachine {
    /// An upload of `data` under Idempotency-Key `key` in chunks of `chunk`
    /// bytes; `remote_id` is the server's upload id if an earlier attempt learnt it.
    pub fn new(
        key: &str,
        mime: &str,
        data: Vec<u8>,
        remote_id: Option<String>,
        chunk: usize,
    ) -> UploadMachine {
        UploadMachine {
            key: key.to_string(),
            mime: mime.to_string(),
            data,
            remote_id,
            offset: 0,
            phase: Phase::Create,
            chunk: chunk.max(1),
            in_flight: 0,
            conflicts: 0,
        }
    }

    /// Sends chunks of `bytes` from the next one on (the link was measured again).
    pub fn set_chunk(&mut self, bytes: usize) {
        self.chunk = bytes.max(1);
    }

    /// The server's upload id, once known.
    pub fn remote_id(&self) -> Option<&str> {
        self.remote_id.as_deref()
    }

    /// Bytes the server has.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Total bytes.
    pub fn length(&self) -> u64 {
        self.data.len() as u64
    }

    /// The first call: ask where a known upload stands, or create it.
    pub fn start(&mut self) -> Step {
        match self.remote_id.clone() {
            Some(id) => self.head(&id),
            None => self.create(),
        }
    }

    /// `POST /api/v1/uploads`.
    fn create(&mut self) -> Step {
        self.phase = Phase::Create;
        Step::Send(Call {
            resource: "upload",
            method: Method::Post,
            path: "/api/v1/uploads".into(),
            headers: vec![
                ("idempotency-key", self.key.clone()),
                ("upload-length", self.length().to_string()),
                ("content-type", self.mime.clone()),
            ],
            body: Vec::new(),
        })
    }

    /// `HEAD /api/v1/uploads/{id}`.
    fn head(&mut self, id: &str) -> Step {
        self.phase = Phase::Head;
        Step::Send(Call {
            resource: "upload",
            method: Method::Head,
            path: format!("/api/v1/uploads/{id}"),
            headers: vec![],
            body: Vec::new(),
        })
    }

    /// The next chunk from the current offset, or the acknowledgement when complete.
    fn next_chunk(&mut self) -> Step {
        let Some(id) = self.remote_id.clone() else {
            return self.create();
        };
        let len = self.length();
        if self.offset >= len {
            return Step::Ack {
                remote_id: Some(id),
            };
        }
        let start = usize::try_from(self.offset).unwrap_or(usize::MAX);
        let end = start.saturating_add(self.chunk).min(self.data.len());
        self.phase = Phase::Patch;
        self.in_flight = (end.saturating_sub(start)) as u64;
        Step::Send(Call {
            resource: "upload",
            method: Method::Patch,
            path: format!("/api/v1/uploads/{id}"),
            headers: vec![
                ("upload-offset", self.offset.to_string()),
                ("content-type", "application/offset+octet-stream".into()),
            ],
            body: self.data.get(start..end).unwrap_or_default().to_vec(),
        })
    }

    /// The `Upload-Offset` header as a number within the upload.
    fn header_offset(&self, answer: &Answer) -> Option<u64> {
        answer
            .header("upload-offset")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|o| *o <= self.length())
    }

    /// Decides what the server's answer to the last call means.
    pub fn on_answer(&mut self, answer: &Answer) -> Step {
        let ok = (200..300).contains(&answer.status);
        match self.phase {
            Phase::Create if ok => match serde_json::from_slice::<Upload>(&answer.body) {
                Ok(upload) if upload.offset <= self.length() => {
                    self.remote_id = Some(upload.id);
                    self.offset = upload.offset;
                    self.next_chunk()
                }
                Ok(_) => Step::Transient(bad("upload offset beyond its length")),
                Err(e) => Step::Transient(bad(&format!("unreadable upload: {e}"))),
            },
            Phase::Head if ok => match self.header_offset(answer) {
                Some(offset) => {
                    self.offset = offset;
                    self.next_chunk()
                }
                None => Step::Transient(bad("HEAD without a usable Upload-Offset")),
            },
            // The upload vanished (expired or discarded): start over under the same key.
            Phase::Head | Phase::Patch if answer.status == 404 => {
                self.remote_id = None;
                self.offset = 0;
                self.create()
            }
            Phase::Patch if ok => {
                let sent = self.offset + self.in_flight;
                self.offset = self.header_offset(answer).unwrap_or(sent);
                self.conflicts = 0;
                self.next_chunk()
            }
            Phase::Patch if answer.status == 409 => match self.header_offset(answer) {
                Some(offset) if self.conflicts < 3 => {
                    self.conflicts += 1;
                    self.offset = offset;
                    self.next_chunk()
                }
                _ => Step::Transient(Error::ServerUnavailable {
                    resource: "upload".into(),
                    status: 409,
                }),
            },
            _ => judge_failure("upload", answer),
        }
    }
}

/// A bad upload answer.
fn bad(reason: &str) -> Error {
    Error::BadResponse {
        resource: "upload".into(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
        Answer {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn call(step: Step) -> Call {
        match step {
            Step::Send(c) => c,
            other => panic!("expected a call, got {other:?}"),
        }
    }

    #[test]
    fn uploads_in_chunks_and_resumes_at_the_servers_offset() {
        const CHUNK: usize = 32 * 1024;
        let data = vec![7u8; CHUNK * 2 + 10];
        let mut m = UploadMachine::new("key-1", "image/jpeg", data, None, CHUNK);
        let c = call(m.start());
        assert_eq!(
            (c.method, c.path.as_str()),
            (Method::Post, "/api/v1/uploads")
        );
        assert_eq!(c.header("idempotency-key"), Some("key-1"));
        assert_eq!(
            c.header("upload-length"),
            Some(&*(CHUNK * 2 + 10).to_string())
        );
        let c = call(m.on_answer(&answer(201, &[], r#"{"id":"u1","offset":0}"#)));
        assert_eq!(c.method, Method::Patch);
        assert_eq!(c.path, "/api/v1/uploads/u1");
        assert_eq!(c.header("upload-offset"), Some("0"));
        assert_eq!(c.body.len(), CHUNK);
        // The server says it already has more (an earlier answer was lost): 409 + offset.
        let have = (CHUNK + 5).to_string();
        let c = call(m.on_answer(&answer(
            409,
            &[("Upload-Offset", &have)],
            r#"{"code":"offset_mismatch","message":"x"}"#,
        )));
        assert_eq!(c.header("upload-offset"), Some(have.as_str()));
        assert_eq!(c.body.len(), CHUNK);
        let almost = (CHUNK * 2 + 5).to_string();
        let c = call(m.on_answer(&answer(204, &[("upload-offset", &almost)], "")));
        assert_eq!(c.body.len(), 5);
        let end = (CHUNK * 2 + 10).to_string();
        match m.on_answer(&answer(204, &[("upload-offset", &end)], "")) {
            Step::Ack { remote_id } => assert_eq!(remote_id.as_deref(), Some("u1")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_new_chunk_size_applies_from_the_next_chunk() {
        let mut m = UploadMachine::new("k", "image/jpeg", vec![3; 100], None, 10);
        let _ = m.start();
        let c = call(m.on_answer(&answer(201, &[], r#"{"id":"u1","offset":0}"#)));
        assert_eq!(c.body.len(), 10);
        // The drain measured the link while the chunk was in flight.
        m.set_chunk(40);
        // An answer without Upload-Offset counts the chunk that was sent (10, not 40).
        let c = call(m.on_answer(&answer(204, &[], "")));
        assert_eq!(c.header("upload-offset"), Some("10"));
        assert_eq!(c.body.len(), 40);
    }

    #[test]
    fn a_known_upload_starts_with_head_and_a_vanished_one_is_recreated() {
        let mut m = UploadMachine::new("k", "image/jpeg", vec![1; 100], Some("u9".into()), 64);
        let c = call(m.start());
        assert_eq!(
            (c.method, c.path.as_str()),
            (Method::Head, "/api/v1/uploads/u9")
        );
        let c = call(m.on_answer(&answer(
            200,
            &[("upload-offset", "40"), ("upload-length", "100")],
            "",
        )));
        assert_eq!(c.header("upload-offset"), Some("40"));
        assert_eq!(c.body.len(), 60);
        let c = call(m.on_answer(&answer(404, &[], r#"{"code":"not_found","message":"x"}"#)));
        assert_eq!(c.method, Method::Post);
        assert_eq!(m.remote_id(), None);
        // A complete upload found by HEAD is acknowledged without sending bytes.
        let mut m = UploadMachine::new("k", "image/jpeg", vec![1; 100], Some("u9".into()), 64);
        let _ = m.start();
        assert!(matches!(
            m.on_answer(&answer(200, &[("upload-offset", "100")], "")),
            Step::Ack { .. }
        ));
    }

    #[test]
    fn failures_are_classified() {
        let open311 = r#"[{"code":400,"description":"Thiếu attribute[muc_do] (Mức độ)."}]"#;
        match judge_simple("request", &answer(400, &[], open311)) {
            Step::Permanent(body) => {
                assert_eq!(body.code, "rejected");
                assert_eq!(body.message, "Thiếu attribute[muc_do] (Mức độ).");
            }
            other => panic!("{other:?}"),
        }
        for status in [408, 425, 429, 500, 502, 503] {
            assert!(
                matches!(
                    judge_simple("request", &answer(status, &[], "")),
                    Step::Transient(_)
                ),
                "{status}"
            );
        }
        assert!(matches!(
            judge_simple(
                "support",
                &answer(409, &[], r#"{"code":"already_supported","message":"x"}"#)
            ),
            Step::Ack { .. }
        ));
        assert!(matches!(
            judge_simple(
                "rating",
                &answer(
                    409,
                    &[],
                    r#"{"code":"wrong_state","message":"Chưa trả lời."}"#
                )
            ),
            Step::Permanent(_)
        ));
        assert!(matches!(
            judge_simple("rating", &answer(409, &[], "")),
            Step::Transient(_)
        ));
        match judge_simple(
            "request",
            &answer(
                201,
                &[],
                r#"[{"service_request_id":"42","service_notice":null,"account_id":null,"token":null}]"#,
            ),
        ) {
            Step::Ack { remote_id } => assert_eq!(remote_id.as_deref(), Some("42")),
            other => panic!("{other:?}"),
        }
        match judge_simple("request", &answer(201, &[], "<html>")) {
            Step::Transient(e) => assert_eq!(e.code(), ErrorCode::BadResponse),
            other => panic!("{other:?}"),
        }
        match judge_simple("upload", &answer(413, &[], "")) {
            Step::Permanent(body) => assert!(body.message.contains("413")),
            other => panic!("{other:?}"),
        }
    }
}
