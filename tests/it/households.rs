//! "Households not yet reached" (issue 10) against the real server binary:
//! households are the resident accounts of a village; one is reached when it
//! acknowledged from a logged-in app or when the author recorded its answer by
//! proxy under its name (marked, audited and counted as such).

use congdan_tests::cli::{congdan, ok};
use congdan_tests::server::{DEMO_PASSWORD, TestServer, get_json, login};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The published demo announcement of 00004-01, by `truongto1.badinh`.
const PUBLISHED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a01";

async fn households(client: &Client, base: &str, token: &str) -> (StatusCode, Value) {
    let answer = client
        .get(format!(
            "{base}/api/v1/official/announcements/{PUBLISHED}/households"
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn not_reached(list: &Value, unit: &str) -> Vec<String> {
    let entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("no {unit} in {list}"));
    entry["not_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_author_sees_the_households_not_yet_reached_per_village() {
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();
    let dir = tempfile::tempdir().unwrap();
    let password = dir.path().join("password");
    std::fs::write(&password, format!("{DEMO_PASSWORD}\n")).unwrap();
    for (username, name) in [
        ("ho1.badinh", "Nguyễn Văn Hộ Một"),
        ("ho2.badinh", "Trần Thị Hộ Hai"),
    ] {
        let out = server
            .admin(&[
                "add-account",
                "--username",
                username,
                "--role",
                "resident",
                "--unit",
                "00004-01",
                "--name",
                name,
                "--password-file",
                password.to_str().unwrap(),
            ])
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let head = login(&client, &base, "truongto1.badinh").await;
    let (status, before) = households(&client, &base, &head).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let entry = before
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "00004-01")
        .cloned()
        .unwrap();
    assert_eq!(entry["households"], 3, "{before}");
    assert_eq!(
        not_reached(&before, "00004-01"),
        ["Nguyễn Văn Hộ Một", "Trần Thị Hộ Hai", "Đỗ Thị Cư Dân"]
    );

    // A resident answers from the app's core (the CLI) while logged in: the
    // outbox sends it with the resident's session, so the household is reached…
    let resident = dir.path().join("resident.db");
    ok(congdan(
        &resident,
        &["--server", &base, "set-unit", "00004"],
    ));
    ok(congdan(&resident, &["set-unit", "00004-01"]));
    ok(congdan_tests::cli::login(
        &resident,
        &base,
        "cudan.badinh",
        DEMO_PASSWORD,
    ));
    ok(congdan(&resident, &["ack", PUBLISHED, "seen"]));
    // …and the head records another household by proxy (name in any case).
    let answer: Value = client
        .put(format!(
            "{base}/api/v1/official/announcements/{PUBLISHED}/acks"
        ))
        .bearer_auth(&head)
        .json(&json!({"kind": "going", "household": "trần thị hộ hai", "unit": "00004-01"}))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["acks"]["by_proxy"], 1, "{answer}");

    let (_, after) = households(&client, &base, &head).await;
    assert_eq!(not_reached(&after, "00004-01"), ["Nguyễn Văn Hộ Một"]);

    // Only the author sees it; the proxy answer is in the audit log.
    let other = login(&client, &base, "truongto2.badinh").await;
    assert_eq!(
        households(&client, &base, &other).await.0,
        StatusCode::FORBIDDEN
    );
    let editor = login(&client, &base, "bientap.badinh").await;
    assert_eq!(
        households(&client, &base, &editor).await.0,
        StatusCode::FORBIDDEN
    );
    let admin = login(&client, &base, "quantri.badinh").await;
    let audit = get_json(
        &client,
        &format!("{base}/api/v1/official/audit"),
        Some(&admin),
    )
    .await;
    let audit = audit.as_array().unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e["action"] == "announcement.ack_by_proxy"
                && e["target"] == PUBLISHED
                && e["username"] == "truongto1.badinh"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_published_announcement_is_shared_as_a_link_a_qr_code_and_a_calendar_event() {
    use congdan_tests::cli::{congdan, ok, stdout};
    const SUBMITTED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a02";
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();
    let dir = tempfile::tempdir().unwrap();
    let resident = dir.path().join("resident.db");
    ok(congdan(
        &resident,
        &["--server", &base, "set-unit", "00004"],
    ));
    ok(congdan(&resident, &["set-unit", "00004-01"]));
    ok(congdan(&resident, &["announcements", "--json"]));

    let ics = stdout(&ok(congdan(&resident, &["announce", "ics", PUBLISHED])));
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains(&format!("UID:{PUBLISHED}@congdan")), "{ics}");
    assert!(
        ics.contains("LOCATION:Nhà văn hoá tổ dân phố số 1"),
        "{ics}"
    );
    assert!(ics.contains("DTSTART:"), "{ics}");

    let share: Value = serde_json::from_slice(
        &ok(congdan(
            &resident,
            &["announce", "share", PUBLISHED, "--json"],
        ))
        .stdout,
    )
    .unwrap();
    let url = share["url"].as_str().unwrap();
    assert_eq!(url, format!("{base}/api/v1/announcements/{PUBLISHED}"));
    let svg = share["qrSvg"].as_str().unwrap();
    assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");

    // The link is public and read-only, and shows only published announcements.
    let public: Value = client
        .get(url)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        public["title"],
        "Làm căn cước cho người cao tuổi tại nhà văn hoá"
    );
    assert!(
        public.get("acks").is_none() && public.get("author").is_none(),
        "{public}"
    );
    let hidden = client
        .get(format!("{base}/api/v1/announcements/{SUBMITTED}"))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    // Not cached on the device: a clear refusal.
    let out = congdan(&resident, &["announce", "share", SUBMITTED]);
    assert!(!out.status.success());
}
