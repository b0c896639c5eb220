//! Issue 10 through the real router: login limits with a moved clock, logout
//! and revocation on account changes, villages, and the announcement workflow
//! (draft → submit → return/approve → published → acknowledged) with its
//! role and unit refusals, audit records and attachments. The full route × role × unit
//! matrix runs against the real binary (`tests/it/authz.rs`).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use congdan_protocol::requests::Role;
use congdan_server::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{TestApp, test_app};

struct Fixture {
    t: TestApp,
    router: Router,
    now: Arc<Mutex<DateTime<Utc>>>,
}

const PASSWORD: &str = "mat-khau-dai-2026";

async fn fixture() -> Fixture {
    let t = test_app().await;
    t.seed_units().await;
    congdan_server::commands::add_unit(t.storage.as_ref(), "00001-01", "Thôn Đông", "00001")
        .await
        .unwrap();
    congdan_server::commands::add_unit(t.storage.as_ref(), "00001-02", "Thôn Đoài", "00001")
        .await
        .unwrap();
    let now = Arc::new(Mutex::new(
        Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap(),
    ));
    let clock = Arc::clone(&now);
    let router =
        app(AppState::new(t.storage.clone()).with_clock(Arc::new(move || *clock.lock().unwrap())));
    for (username, role, unit) in [
        ("head1", Role::VillageHead, "00001-01"),
        ("head2", Role::VillageHead, "00001-02"),
        ("editor1", Role::Editor, "00001"),
        ("editor2", Role::Editor, "00002"),
        ("officer1", Role::Officer, "00001"),
        ("admin1", Role::Admin, "00001"),
        ("resident1", Role::Resident, "00001-01"),
    ] {
        congdan_server::accounts::add_account(
            t.storage.as_ref(),
            username,
            PASSWORD,
            username,
            role,
            unit,
            Utc::now(),
        )
        .await
        .unwrap();
    }
    Fixture { t, router, now }
}

impl Fixture {
    async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(value) => {
                request = request.header("content-type", "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value, headers)
    }

    async fn login(&self, username: &str) -> String {
        let (status, body, _) = self
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 200, "{username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_for_the_right_one() {
    let f = fixture().await;
    let wrong = json!({"username": "head1", "password": "sai-mat-khau"});
    for _ in 0..5 {
        let (status, body, _) = f
            .call("POST", "/api/v1/auth/login", None, Some(wrong.clone()))
            .await;
        assert_eq!(status, 401, "{body}");
    }
    let right = json!({"username": "HEAD1", "password": PASSWORD});
    let (status, body, headers) = f
        .call("POST", "/api/v1/auth/login", None, Some(right.clone()))
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["code"], "login_locked");
    assert_eq!(headers["retry-after"], "900");
    assert!(body["message"].as_str().unwrap().contains("15 phút"));
    // Another account is not locked by head1's failures.
    f.login("head2").await;
    // After the lock the right password works again.
    f.advance(Duration::minutes(15));
    f.login("head1").await;
}

#[tokio::test]
async fn twenty_failures_from_one_address_lock_the_address() {
    let f = fixture().await;
    for i in 0..20 {
        let body = json!({"username": format!("nobody{i}"), "password": "x"});
        let (status, _, _) = f.call("POST", "/api/v1/auth/login", None, Some(body)).await;
        assert_eq!(status, 401);
    }
    let right = json!({"username": "editor1", "password": PASSWORD});
    let (status, body, headers) = f
        .call("POST", "/api/v1/auth/login", None, Some(right))
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(headers.contains_key("retry-after"));
}

#[tokio::test]
async fn logout_and_account_changes_end_sessions() {
    let f = fixture().await;
    let token = f.login("officer1").await;
    let (status, _, _) = f
        .call("GET", "/api/v1/officer/requests", Some(&token), None)
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = f
        .call("POST", "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = f
        .call("GET", "/api/v1/officer/requests", Some(&token), None)
        .await;
    assert_eq!(status, 401);

    // A role change (add-account again) revokes the live session.
    let token = f.login("officer1").await;
    congdan_server::accounts::add_account(
        f.t.storage.as_ref(),
        "officer1",
        PASSWORD,
        "officer1",
        Role::Editor,
        "00001",
        Utc::now(),
    )
    .await
    .unwrap();
    let (status, _, _) = f
        .call("GET", "/api/v1/officer/requests", Some(&token), None)
        .await;
    assert_eq!(status, 401);
    // The new session has the new role: requests are no longer theirs.
    let token = f.login("officer1").await;
    let (status, body, _) = f
        .call("GET", "/api/v1/officer/requests", Some(&token), None)
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "forbidden");

    // Sessions expire after 12 hours.
    f.advance(Duration::hours(12));
    let (status, _, _) = f
        .call("GET", "/api/v1/official/announcements", Some(&token), None)
        .await;
    assert_eq!(status, 401);
}

const ID: &str = "0d9b8f2e-5c1a-4e55-9a0b-6f3f0d1c2b3a";

#[tokio::test]
async fn announcement_goes_from_draft_to_residents_only_through_an_editor_of_its_units() {
    let f = fixture().await;
    let head1 = f.login("head1").await;
    let head2 = f.login("head2").await;
    let editor1 = f.login("editor1").await;
    let editor2 = f.login("editor2").await;
    let admin1 = f.login("admin1").await;
    let resident = f.login("resident1").await;
    let draft = json!({
        "title": "Làm căn cước tại nhà văn hoá",
        "body": "Sáng thứ Bảy, mang căn cước cũ.",
        "units": ["00001-01"],
        "event_start": "2026-12-12T01:00:00Z",
        "event_place": "Nhà văn hoá thôn Đông"
    });
    let uri = format!("/api/v1/official/announcements/{ID}");

    // A head cannot draft for the other village, a resident nor an editor at all.
    let other = json!({"title": "x", "body": "y", "units": ["00001-02"]});
    let (status, _, _) = f.call("PUT", &uri, Some(&head1), Some(other)).await;
    assert_eq!(status, 403);
    for token in [&resident, &editor1] {
        let (status, _, _) = f.call("PUT", &uri, Some(token), Some(draft.clone())).await;
        assert_eq!(status, 403);
    }
    let (status, saved, _) = f.call("PUT", &uri, Some(&head1), Some(draft.clone())).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["status"], "draft");
    // The same PUT again (an outbox retry) keeps one announcement.
    let (status, _, _) = f.call("PUT", &uri, Some(&head1), Some(draft.clone())).await;
    assert_eq!(status, 200);
    // Another head cannot take it over, nor submit it.
    let (status, _, _) = f.call("PUT", &uri, Some(&head2), Some(draft.clone())).await;
    assert_eq!(status, 403);
    let (status, _, _) = f
        .call("POST", &format!("{uri}/submit"), Some(&head2), None)
        .await;
    assert_eq!(status, 403);

    // Not published yet: residents see nothing, the editor cannot approve a draft.
    let (status, list, _) = f
        .call("GET", "/api/v1/announcements?unit=00001-01", None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list, json!([]));
    let (status, body, _) = f
        .call("POST", &format!("{uri}/approve"), Some(&editor1), None)
        .await;
    assert_eq!(status, 409, "{body}");

    let (status, body, _) = f
        .call("POST", &format!("{uri}/submit"), Some(&head1), None)
        .await;
    assert_eq!(status, 200, "{body}");
    // An editor of another commune cannot review; a head cannot approve.
    let (status, _, _) = f
        .call("POST", &format!("{uri}/approve"), Some(&editor2), None)
        .await;
    assert_eq!(status, 403);
    let (status, _, _) = f
        .call("POST", &format!("{uri}/approve"), Some(&head1), None)
        .await;
    assert_eq!(status, 403);
    let (status, body, _) = f
        .call(
            "POST",
            &format!("{uri}/return"),
            Some(&editor1),
            Some(json!({"comment": "Ghi rõ giờ bắt đầu."})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "returned");
    let (_, mine, _) = f
        .call("GET", "/api/v1/official/announcements", Some(&head1), None)
        .await;
    assert_eq!(mine[0]["return_comment"], "Ghi rõ giờ bắt đầu.");
    let (status, _, _) = f.call("PUT", &uri, Some(&head1), Some(draft.clone())).await;
    assert_eq!(status, 200);
    f.call("POST", &format!("{uri}/submit"), Some(&head1), None)
        .await;
    let (status, body, _) = f
        .call("POST", &format!("{uri}/approve"), Some(&editor1), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "published");
    // Published: no more edits.
    let (status, _, _) = f.call("PUT", &uri, Some(&head1), Some(draft)).await;
    assert_eq!(status, 409);

    // The village and its ancestors' lists: the village gets it, the other village not.
    let (_, list, _) = f
        .call("GET", "/api/v1/announcements?unit=00001-01", None, None)
        .await;
    assert_eq!(list[0]["id"], ID);
    let (_, list, _) = f
        .call("GET", "/api/v1/announcements?unit=00001-02", None, None)
        .await;
    assert_eq!(list, json!([]));

    // A device acknowledges twice (the last answer counts); a head records a household.
    let (status, device, _) = f.call("POST", "/api/v1/devices", None, None).await;
    assert_eq!(status, 201);
    let device = device["token"].as_str().unwrap().to_owned();
    let ack = format!("/api/v1/announcements/{ID}/ack");
    let (status, body, _) = f
        .call(
            "PUT",
            &ack,
            Some(&device),
            Some(json!({"kind": "not_going", "unit": "00001-01"})),
        )
        .await;
    assert_eq!(status, 400, "a reason is needed: {body}");
    for kind in ["seen", "going"] {
        let (status, body, _) = f
            .call(
                "PUT",
                &ack,
                Some(&device),
                Some(json!({"kind": kind, "unit": "00001-01"})),
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
    let (status, _, _) = f
        .call(
            "PUT",
            &ack,
            Some(&device),
            Some(json!({"kind": "seen", "unit": "00001-02"})),
        )
        .await;
    assert_eq!(
        status, 400,
        "the announcement does not go to the other village"
    );
    let proxy = format!("/api/v1/official/announcements/{ID}/acks");
    let household =
        json!({"kind": "not_going", "reason": "Ông bà đi viện", "household": "Hộ ông Tư"});
    let (status, _, _) = f
        .call("PUT", &proxy, Some(&head2), Some(household.clone()))
        .await;
    assert_eq!(status, 400, "head2's village does not get it");
    let (status, view, _) = f.call("PUT", &proxy, Some(&head1), Some(household)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        view["acks"],
        json!({"seen": 0, "going": 1, "not_going": 1, "by_proxy": 1})
    );
    assert_eq!(view["acks_by_unit"][0]["unit"], "00001-01");

    // Every official write is in the audit log, which only an admin reads.
    let (status, _, _) = f
        .call("GET", "/api/v1/official/audit", Some(&editor1), None)
        .await;
    assert_eq!(status, 403);
    let (status, audit, _) = f
        .call("GET", "/api/v1/official/audit", Some(&admin1), None)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "announcement.draft",
            "announcement.draft",
            "announcement.submit",
            "announcement.return",
            "announcement.draft",
            "announcement.submit",
            "announcement.approve",
            "announcement.ack_by_proxy"
        ]
    );
    assert_eq!(audit[0]["username"], "head1");
    assert_eq!(audit[0]["unit"], "00001-01");
}

#[tokio::test]
async fn villages_need_a_commune_parent_and_keep_official_codes() {
    let t = test_app().await;
    t.seed_units().await;
    let storage = t.storage.as_ref();
    let refused = congdan_server::commands::add_unit(storage, "00001-09", "Thôn X", "01").await;
    assert!(refused.is_err(), "a village below a province");
    let refused = congdan_server::commands::add_unit(storage, "00002", "Thôn X", "00001").await;
    assert!(refused.is_err(), "an official code");
    let unit = congdan_server::commands::add_unit(storage, "00001-09", "Tổ dân phố  số 9", "00001")
        .await
        .unwrap();
    assert_eq!(unit.kind, "Tổ dân phố");
    // Villages stay out of the unit feed (older clients know two levels only)
    // and are listed per commune.
    assert!(storage.unit("00001-09".into()).await.unwrap().is_none());
    let answer = t.get("/api/v1/units/00001/villages").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()[0]["code"], "00001-09");
    assert_eq!(answer.json()[0]["level"], "village");
    assert_eq!(t.get("/api/v1/units/99999/villages").await.status, 404);
    assert_eq!(unit.name, "Tổ dân phố số 9");
    assert_eq!(
        storage
            .village("00001-09".into())
            .await
            .unwrap()
            .unwrap()
            .parent
            .as_deref(),
        Some("00001")
    );
}

/// A finished upload made through the storage (the upload route has its own
/// tests in open311.rs): `bytes` kept as `mime`.
async fn finished_upload(f: &Fixture, id: &str, mime: &str, bytes: &[u8]) {
    let length = bytes.len() as u64;
    let storage = &f.t.storage;
    storage
        .create_upload(id.into(), None, mime.into(), length, Utc::now())
        .await
        .unwrap()
        .unwrap();
    storage
        .append_upload(id.into(), 0, bytes.to_vec())
        .await
        .unwrap()
        .unwrap();
    storage
        .finish_upload(id.into(), Some((mime.into(), bytes.to_vec())))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_upload_becomes_one_announcements_attachment_and_its_pdf_is_served_only_then() {
    let f = fixture().await;
    let head1 = f.login("head1").await;
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    finished_upload(&f, "pdf1", "application/pdf", pdf).await;
    let media = "/open311/v2/media/pdf1";
    let (status, _, _) = f.call("GET", media, None, None).await;
    assert_eq!(status, 404, "a PDF no announcement carries is not served");

    let draft = |attachments: Value| {
        json!({"title": "Kế hoạch", "body": "Xem tệp.", "units": ["00001-01"],
               "attachments": attachments})
    };
    let uri = format!("/api/v1/official/announcements/{ID}");
    let (status, body, _) = f
        .call(
            "PUT",
            &uri,
            Some(&head1),
            Some(draft(
                json!([{"upload": "pdf1", "name": "../../ke-hoach.pdf"}]),
            )),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let file = &body["attachments"][0];
    assert_eq!(file["name"], "ke-hoach.pdf", "only the last path segment");
    assert_eq!(file["mime"], "application/pdf");
    assert_eq!(file["bytes"], pdf.len());
    assert!(file["url"].as_str().unwrap().ends_with(media), "{file}");
    let (status, _, headers) = f.call("GET", media, None, None).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-disposition"], "attachment");

    // Another announcement cannot take it; nothing of that draft is stored.
    let other = "7a4f5e1c-2b3d-4c5e-8f9a-0b1c2d3e4f50";
    let (status, body, _) = f
        .call(
            "PUT",
            &format!("/api/v1/official/announcements/{other}"),
            Some(&head1),
            Some(draft(json!([{"upload": "pdf1", "name": "x.pdf"}]))),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "invalid_input");
    let (_, list, _) = f
        .call("GET", "/api/v1/official/announcements", Some(&head1), None)
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

    // Not a finished upload; too many; a blank name.
    let (status, _, _) = f
        .call(
            "PUT",
            &uri,
            Some(&head1),
            Some(draft(json!([{"upload": "nope", "name": "x.pdf"}]))),
        )
        .await;
    assert_eq!(status, 422);
    let seven: Vec<Value> = (0..7)
        .map(|i| json!({"upload": format!("u{i}"), "name": "a.jpg"}))
        .collect();
    let (status, body, _) = f
        .call("PUT", &uri, Some(&head1), Some(draft(Value::Array(seven))))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = f
        .call(
            "PUT",
            &uri,
            Some(&head1),
            Some(draft(json!([{"upload": "pdf1", "name": "  "}]))),
        )
        .await;
    assert_eq!(status, 400);
    // The refused saves left the first one as it was.
    let (_, list, _) = f
        .call("GET", "/api/v1/official/announcements", Some(&head1), None)
        .await;
    assert_eq!(list[0]["attachments"][0]["name"], "ke-hoach.pdf", "{list}");
    // Changing the text without naming files keeps them; an empty list removes them.
    let (status, body, _) = f
        .call(
            "PUT",
            &uri,
            Some(&head1),
            Some(json!({"title": "Kế hoạch (sửa)", "body": "Xem tệp.", "units": ["00001-01"]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attachments"][0]["name"], "ke-hoach.pdf", "{body}");
    let (_, body, _) = f
        .call("PUT", &uri, Some(&head1), Some(draft(json!([]))))
        .await;
    assert_eq!(body["attachments"], json!([]), "{body}");
    let (status, _, _) = f
        .call(
            "PUT",
            &uri,
            Some(&head1),
            Some(draft(json!([{"upload": "pdf1", "name": "ke-hoach.pdf"}]))),
        )
        .await;
    assert_eq!(status, 200, "attached again");

    // Housekeeping a day later keeps what an announcement carries.
    f.advance(Duration::hours(25));
    let state = AppState::new(f.t.storage.clone()).with_clock({
        let now = Arc::clone(&f.now);
        Arc::new(move || *now.lock().unwrap())
    });
    congdan_server::cleanup::run_once(&state).await.unwrap();
    let (status, _, _) = f.call("GET", media, None, None).await;
    assert_eq!(status, 200);
}
