//! CAP alerts: the real CAP files ingest, hostile ones are refused and store
//! nothing, issued alerts reach the unit's feed and `.cap`, officers are
//! scoped, a Cancel deactivates, and the long poll answers when an alert comes.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use congdan_server::alerts::{Issuer, ingest, issue};
use serde_json::json;
use tower::ServiceExt;

use crate::support::{alert_input, test_app, unit};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sources/tests/fixtures/cap")
        .join(name);
    std::fs::read(path).unwrap()
}

fn operator() -> Issuer {
    Issuer {
        sender: "operator@congdan".to_owned(),
        name: "UBND".to_owned(),
    }
}

#[tokio::test]
async fn real_cap_files_ingest_and_hostile_ones_store_nothing() {
    let t = test_app().await;
    let now = chrono::Utc::now();
    for name in [
        "australia.cap",
        "canada.cap",
        "wcatwc-warning.cap",
        "v1dot2_appendix_adot1.xml",
        "v1dot2_appendix_adot2.xml",
        "v1dot2_appendix_adot3.xml",
        "v1dot2_appendix_adot4.xml",
    ] {
        let bytes = fixture(name);
        let report = ingest(t.storage.as_ref(), bytes.clone(), now)
            .await
            .unwrap();
        // Foreign alerts name no Vietnamese unit; the document is kept as received.
        assert!(report.units.is_empty(), "{name}");
        let stored = t.storage.cap_document(report.id).await.unwrap().unwrap();
        assert_eq!(stored.as_bytes(), bytes.as_slice(), "{name}");
    }
    let xxe = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>"#;
    let err = ingest(t.storage.as_ref(), xxe.to_vec(), now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DTD"), "{err}");
    let huge = vec![b' '; 50 * 1024 * 1024];
    let err = ingest(t.storage.as_ref(), huge, now).await.unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    let missing = br#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>"#;
    let err = ingest(t.storage.as_ref(), missing.to_vec(), now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("<sender> is required"), "{err}");
}

#[tokio::test]
async fn issued_alerts_reach_the_feed_and_cap_and_a_cancel_deactivates() {
    let t = test_app().await;
    t.seed_units().await;
    let report = issue(
        t.storage.as_ref(),
        alert_input("01"),
        &operator(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // A province stands for its communes.
    assert_eq!(report.units, ["00001", "00002"]);
    let page = t.get("/api/v1/alerts?unit=00001").await;
    assert_eq!(page.status, 200);
    let body = page.json();
    assert_eq!(body["items"][0]["severity"], "Severe");
    assert_eq!(body["items"][0]["msg_type"], "Alert");
    let cap = t.get(&format!("/api/v1/alerts/{}.cap", report.id)).await;
    assert_eq!(cap.status, 200);
    assert_eq!(
        cap.headers["content-type"],
        "application/cap+xml; charset=utf-8"
    );
    let parsed = congdan_sources::cap::parse(&cap.body).unwrap();
    assert_eq!(parsed.infos[0].event, "Bão số 3");
    assert_eq!(t.get("/api/v1/alerts/nope.cap").await.status, 404);
    assert_eq!(t.get("/api/v1/alerts/x").await.status, 404);

    let cancel = format!(
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>c1</identifier><sender>operator@congdan</sender><sent>2026-09-01T09:00:00+07:00</sent><status>Actual</status><msgType>Cancel</msgType><scope>Public</scope><references>operator@congdan,{},{}</references></alert>"#,
        parsed.identifier,
        parsed.sent.to_rfc3339()
    );
    ingest(t.storage.as_ref(), cancel.into_bytes(), chrono::Utc::now())
        .await
        .unwrap();
    let next = body["next"].as_str().unwrap();
    let after = t
        .get(&format!("/api/v1/alerts?unit=00001&since={next}"))
        .await
        .json();
    assert_eq!(after["items"][0]["msg_type"], "Cancel");
}

#[tokio::test]
async fn polygons_and_circles_take_the_units_whose_centroid_they_hold() {
    let t = test_app().await;
    // Real codes: Ba Đình and Ngọc Hà (Hà Nội), Bến Thành (HCMC); 00001 is a
    // made-up commune the embedded centroids do not know.
    t.storage
        .upsert_units(vec![
            unit("01", None),
            unit("79", None),
            unit("00001", Some("01")),
            unit("00004", Some("01")),
            unit("00008", Some("01")),
            unit("26743", Some("79")),
        ])
        .await
        .unwrap();
    let cap = r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>ngap-1</identifier><sender>kttv@congdan</sender><sent>2026-09-01T09:00:00+07:00</sent>
<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><language>vi-VN</language><category>Met</category><event>Ngập úng</event>
<urgency>Expected</urgency><severity>Moderate</severity><certainty>Likely</certainty>
<headline>Mưa lớn gây ngập</headline>
<area><areaDesc>Trung tâm Hà Nội</areaDesc>
<polygon>21.03,105.83 21.03,105.845 21.045,105.845 21.045,105.83 21.03,105.83</polygon></area>
<area><areaDesc>Quanh chợ Bến Thành</areaDesc><circle>10.7725,106.6980 1</circle></area>
</info></alert>"#;
    let report = ingest(
        t.storage.as_ref(),
        cap.as_bytes().to_vec(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // Ba Đình's centroid (21.0385, 105.8381) is in the box, Ngọc Hà's
    // (21.0381, 105.8163) west of it; Bến Thành is within the 1 km circle.
    assert_eq!(report.units, ["00004", "26743"]);
    let page = t.get("/api/v1/alerts?unit=26743").await.json();
    assert_eq!(page["items"][0]["headline"], "Mưa lớn gây ngập");
    let elsewhere = t.get("/api/v1/alerts?unit=00008").await.json();
    assert_eq!(elsewhere["items"], json!([]));
}

#[tokio::test]
async fn officers_issue_only_in_their_scope() {
    let t = test_app().await;
    t.seed_units().await;
    for (user, unit) in [("canbo.01", "01"), ("canbo.79", "26734")] {
        congdan_server::accounts::add_account(
            t.storage.as_ref(),
            user,
            "mat-khau-dai",
            "Cán bộ",
            congdan_protocol::Role::Officer,
            unit,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    let token = |user: &'static str| {
        let t = &t;
        async move {
            t.post_json(
                "/api/v1/auth/login",
                None,
                json!({"username": user, "password": "mat-khau-dai"}),
            )
            .await
            .json()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let body = serde_json::to_value(alert_input("00001")).unwrap();
    assert_eq!(
        t.post_json("/api/v1/officer/alerts", None, body.clone())
            .await
            .status,
        401
    );
    let outsider = token("canbo.79").await;
    let refused = t
        .post_json("/api/v1/officer/alerts", Some(&outsider), body.clone())
        .await;
    assert_eq!(refused.status, 403);
    let officer = token("canbo.01").await;
    let mut empty = body.clone();
    empty["headline"] = json!("  ");
    let invalid = t
        .post_json("/api/v1/officer/alerts", Some(&officer), empty)
        .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json()["message"],
        "Cần nêu sự kiện và tiêu đề cảnh báo."
    );
    let issued = t
        .post_json("/api/v1/officer/alerts", Some(&officer), body)
        .await;
    assert_eq!(issued.status, 200);
    assert_eq!(issued.json()[0]["sender"], "canbo.01@congdan");
}

#[tokio::test]
async fn the_long_poll_answers_when_an_alert_comes_and_304_when_none() {
    let t = test_app().await;
    t.seed_units().await;
    let first = t.get("/api/v1/alerts?unit=00001").await;
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    let started = Instant::now();
    let quiet = t
        .get_with(
            "/api/v1/alerts?unit=00001&wait=1",
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(quiet.status, 304);
    assert!(started.elapsed() >= Duration::from_millis(900));

    let app = t.app.clone();
    let waiting = tokio::spawn({
        let etag = etag.clone();
        async move {
            let response = app
                .oneshot(
                    Request::get("/api/v1/alerts?unit=00001&wait=20")
                        .header("if-none-match", etag)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            (response.status(), Instant::now())
        }
    });
    issue(
        t.storage.as_ref(),
        alert_input("00001"),
        &operator(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let issued_at = Instant::now();
    let (status, answered_at) = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the long poll answers well before its wait")
        .unwrap();
    assert_eq!(status, 200);
    assert!(answered_at.duration_since(issued_at) < Duration::from_secs(5));
    assert_eq!(t.get("/api/v1/alerts?unit=00001&wait=x").await.status, 400);
}
