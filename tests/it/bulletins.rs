//! Epidemic bulletins across processes: an officer posts one (over HTTP, and
//! with `congdan post-bulletin`) through the real
//! server, a resident's device syncs it (and gets a 304 the second time),
//! `congdan bulletins --json` shows it with the places by distance; another
//! ward's officer is refused, a broken post is refused with a Vietnamese
//! message, and the post is in the audit log.

use congdan_core::Core;
use congdan_tests::cli::{congdan, ok, stdout};
use congdan_tests::server::TestServer;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The demo officer's ward (Phường Ba Đình).
const UNIT: &str = "00004";

/// Today in Việt Nam, as the server judges "not in the future".
fn today() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(7))
        .date_naive()
        .to_string()
}

fn post_body(unit: &str, date: &str) -> Value {
    json!({
        "date": date,
        "disease": "COVID-19",
        "cases": [{"unit": unit, "new_cases": 3, "recovered": 1}],
        "places": [
            {"name": "Điểm xa", "address": "Phường Ngọc Hà", "lat": 21.0367, "lon": 105.8213,
             "hours": "7:30–11:30", "vaccine": "AstraZeneca"},
            {"name": "Điểm chưa có toạ độ", "address": "Phường Ba Đình",
             "hours": "13:30–17:00", "vaccine": "Pfizer"},
            {"name": "Điểm gần", "address": "Tổ dân phố số 1", "lat": 21.0409, "lon": 105.8406,
             "hours": "7:30–17:00", "vaccine": "AstraZeneca"},
        ],
        "note": "Đeo khẩu trang nơi đông người.",
    })
}

#[tokio::test]
async fn an_officers_bulletin_reaches_the_cli_and_the_second_sync_is_a_304() {
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let http = Client::new();
    let officer = congdan_tests::server::login(&http, &base, "canbo.badinh").await;
    let post = |token: String, body: Value| {
        http.post(format!("{base}/api/v1/officer/bulletins"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    // Another ward's officer may not post for Ba Đình.
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password");
    std::fs::write(&password, congdan_tests::server::DEMO_PASSWORD).unwrap();
    let out = server
        .admin(&[
            "add-account",
            "--username",
            "canbo.ngocha",
            "--role",
            "officer",
            "--unit",
            "00008",
            "--password-file",
            password.to_str().unwrap(),
        ])
        .unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    let other = congdan_tests::server::login(&http, &base, "canbo.ngocha").await;
    let refused = post(other, post_body(UNIT, &today())).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // A day in the future is refused with a message the officer can read.
    let future = (chrono::Utc::now() + chrono::Duration::days(3))
        .date_naive()
        .to_string();
    let bad = post(officer.clone(), post_body(UNIT, &future))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let error: Value = bad.json().await.unwrap();
    assert_eq!(error["code"], "invalid_input");
    assert!(
        error["message"].as_str().unwrap().contains("tương lai"),
        "{error}"
    );

    let answer = post(officer, post_body(UNIT, &today())).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let rows: Vec<Value> = answer.json().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["unit"], UNIT);
    let bulletin = rows[0]["bulletin"].as_str().unwrap().to_owned();

    // The post is in the audit log, read by the ward's admin.
    let admin = congdan_tests::server::login(&http, &base, "quantri.badinh").await;
    let audit: Vec<Value> = http
        .get(format!("{base}/api/v1/official/audit"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        audit.iter().any(|e| e["action"] == "bulletin.post"
            && e["target"] == bulletin.as_str()
            && e["username"] == "canbo.badinh"),
        "{audit:?}"
    );

    // A resident's device syncs it; the second sync is a 304.
    let db = dir.path().join("client.db");
    let core = Core::open(&db).unwrap();
    core.set_server_url(&base).unwrap();
    core.sync(&|_| {}).await.unwrap();
    core.set_home_unit(UNIT).await.unwrap();
    let first = core.sync(&|_| {}).await.unwrap();
    let pulled = first
        .resources
        .iter()
        .find(|r| r.resource == "bulletins")
        .unwrap();
    assert!(!pulled.not_modified && pulled.items >= 1, "{pulled:?}");
    let second = core.sync(&|_| {}).await.unwrap();
    let again = second
        .resources
        .iter()
        .find(|r| r.resource == "bulletins")
        .unwrap();
    assert!(again.not_modified, "{again:?}");
    drop(core);

    // The CLI shows it, places nearest first from where the resident stands.
    let out = ok(congdan(
        &db,
        &[
            "bulletins",
            "--json",
            "--lat",
            "21.0405",
            "--long",
            "105.8400",
        ],
    ));
    let view: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["latest"]["bulletin"], bulletin.as_str());
    assert_eq!(view["latest"]["date"], today().as_str());
    assert_eq!(view["mine"]["new_cases"], 3);
    assert_eq!(view["totalNewCases"], 3);
    assert_eq!(view["unitNames"][UNIT], "Phường Ba Đình");
    let names: Vec<&str> = view["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["place"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Điểm gần", "Điểm xa", "Điểm chưa có toạ độ"]);
    assert!(view["places"][2]["distanceM"].is_null());
    let trend = view["trend"].as_array().unwrap();
    assert_eq!(trend.last().unwrap()["total"], 3, "{trend:?}");
    assert!(
        trend.len() > 1,
        "the demo's 2021 bulletins are in the trend too"
    );
    let text = stdout(&ok(congdan(&db, &["bulletins"])));
    assert!(text.contains("Ca mắc mới: 3"), "{text}");
}

#[tokio::test]
async fn an_officer_posts_a_bulletin_from_the_cli_and_a_resident_reads_it() {
    let server = TestServer::seeded().await.unwrap();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let officer = dir.path().join("officer.db");
    let resident = dir.path().join("resident.db");
    ok(congdan_tests::cli::login(
        &officer,
        &url,
        "canbo.badinh",
        congdan_tests::server::DEMO_PASSWORD,
    ));
    let file = dir.path().join("ban-tin.json");

    // A day in the future: refused with the server's Vietnamese reason, nothing stored.
    let future = (chrono::Utc::now() + chrono::Duration::days(3))
        .date_naive()
        .to_string();
    std::fs::write(&file, post_body(UNIT, &future).to_string()).unwrap();
    let out = congdan(
        &officer,
        &["post-bulletin", "--file", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("tương lai"), "{message}");

    std::fs::write(&file, post_body(UNIT, &today()).to_string()).unwrap();
    let out = ok(congdan(
        &officer,
        &["post-bulletin", "--file", file.to_str().unwrap(), "--json"],
    ));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["unit"], UNIT);
    assert_eq!(rows[0]["disease"], "COVID-19");

    ok(congdan(&resident, &["--server", &url, "set-unit", UNIT]));
    ok(congdan(&resident, &["sync"]));
    let out = ok(congdan(&resident, &["bulletins", "--json"]));
    let view: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["latest"]["disease"], "COVID-19", "{view}");
    assert_eq!(view["latest"]["date"], today().as_str(), "{view}");
}
