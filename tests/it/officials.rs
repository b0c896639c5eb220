//! Officials through the real `congdan` CLI against the real server (issue 10):
//! a village head drafts and submits, an editor approves, a resident of the
//! village receives it and acknowledges, the head records a household by
//! proxy and sees the counts; an officer answers a request from the inbox and
//! the resident's Open311 view shows the answer. Refusals of role and unit
//! exit non-zero with a Vietnamese message and change nothing.

use std::process::Output;

use congdan_tests::DEMO_API_KEY;
use congdan_tests::cli::{congdan, login, ok, stdout};
use congdan_tests::server::TestServer;
use serde_json::Value;

/// A run that must fail with a Vietnamese message on stderr; the message.
fn refused(out: Output) -> String {
    assert!(!out.status.success(), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(message.starts_with("congdan: "), "{message}");
    message
}

fn json(out: Output) -> Value {
    serde_json::from_slice(&ok(out).stdout).expect("JSON output")
}

#[tokio::test]
async fn a_head_posts_an_editor_approves_a_resident_acknowledges_an_officer_answers() {
    let server = TestServer::seeded().await.unwrap();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("head.db");
    let editor = dir.path().join("editor.db");
    let resident = dir.path().join("resident.db");
    let officer = dir.path().join("officer.db");

    // Wrong password, then the right one.
    let message = refused(login(&head, &url, "truongto1.badinh", "sai-mat-khau"));
    assert!(
        message.contains("Sai tên đăng nhập hoặc mật khẩu"),
        "{message}"
    );
    let out = ok(login(&head, &url, "truongto1.badinh", "demo-2026"));
    assert!(stdout(&out).contains("Đã đăng nhập"), "{}", stdout(&out));

    let draft = json(congdan(
        &head,
        &[
            "announce",
            "draft",
            "--title",
            "Làm căn cước tại nhà văn hoá",
            "--body",
            "Mang căn cước cũ hoặc giấy khai sinh.",
            "--unit",
            "00004-01",
            "--event-start",
            "2026-12-12 08:00",
            "--place",
            "Nhà văn hoá tổ dân phố số 1",
            "--json",
        ],
    ));
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["event_start"], "2026-12-12T01:00:00Z");

    // Another village, an approval: refused, in Vietnamese, and nothing changes.
    let before = json(congdan(&head, &["announcements", "--json"]));
    let message = refused(congdan(
        &head,
        &[
            "announce", "draft", "--title", "x", "--body", "y", "--unit", "00004-02",
        ],
    ));
    assert!(message.contains("không có quyền"), "{message}");
    let message = refused(congdan(&head, &["announce", "approve", &id]));
    assert!(message.contains("Vai trò"), "{message}");
    assert_eq!(json(congdan(&head, &["announcements", "--json"])), before);

    ok(congdan(&head, &["announce", "submit", &id]));
    assert!(
        ok(login(&editor, &url, "bientap.badinh", "demo-2026"))
            .status
            .success()
    );
    let out = ok(congdan(&editor, &["announce", "approve", &id]));
    assert!(stdout(&out).contains("đã đăng"), "{}", stdout(&out));

    // A resident of the village: home commune, then the village; the list and an answer.
    ok(congdan(&resident, &["--server", &url, "set-unit", "00004"]));
    let out = ok(congdan(&resident, &["set-unit", "00004-01"]));
    assert!(stdout(&out).contains("Tổ dân phố số 1"), "{}", stdout(&out));
    let list = json(congdan(&resident, &["announcements", "--json"]));
    assert_eq!(list["unit"], "00004-01");
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id.as_str()),
        "{list}"
    );
    let message = refused(congdan(&resident, &["ack", &id, "not-going"]));
    assert!(message.contains("lý do"), "{message}");
    ok(congdan(&resident, &["ack", &id, "going"]));
    // Twice (a retry) still counts once.
    ok(congdan(&resident, &["ack", &id, "going"]));
    // A resident cannot record for a household.
    let message = refused(congdan(
        &resident,
        &["ack", &id, "seen", "--household", "Hộ bà Năm"],
    ));
    assert!(message.contains("đăng nhập"), "{message}");

    ok(congdan(
        &head,
        &[
            "ack",
            &id,
            "not-going",
            "--reason",
            "Ông bà đi viện",
            "--household",
            "Hộ ông Tư",
        ],
    ));
    let list = json(congdan(&head, &["announcements", "--json"]));
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["status"], "published");
    assert_eq!(mine["units"], serde_json::json!(["00004-01"]));
    assert_eq!(
        mine["acks"],
        serde_json::json!({"seen": 0, "going": 1, "not_going": 1, "by_proxy": 1})
    );

    // A request of Ba Đình: the officer's inbox, the answer, the resident sees it.
    let form = [
        ("api_key", DEMO_API_KEY),
        ("service_code", "hoi-dap-thu-tuc"),
        ("address_string", "12 Đội Cấn"),
        ("attribute[cau_hoi]", "Làm căn cước cho mẹ già ở đâu?"),
        ("unit", "00004"),
    ];
    let created: Value = reqwest::Client::new()
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request_id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(login(&officer, &url, "canbo.badinh", "demo-2026"));
    let inbox = json(congdan(&officer, &["inbox", "--json"]));
    let first = &inbox[0];
    assert_eq!(first["urgency"], "new");
    assert_eq!(
        first["request"]["request"]["service_request_id"],
        request_id.as_str()
    );
    let message = refused(congdan(
        &head,
        &["answer", &request_id, "--text", "Tổ trả lời"],
    ));
    assert!(message.contains("Vai trò"), "{message}");
    ok(congdan(
        &officer,
        &[
            "answer",
            &request_id,
            "--text",
            "Mời bác mang giấy khai sinh đến nhà văn hoá sáng thứ Bảy.",
        ],
    ));
    let public: Value = reqwest::get(format!("{url}/open311/v2/requests/{request_id}.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public[0]["detailed_status"], "answered");
    assert!(
        public[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("giấy khai sinh"),
        "{public}"
    );

    // Reach figures of the ward this week: the announcement and its answers,
    // the request answered on time; the same as CSV.
    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "quantri.badinh", "password": "demo-2026"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let reach: Value = client
        .get(format!("{url}/api/v1/official/reach?unit=00004"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let week = reach["weeks"].as_array().unwrap().last().unwrap().clone();
    assert!(week["announcements"].as_u64().unwrap() >= 1, "{reach}");
    assert!(week["acknowledged"].as_u64().unwrap() >= 2, "{reach}");
    assert_eq!(week["answered"], 1, "{reach}");
    assert_eq!(week["answered_on_time"], 1, "{reach}");
    assert_eq!(week["on_time_percent"], 100.0, "{reach}");
    let csv = client
        .get(format!("{url}/api/v1/official/reach?unit=00004&format=csv"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("unit,week,announcements,"), "{csv}");
    assert!(csv.lines().last().unwrap().contains(",1,1,100.0,"), "{csv}");

    let out = ok(congdan(&officer, &["reach", "--csv"]));
    assert!(stdout(&out).starts_with("unit,week,"), "{}", stdout(&out));
    let message = refused(congdan(&officer, &["reach", "--unit", "00008"]));
    assert!(message.contains("không có quyền"), "{message}");

    // Logged out, the official tools ask for a login and exit non-zero.
    ok(congdan(&officer, &["logout"]));
    let message = refused(congdan(&officer, &["inbox"]));
    assert!(message.contains("đăng nhập"), "{message}");
}

/// The demo announcement `seed --demo` publishes for 00004-01.
const DEMO_PUBLISHED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a01";

#[tokio::test]
async fn an_acknowledgement_made_offline_is_sent_once_when_the_server_is_back() {
    let mut server = TestServer::seeded().await.unwrap();
    let url = server.url();
    let addr = server.addr().to_string();
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("head.db");
    let resident = dir.path().join("resident.db");
    ok(congdan(&resident, &["--server", &url, "set-unit", "00004"]));
    ok(congdan(&resident, &["set-unit", "00004-01"]));
    ok(login(&head, &url, "truongto1.badinh", "demo-2026"));

    // Read once online; the list stays readable with the server down.
    let online = json(congdan(&resident, &["announcements", "--json"]));
    assert_eq!(online["freshness"]["offline"], false);
    server.kill().await.unwrap();
    let offline = json(congdan(&resident, &["announcements", "--json"]));
    assert_eq!(offline["freshness"]["offline"], true);
    assert_eq!(offline["items"], online["items"]);
    assert!(
        offline["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == DEMO_PUBLISHED),
        "{offline}"
    );
    let out = ok(congdan(&resident, &["ack", DEMO_PUBLISHED, "going"]));
    assert!(
        stdout(&out).contains("sẽ gửi khi có mạng"),
        "{}",
        stdout(&out)
    );
    let queued = json(congdan(&resident, &["outbox", "--json"]));
    assert_eq!(
        queued["entries"].as_array().map(Vec::len),
        Some(1),
        "{queued}"
    );
    // The head drafts offline: saved under its id, sent when the server is back.
    let draft = json(congdan(
        &head,
        &[
            "announce",
            "draft",
            "--title",
            "Họp tổ tối thứ Sáu",
            "--body",
            "19 giờ tại nhà văn hoá.",
            "--unit",
            "00004-01",
            "--json",
        ],
    ));
    assert_eq!(draft["queued"], true, "{draft}");
    let draft_id = draft["id"].as_str().unwrap().to_owned();

    let db = server.db().to_path_buf();
    let _server = TestServer::start_at(&db, &addr).await.unwrap();
    ok(congdan(&resident, &["outbox", "--drain"]));
    // A second drain has nothing left to send.
    ok(congdan(&resident, &["outbox", "--drain"]));

    ok(congdan(&head, &["outbox", "--drain"]));
    ok(congdan(&head, &["outbox", "--drain"]));
    let list = json(congdan(&head, &["announcements", "--json"]));
    let drafts: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "Họp tổ tối thứ Sáu")
        .collect();
    assert_eq!(drafts.len(), 1, "{list}");
    assert_eq!(drafts[0]["id"], draft_id.as_str());
    assert_eq!(drafts[0]["status"], "draft");
    let demo = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == DEMO_PUBLISHED)
        .unwrap();
    assert_eq!(demo["acks"]["going"], 1, "{demo}");
    assert_eq!(demo["acks_by_unit"][0]["unit"], "00004-01");
}
