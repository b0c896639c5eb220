//! Feedback triage (issue 10) against the real server binary: a request that
//! an outside Open311 client sends without a unit lands in the commune whose
//! centre is nearest its location, else in the configured default unit, else
//! in the national triage queue that admins see; officers route it on or
//! assign it to a person, and every step is in the audit log.

use congdan_tests::DEMO_API_KEY;
use congdan_tests::server::{DEMO_PASSWORD, TestServer, get_json, login, post_request};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// An Open311 request without a unit, at `place` when given; its id.
async fn without_unit(client: &Client, base: &str, place: Option<(&str, &str)>) -> String {
    let mut form = vec![
        ("api_key", DEMO_API_KEY),
        ("service_code", "hoi-dap-thu-tuc"),
        ("attribute[cau_hoi]", "Hồ sơ cần gì?"),
    ];
    match place {
        Some((lat, long)) => form.extend([("lat", lat), ("long", long)]),
        None => form.push(("address_string", "Không rõ địa chỉ")),
    }
    post_request(client, base, &form).await
}

/// The officer's inbox (`GET /api/v1/officer/requests`).
async fn inbox(client: &Client, base: &str, token: &str) -> Vec<Value> {
    let list = get_json(
        client,
        &format!("{base}/api/v1/officer/requests"),
        Some(token),
    )
    .await;
    list.as_array()
        .cloned()
        .unwrap_or_else(|| panic!("inbox: {list}"))
}

fn find<'a>(list: &'a [Value], id: &str) -> Option<&'a Value> {
    list.iter()
        .find(|item| item["request"]["service_request_id"] == id)
}

async fn assign(
    client: &Client,
    base: &str,
    token: &str,
    id: &str,
    body: Value,
) -> (StatusCode, Value) {
    let answer = client
        .post(format!("{base}/api/v1/officer/requests/{id}/assign"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_request_without_a_unit_goes_to_the_nearest_commune_or_the_default_unit() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "default_unit = \"00070\"\n").unwrap();
    let server = TestServer::seeded_with(&["--config", config.to_str().unwrap()])
        .await
        .unwrap();
    let base = server.url();
    let client = Client::new();

    // Beside Ba Đình's centroid, beside Ngọc Hà's, in Đà Nẵng, then out at sea.
    let near_ba_dinh = without_unit(&client, &base, Some(("21.0370", "105.8350"))).await;
    let near_ngoc_ha = without_unit(&client, &base, Some(("21.0421", "105.8229"))).await;
    let da_nang = without_unit(&client, &base, Some(("16.0544", "108.2022"))).await;
    let far_away = without_unit(&client, &base, Some(("12.0000", "114.0000"))).await;
    let nowhere = without_unit(&client, &base, None).await;
    let unit_of = |id: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let found: Value = client
                .get(format!("{base}/open311/v2/requests/{id}.json"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            found[0]["unit"].as_str().map(str::to_owned)
        }
    };
    assert_eq!(
        unit_of(near_ba_dinh.clone()).await.as_deref(),
        Some("00004")
    );
    assert_eq!(unit_of(near_ngoc_ha).await.as_deref(), Some("00008"));
    // Every commune of the country has a centroid: Hải Châu's point stays in Đà Nẵng.
    let in_da_nang = unit_of(da_nang).await.unwrap();
    let province: Value = client
        .get(format!("{base}/api/v1/units/{in_da_nang}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(province["parent"], "48", "{province}");
    assert_eq!(unit_of(far_away).await.as_deref(), Some("00070"));
    assert_eq!(unit_of(nowhere).await.as_deref(), Some("00070"));

    // Ba Đình's officer sees it marked for triage, and routes it to Ngọc Hà.
    let officer = login(&client, &base, "canbo.badinh").await;
    let list = inbox(&client, &base, &officer).await;
    let item = find(&list, &near_ba_dinh).expect("in Ba Đình's inbox");
    assert_eq!(item["triage"], true, "{item}");
    let (status, routed) = assign(
        &client,
        &base,
        &officer,
        &near_ba_dinh,
        json!({"unit": "00008"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{routed}");
    assert_eq!(routed["triage"], false);
    assert_eq!(routed["request"]["unit"], "00008");
    assert_eq!(routed["request"]["agency_responsible"], "Phường Ngọc Hà");
    assert!(find(&inbox(&client, &base, &officer).await, &near_ba_dinh).is_none());
    // Now it is Ngọc Hà's: Ba Đình can no longer touch it.
    let (status, _) = assign(
        &client,
        &base,
        &officer,
        &near_ba_dinh,
        json!({"unit": "00004"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_national_queue_is_for_admins_and_assignment_is_checked_and_audited() {
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();
    let lost = without_unit(&client, &base, None).await;

    let officer = login(&client, &base, "canbo.badinh").await;
    let admin = login(&client, &base, "quantri.badinh").await;
    assert!(find(&inbox(&client, &base, &officer).await, &lost).is_none());
    let list = inbox(&client, &base, &admin).await;
    let item = find(&list, &lost).expect("in the national queue of an admin");
    assert_eq!(item["triage"], true);
    assert!(item["request"]["unit"].is_null(), "{item}");
    let (status, _) = assign(&client, &base, &officer, &lost, json!({"unit": "00004"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Exactly one target; the unit must exist.
    let (status, _) = assign(&client, &base, &admin, &lost, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = assign(&client, &base, &admin, &lost, json!({"unit": "99999"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, routed) = assign(&client, &base, &admin, &lost, json!({"unit": "00004"})).await;
    assert_eq!(status, StatusCode::OK, "{routed}");
    assert_eq!(routed["triage"], false);

    // A person: an officer whose unit covers the request's, not an editor.
    let (status, _) = assign(
        &client,
        &base,
        &officer,
        &lost,
        json!({"assignee": "bientap.badinh"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, mine) = assign(
        &client,
        &base,
        &officer,
        &lost,
        json!({"assignee": "canbo.badinh"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["assignee"]["username"], "canbo.badinh");
    let item = find(&inbox(&client, &base, &officer).await, &lost)
        .cloned()
        .expect("in Ba Đình's inbox now");
    assert_eq!(item["assignee"], mine["assignee"]);
    let notes: Vec<&str> = item["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|step| step["note"].as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("Chuyển đến Phường Ba Đình")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("Giao cho ")),
        "{notes:?}"
    );

    // A status change is audited too; every write names the request.
    let answer = client
        .post(format!("{base}/api/v1/officer/requests/{lost}/status"))
        .bearer_auth(&officer)
        .json(&json!({"status": "in_progress"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let audit = get_json(
        &client,
        &format!("{base}/api/v1/official/audit"),
        Some(&admin),
    )
    .await;
    let audit = audit.as_array().unwrap();
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .filter(|entry| entry["target"] == lost.as_str())
        .map(|entry| {
            (
                entry["action"].as_str().unwrap_or(""),
                entry["detail"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("request.status", "in_progress"),
            ("request.assign", "assignee:canbo.badinh"),
            ("request.assign", "unit:00004"),
        ]
    );
}

#[tokio::test]
async fn an_officer_routes_and_assigns_from_the_cli() {
    use congdan_tests::cli::{congdan, ok, stdout};
    let server = TestServer::seeded().await.unwrap();
    let base = server.url();
    let client = Client::new();
    let id = without_unit(&client, &base, Some(("21.0370", "105.8350"))).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("officer.db");
    ok(congdan_tests::cli::login(
        &db,
        &base,
        "canbo.badinh",
        DEMO_PASSWORD,
    ));

    let inbox: Value =
        serde_json::from_slice(&ok(congdan(&db, &["inbox", "--json"])).stdout).unwrap();
    let item = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["request"]["request"]["service_request_id"] == id.as_str())
        .expect("the triaged request is in the inbox");
    assert_eq!(item["request"]["triage"], true);

    // A bad target is refused in Vietnamese and changes nothing.
    let out = congdan(&db, &["assign", &id, "--to", "bientap.badinh"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Chỉ giao được cho cán bộ"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ok(congdan(&db, &["assign", &id, "--to", "canbo.badinh"]));
    assert!(
        stdout(&out).contains("Đã giao phản ánh"),
        "{}",
        stdout(&out)
    );
    let out = ok(congdan(&db, &["assign", &id, "--unit", "00008"]));
    assert!(
        stdout(&out).contains("Đã chuyển phản ánh") && stdout(&out).contains("Phường Ngọc Hà"),
        "{}",
        stdout(&out)
    );
}
