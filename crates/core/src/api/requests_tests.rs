//! The outbox end to end over an in-memory model of the server (uploads,
//! Open311 requests with Idempotency-Key replay, devices) with injected
//! faults, a fake clock and a seeded RNG: no network, no sleeps.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{TimeZone, Utc};

use super::*;
use crate::outbox::DrainPolicy;
use crate::outbox::clock::{Clock, FakeClock};
use crate::secrets::MemoryStore;
use crate::store::services::tests::service;
use crate::sync::{Answer, Call, MediaFile, Method, Request, Response, Transport};

/// What the next call suffers.
#[derive(Debug, Clone)]
enum Fault {
    /// Handled normally.
    Pass,
    /// The server commits, then the connection drops before the answer.
    DropAfterCommit,
    /// The connection drops before the server sees anything.
    DropBefore,
    /// The server answers this status and body without doing anything.
    Answer(u16, &'static str),
}

#[derive(Default)]
struct State {
    faults: VecDeque<Fault>,
    uploads: HashMap<String, (u64, Vec<u8>)>,
    upload_keys: HashMap<String, String>,
    /// Idempotency records: key → (body, answer).
    replays: HashMap<String, (Vec<u8>, Answer)>,
    /// Created requests in order: (id, form body).
    requests: Vec<(String, Vec<u8>)>,
    devices: u32,
    calls: Vec<String>,
    /// When set, `GET /api/v1/my/requests` answers this status.
    my_requests_status: Option<u16>,
}

/// A small model of the server.
#[derive(Default, Clone)]
struct Server(Arc<Mutex<State>>);

fn ok(status: u16, body: &str) -> Answer {
    Answer {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

impl Server {
    fn fault(&self, f: Fault) {
        self.0.lock().unwrap().faults.push_back(f);
    }

    fn handle(&self, call: &Call) -> Answer {
        let mut s = self.0.lock().unwrap();
        let key = call.header("idempotency-key").map(str::to_string);
        match (call.method, call.path.as_str()) {
            (Method::Post, "/api/v1/devices") => {
                s.devices += 1;
                ok(
                    201,
                    &format!(r#"{{"device_id":"dev-{0}","token":"tok-{0}"}}"#, s.devices),
                )
            }
            (Method::Post, "/api/v1/uploads") => {
                let key = key.unwrap();
                let length: u64 = call.header("upload-length").unwrap().parse().unwrap();
                let id = match s.upload_keys.get(&key) {
                    Some(id) => id.clone(),
                    None => {
                        let id = format!("up{}", s.uploads.len() + 1);
                        s.upload_keys.insert(key, id.clone());
                        s.uploads.insert(id.clone(), (length, Vec::new()));
                        id
                    }
                };
                let offset = s.uploads[&id].1.len();
                ok(201, &format!(r#"{{"id":"{id}","offset":{offset}}}"#))
            }
            (Method::Patch, path) => {
                let id = path.trim_start_matches("/api/v1/uploads/").to_string();
                let offset: usize = call.header("upload-offset").unwrap().parse().unwrap();
                let Some((_, data)) = s.uploads.get_mut(&id) else {
                    return ok(404, r#"{"code":"not_found","message":"x"}"#);
                };
                if offset != data.len() {
                    let mut a = ok(409, r#"{"code":"offset_mismatch","message":"x"}"#);
                    a.headers
                        .push(("upload-offset".into(), data.len().to_string()));
                    return a;
                }
                data.extend_from_slice(&call.body);
                let mut a = ok(204, "");
                a.headers
                    .push(("upload-offset".into(), data.len().to_string()));
                a
            }
            (Method::Head, path) => {
                let id = path.trim_start_matches("/api/v1/uploads/");
                match s.uploads.get(id) {
                    Some((len, data)) => {
                        let mut a = ok(200, "");
                        a.headers
                            .push(("upload-offset".into(), data.len().to_string()));
                        a.headers.push(("upload-length".into(), len.to_string()));
                        a
                    }
                    None => ok(404, ""),
                }
            }
            (Method::Post, "/open311/v2/requests.json") => {
                let key = key.unwrap();
                if let Some((body, answer)) = s.replays.get(&key) {
                    if body == &call.body {
                        return answer.clone();
                    }
                    return ok(
                        422,
                        r#"[{"code":422,"description":"Idempotency-Key đã dùng."}]"#,
                    );
                }
                let id = (s.requests.len() + 1).to_string();
                s.requests.push((id.clone(), call.body.clone()));
                let answer = ok(
                    201,
                    &format!(
                        r#"[{{"service_request_id":"{id}","service_notice":null,"account_id":null,"token":null}}]"#
                    ),
                );
                s.replays.insert(key, (call.body.clone(), answer.clone()));
                answer
            }
            _ => ok(204, ""),
        }
    }

    fn requests(&self) -> Vec<(String, Vec<u8>)> {
        self.0.lock().unwrap().requests.clone()
    }
}

impl Transport for Server {
    async fn get(&self, request: &Request) -> Result<Response, Error> {
        if request.path == "/api/v1/my/requests"
            && let Some(status) = self.0.lock().unwrap().my_requests_status
        {
            return Ok(Response {
                status,
                etag: None,
                body: br#"{"code":"unauthorized","message":"x"}"#.to_vec(),
            });
        }
        let body = match request.path.as_str() {
            "/open311/v2/services.json" => serde_json::to_vec(&vec![service("a").0]).unwrap(),
            "/open311/v2/services/a.json" => serde_json::to_vec(&service("a").1.unwrap()).unwrap(),
            _ => b"[]".to_vec(),
        };
        Ok(Response {
            status: 200,
            etag: None,
            body,
        })
    }

    async fn fetch_media(
        &self,
        _url: &str,
        _patience: std::time::Duration,
    ) -> Result<Option<MediaFile>, Error> {
        Ok(None)
    }

    async fn send(&self, call: &Call) -> Result<Answer, Error> {
        let fault = {
            let mut s = self.0.lock().unwrap();
            s.calls.push(format!("{:?} {}", call.method, call.path));
            s.faults.pop_front()
        };
        let offline = || Error::Offline {
            resource: call.resource.into(),
            reason: "dropped".into(),
        };
        match fault {
            Some(Fault::DropBefore) => Err(offline()),
            Some(Fault::DropAfterCommit) => {
                self.handle(call);
                Err(offline())
            }
            Some(Fault::Answer(status, body)) => Ok(ok(status, body)),
            Some(Fault::Pass) | None => Ok(self.handle(call)),
        }
    }
}

struct Fixture {
    core: Core,
    clock: Arc<FakeClock>,
    server: Server,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
    ));
    let core = Core::open_with(
        &dir.path().join("p.sqlite"),
        CoreOptions {
            clock: clock.clone(),
            seed: Some(7),
            secrets: Some(Arc::new(MemoryStore::new())),
        },
    )
    .unwrap();
    core.set_api_key("test-app-key").unwrap();
    {
        let conn = core.writer();
        crate::store::services::replace(&conn, &[service("a")]).unwrap();
    }
    Fixture {
        core,
        clock,
        server: Server::default(),
        _dir: dir,
    }
}

fn draft(text: &str) -> RequestDraft {
    RequestDraft {
        service_code: "a".into(),
        description: text.into(),
        attributes: vec![AttributeAnswer {
            code: "muc_do".into(),
            values: vec!["nang".into()],
        }],
        address: Some("Số 1 Hoàng Hoa Thám".into()),
        ..RequestDraft::default()
    }
}

const NO_RETRY: DrainPolicy = DrainPolicy {
    honour_schedule: false,
    inline_retries: 0,
};

async fn drain(f: &Fixture, policy: DrainPolicy) -> DrainReport {
    f.core
        .drain_locked(&f.server, policy, &|_| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn submit_validates_against_the_cached_form() {
    let f = fixture();
    let mut d = draft("Ổ gà");
    d.attributes.clear();
    let err = f.core.submit_request(&d).unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
    assert_eq!(err.to_body().message, "Chưa trả lời: Mức độ.");
    let mut d = draft("Ổ gà");
    d.attributes[0].values = vec!["khong-co".into()];
    assert!(f.core.submit_request(&d).is_err());
    let mut d = draft("Ổ gà");
    d.address = None;
    assert!(
        f.core
            .submit_request(&d)
            .unwrap_err()
            .to_body()
            .message
            .contains("vị trí")
    );
    let mut d = draft("Ổ gà");
    d.service_code = "zzz".into();
    assert_eq!(
        f.core.submit_request(&d).unwrap_err().code(),
        crate::ErrorCode::NotFound
    );
    let mut d = draft("Ổ gà");
    d.photo_ids = vec!["missing".into()];
    assert!(f.core.submit_request(&d).is_err());
    // GeoReport v2 limits descriptions to 4000 characters, and so does the server
    // (issue 13): refused here instead of failing for good in the outbox.
    let d = draft(&"ễ".repeat(4001));
    assert_eq!(
        f.core.submit_request(&d).unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    assert!(
        f.core.outbox().unwrap().is_empty(),
        "nothing saved on refusal"
    );
    let receipt = f.core.submit_request(&draft("Ổ gà")).unwrap();
    let list = f.core.my_requests().unwrap();
    assert_eq!(list.items[0].detailed_status, "queued");
    assert_eq!(list.items[0].id, receipt.uuid);
    assert!(list.items[0].pending);
}

#[tokio::test]
async fn a_timeout_after_commit_is_replayed_not_duplicated() {
    let f = fixture();
    let receipt = f.core.submit_request(&draft("Đèn đường hỏng")).unwrap();
    // Device registration goes through, then the request commits and the answer is lost.
    f.server.fault(Fault::Pass);
    f.server.fault(Fault::DropAfterCommit);
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(report.sent, 0);
    assert_eq!(report.pending, 1);
    assert_eq!(report.last_error.unwrap().code, "offline");
    assert_eq!(f.server.requests().len(), 1, "the server did commit");
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (1, 0));
    assert_eq!(f.server.requests().len(), 1, "replayed, not duplicated");
    let entry = &f.core.outbox().unwrap()[0];
    assert_eq!(entry.state, OutboxState::Done);
    assert_eq!(entry.remote_id.as_deref(), Some("1"));
    assert_eq!(entry.uuid, receipt.uuid);
    let detail = f.core.my_request(&receipt.uuid).unwrap();
    assert_eq!(
        (detail.id.as_str(), detail.detailed_status.as_str()),
        ("1", "submitted")
    );
    let body = String::from_utf8(f.server.requests()[0].1.clone()).unwrap();
    assert!(body.contains("api_key=test-app-key"));
    assert!(body.contains("device_id=dev-1"));
}

#[tokio::test]
async fn photos_upload_resumably_then_the_request_names_them() {
    let f = fixture();
    let big = crate::outbox::photo::tests::png(1700, 1300);
    let photo = f.core.prepare_photo(&big).unwrap();
    assert!(photo.width <= 1600 && photo.thumb_data_url.starts_with("data:image/jpeg;base64,"));
    let mut d = draft("Rác thải");
    d.photo_ids = vec![photo.id.clone()];
    f.core.submit_request(&d).unwrap();
    // Device ok; the upload's POST is dropped before the server sees it.
    f.server.fault(Fault::Pass);
    f.server.fault(Fault::DropBefore);
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(report.pending, 2);
    // Next drain: POST (same key) ok, the first PATCH commits but its answer is lost.
    f.server.fault(Fault::Pass);
    f.server.fault(Fault::DropAfterCommit);
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(report.pending, 2);
    // Next drain: HEAD learns the offset, the rest is sent, then the request.
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (2, 0), "{report:?}");
    let calls = f.server.0.lock().unwrap().calls.clone();
    assert!(calls.iter().any(|c| c.starts_with("Head")), "{calls:?}");
    let uploads = f.server.0.lock().unwrap().uploads.clone();
    assert_eq!(uploads.len(), 1, "one upload for one key");
    let (len, data) = &uploads["up1"];
    assert_eq!(*len as usize, data.len());
    let body = String::from_utf8(f.server.requests()[0].1.clone()).unwrap();
    assert!(body.contains("media_ids=up1"), "{body}");
    // The photo is gone from the device once the request is acknowledged.
    assert!(
        crate::store::draft_photos::get(&f.core.writer(), &photo.id)
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_409_resumes_at_the_servers_offset() {
    let f = fixture();
    let photo = f
        .core
        .prepare_photo(&crate::outbox::photo::tests::png(1600, 1600))
        .unwrap();
    assert!(photo.bytes as usize > crate::outbox::chunks::START_CHUNK);
    let mut d = draft("Cây đổ");
    d.photo_ids = vec![photo.id];
    f.core.submit_request(&d).unwrap();
    let server = f.server.clone();
    // Use a simpler route: pre-create the upload and a partial PATCH on the server,
    // as if an earlier attempt got that far and then lost its answers.
    let row = f.core.outbox().unwrap()[0].clone();
    let call = Call {
        resource: "upload",
        method: Method::Post,
        path: "/api/v1/uploads".into(),
        headers: vec![
            ("idempotency-key", row.uuid.clone()),
            ("upload-length", "1".into()),
        ],
        body: vec![],
    };
    server.handle(&call);
    let bytes = crate::store::draft_photos::get(&f.core.writer(), &d.photo_ids[0])
        .unwrap()
        .unwrap()
        .bytes;
    server.0.lock().unwrap().uploads.get_mut("up1").unwrap().0 = bytes.len() as u64;
    server.0.lock().unwrap().uploads.get_mut("up1").unwrap().1 = bytes[..1000].to_vec();
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (2, 0), "{report:?}");
    let calls = server.0.lock().unwrap().calls.clone();
    assert!(calls.iter().filter(|c| c.starts_with("Patch")).count() >= 1);
    assert_eq!(
        server.0.lock().unwrap().uploads["up1"].1,
        bytes,
        "bytes intact after resume"
    );
}

#[tokio::test]
async fn a_permanent_refusal_is_set_aside_and_shown_and_the_rest_go_on() {
    let f = fixture();
    let first = f.core.submit_request(&draft("Một")).unwrap();
    let second = f.core.submit_request(&draft("Hai")).unwrap();
    f.server.fault(Fault::Answer(
        201,
        r#"{"device_id":"dev-1","token":"tok-1"}"#,
    ));
    f.server.fault(Fault::Answer(
        422,
        r#"[{"code":422,"description":"Ảnh không hợp lệ."}]"#,
    ));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(
        (report.sent, report.failed_permanent, report.pending),
        (1, 1, 0)
    );
    let outbox = f.core.outbox().unwrap();
    assert_eq!(outbox[0].uuid, first.uuid);
    assert_eq!(outbox[0].state, OutboxState::FailedPermanent);
    let err = outbox[0].last_error.clone().unwrap();
    assert_eq!(
        (err.code.as_str(), err.message.as_str()),
        ("rejected", "Ảnh không hợp lệ.")
    );
    assert_eq!(outbox[1].uuid, second.uuid);
    assert_eq!(outbox[1].state, OutboxState::Done);
    let detail = f.core.my_request(&first.uuid).unwrap();
    assert_eq!(detail.detailed_status, "failed");
    assert_eq!(detail.error.unwrap().message, "Ảnh không hợp lệ.");
}

// Issue 13: no key is built into the core; without one a request waits in
// the outbox (nothing is sent) until the user or the CLI sets one.
#[tokio::test]
async fn without_an_api_key_a_request_waits_until_one_is_set() {
    if crate::store::settings::DEFAULT_API_KEY.is_some() {
        return; // a commune's own build carries a key
    }
    let f = fixture();
    f.core
        .writer()
        .execute(
            "DELETE FROM settings WHERE key = ?1",
            [crate::store::settings::API_KEY],
        )
        .unwrap();
    assert_eq!(f.core.api_key().unwrap(), None);
    f.core.submit_request(&draft("Ổ gà")).unwrap();
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (0, 1));
    assert_eq!(report.last_error.unwrap().code, "not_configured");
    assert!(f.server.requests().is_empty(), "nothing sent without a key");
    assert!(f.core.set_api_key("  ").is_err());
    f.core.set_api_key("k2").unwrap();
    assert_eq!(f.core.api_key().unwrap().as_deref(), Some("k2"));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (1, 0));
}

#[tokio::test]
async fn a_stuck_row_does_not_hold_back_unrelated_ones() {
    let f = fixture();
    for text in ["Một", "Hai", "Ba"] {
        f.core.submit_request(&draft(text)).unwrap();
    }
    f.server.fault(Fault::Answer(
        201,
        r#"{"device_id":"dev-1","token":"tok-1"}"#,
    ));
    // The server fails the first report only (a 503 for that one call).
    f.server.fault(Fault::Answer(503, ""));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (2, 1), "Hai and Ba went on");
    assert_eq!(
        report.last_error.map(|e| e.code),
        Some("server_unavailable".to_string())
    );
    let entries = f.core.outbox().unwrap();
    let stuck = entries
        .iter()
        .find(|e| e.state == OutboxState::Pending)
        .expect("Một waits");
    assert_eq!(stuck.attempts, 1, "attempts are visible");
    assert!(stuck.next_attempt_at.is_some() && stuck.last_error.is_some());
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (1, 0));
    let sent: Vec<String> = f
        .server
        .requests()
        .iter()
        .map(|(_, b)| String::from_utf8(b.clone()).unwrap())
        .collect();
    assert!(sent[0].contains("description=Hai"));
    assert!(sent[2].contains("description=M%E1%BB%99t"));
}

#[tokio::test]
async fn offline_stops_the_drain_at_once() {
    let f = fixture();
    for text in ["Một", "Hai"] {
        f.core.submit_request(&draft(text)).unwrap();
    }
    f.server.fault(Fault::DropBefore);
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (0, 2));
    assert_eq!(
        report.last_error.map(|e| e.code),
        Some("offline".to_string())
    );
}

#[tokio::test]
async fn backoff_runs_on_the_fake_clock_with_full_jitter() {
    let f = fixture();
    f.core.submit_request(&draft("Một")).unwrap();
    f.server.fault(Fault::Answer(
        201,
        r#"{"device_id":"dev-1","token":"tok-1"}"#,
    ));
    for _ in 0..3 {
        f.server.fault(Fault::Answer(500, ""));
    }
    let start = f.clock.now();
    let report = drain(
        &f,
        DrainPolicy {
            honour_schedule: false,
            inline_retries: 2,
        },
    )
    .await;
    assert_eq!(report.pending, 1);
    let sleeps = f.clock.sleeps();
    assert_eq!(sleeps.len(), 2, "two inline retries, no real sleeping");
    assert!(sleeps[0] <= Duration::from_secs(2) && sleeps[1] <= Duration::from_secs(4));
    let row = &f.core.outbox().unwrap()[0];
    assert_eq!(row.attempts, 3);
    let due = row.next_attempt_at.unwrap();
    assert!(due >= f.clock.now() && due <= f.clock.now() + chrono::Duration::seconds(8));
    assert!(f.clock.now() >= start);
    // A scheduled drain does not send before the due time…
    let honour = DrainPolicy {
        honour_schedule: true,
        inline_retries: 0,
    };
    if due > f.clock.now() {
        assert_eq!(drain(&f, honour).await.sent, 0);
        assert!(f.server.requests().is_empty());
    }
    // …and does once it is due.
    f.clock.advance(Duration::from_secs(9));
    assert_eq!(drain(&f, honour).await.sent, 1);
    // Same seed, same schedule.
    let g = fixture();
    g.core.submit_request(&draft("Một")).unwrap();
    g.server.fault(Fault::Answer(
        201,
        r#"{"device_id":"dev-1","token":"tok-1"}"#,
    ));
    for _ in 0..3 {
        g.server.fault(Fault::Answer(500, ""));
    }
    drain(
        &g,
        DrainPolicy {
            honour_schedule: false,
            inline_retries: 2,
        },
    )
    .await;
    assert_eq!(g.clock.sleeps(), sleeps);
}

#[tokio::test]
async fn rating_reopen_support_queue_and_gate_my_requests() {
    use congdan_protocol::open311::DetailedStatus;
    let f = fixture();
    {
        let conn = f.core.writer();
        crate::store::my_requests::upsert(
            &conn,
            &[crate::store::my_requests::tests::my_request(
                "7",
                DetailedStatus::Answered,
            )],
        )
        .unwrap();
    }
    assert!(f.core.my_request("7").unwrap().can_rate);
    assert!(f.core.rate_request("7", 6, None).is_err());
    f.core.rate_request("7", 4, Some("Tốt")).unwrap();
    let detail = f.core.my_request("7").unwrap();
    assert!(detail.pending && !detail.can_rate && !detail.can_reopen);
    f.core.support_request("9").unwrap();
    // Rating goes first and is ok, the support's 409 already_supported counts as sent.
    let s = f.server.clone();
    s.fault(Fault::Answer(
        201,
        r#"{"device_id":"dev-1","token":"tok-1"}"#,
    ));
    s.fault(Fault::Answer(200, "{}"));
    s.fault(Fault::Answer(
        409,
        r#"{"code":"already_supported","message":"x"}"#,
    ));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (2, 0));
    assert!(!f.core.my_request("7").unwrap().pending);
}

/// Review of issue 13: a device registered with one server never sends that
/// server's token to another; choosing the same server again keeps it.
#[tokio::test]
async fn moving_to_another_server_forgets_the_device_and_its_token() {
    let f = fixture();
    f.core.set_server_url("http://old.example").unwrap();
    f.core.submit_request(&draft("Đèn hỏng")).unwrap();
    drain(&f, DrainPolicy::default()).await;
    let token = f.core.device_token().unwrap();
    assert!(token.is_some(), "registered by the first send");

    f.core.set_server_url("http://old.example/").unwrap();
    assert_eq!(f.core.device_token().unwrap(), token, "same server: kept");

    f.core.set_server_url("http://new.example").unwrap();
    assert_eq!(f.core.device_token().unwrap(), None);
    let id = f
        .core
        .read(|c| crate::store::settings::get(c, crate::store::settings::DEVICE_ID))
        .unwrap();
    assert_eq!(id, None, "the registration belongs to the old server");
}

/// Issue 13: a 401/403 about the device is a reason to register again and
/// retry, not a refusal; refused again after that, the row is set aside.
#[tokio::test]
async fn an_unknown_device_registers_again_and_retries() {
    use congdan_protocol::open311::DetailedStatus;
    let f = fixture();
    {
        let conn = f.core.writer();
        crate::store::my_requests::upsert(
            &conn,
            &[
                crate::store::my_requests::tests::my_request("7", DetailedStatus::Answered),
                crate::store::my_requests::tests::my_request("8", DetailedStatus::Answered),
            ],
        )
        .unwrap();
    }
    f.core.rate_request("7", 4, None).unwrap();
    f.server.fault(Fault::Pass); // registration: dev-1
    f.server.fault(Fault::Answer(
        401,
        r#"{"code":"unauthorized","message":"x"}"#,
    ));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (0, 1));
    assert_eq!(
        report.last_error.map(|e| e.code),
        Some("unauthorized".to_string())
    );
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (1, 0), "sent as dev-2");
    assert_eq!(f.server.0.lock().unwrap().devices, 2, "registered again");

    f.core.rate_request("8", 5, None).unwrap();
    f.server
        .fault(Fault::Answer(403, r#"{"code":"forbidden","message":"x"}"#));
    drain(&f, NO_RETRY).await;
    f.server.fault(Fault::Pass); // registration: dev-3
    f.server
        .fault(Fault::Answer(403, r#"{"code":"forbidden","message":"x"}"#));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(
        (report.failed_permanent, report.pending),
        (1, 0),
        "set aside"
    );
    let entries = f.core.outbox().unwrap();
    let refused = entries
        .iter()
        .find(|e| e.state == OutboxState::FailedPermanent)
        .unwrap();
    assert_eq!(refused.last_error.as_ref().unwrap().code, "rejected");
}

/// Issue 13: "Thử lại" puts a refused submission back in line; it is sent by
/// the next drain with the same Idempotency-Key.
#[tokio::test]
async fn a_refused_submission_can_be_sent_again() {
    let f = fixture();
    f.core.submit_request(&draft("Một")).unwrap();
    f.server.fault(Fault::Pass); // registration
    f.server.fault(Fault::Answer(
        400,
        r#"[{"code":400,"description":"Dịch vụ tạm ngừng nhận."}]"#,
    ));
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(report.failed_permanent, 1);
    let id = f.core.outbox().unwrap()[0].id;
    assert_eq!(
        f.core.retry_outbox(id + 100).unwrap_err().code(),
        crate::ErrorCode::NotFound
    );
    f.core.retry_outbox(id).unwrap();
    assert_eq!(
        f.core.retry_outbox(id).unwrap_err().code(),
        crate::ErrorCode::InvalidInput,
        "only a refused row"
    );
    let report = drain(&f, NO_RETRY).await;
    assert_eq!((report.sent, report.pending), (1, 0));
    let entry = &f.core.outbox().unwrap()[0];
    assert_eq!(entry.state, OutboxState::Done);
    assert_eq!(entry.attempts, 1, "the refused attempt stays counted");
}

/// Issue 13: when "my requests" answers that the server does not know the
/// device, the sync goes on, the device registers again on the next send, and
/// the requests already cached stay readable.
#[tokio::test]
async fn a_forgotten_device_registers_again_and_keeps_its_cached_requests() {
    use congdan_protocol::open311::DetailedStatus;
    let f = fixture();
    f.core.submit_request(&draft("Một")).unwrap();
    drain(&f, NO_RETRY).await;
    assert!(f.core.device_token().unwrap().is_some());
    {
        let conn = f.core.writer();
        crate::store::my_requests::upsert(
            &conn,
            &[crate::store::my_requests::tests::my_request(
                "1",
                DetailedStatus::Answered,
            )],
        )
        .unwrap();
    }
    f.server.0.lock().unwrap().my_requests_status = Some(401);
    f.core
        .pull_requests(&f.server, true, &|_| {})
        .await
        .expect("the sync goes on");
    assert_eq!(f.core.device_token().unwrap(), None, "forgotten");
    assert!(
        f.core.my_request("1").is_ok(),
        "cached requests stay readable"
    );
    f.server.0.lock().unwrap().my_requests_status = None;
    f.core.submit_request(&draft("Hai")).unwrap();
    let report = drain(&f, NO_RETRY).await;
    assert_eq!(report.sent, 1);
    assert_eq!(f.server.0.lock().unwrap().devices, 2, "registered again");
}
