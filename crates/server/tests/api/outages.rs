//! Power cuts: the per-unit change feed (scope, ETag/304, cancellation as a
//! change), ingest of the real schedules (idempotent, withdrawn cuts
//! cancelled, a bad file stores nothing), and the officers' entry point.

use congdan_server::outages::ingest;
use serde_json::{Value, json};

use crate::support::{TestApp, outage, test_app};

fn demo(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/demo/outages")
        .join(name);
    std::fs::read(path).unwrap()
}

async fn login(t: &TestApp, username: &str, unit: &str) -> String {
    congdan_server::accounts::add_account(
        t.storage.as_ref(),
        username,
        "mat-khau-dai",
        "Cán bộ",
        congdan_protocol::Role::Officer,
        unit,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let answer = t
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"username": username, "password": "mat-khau-dai"}),
        )
        .await;
    assert_eq!(answer.status, 200);
    answer.json()["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn feed_is_scoped_to_the_unit_with_etag_and_304() {
    let t = test_app().await;
    t.seed_units().await;
    t.storage
        .upsert_outages(vec![outage("a", "00001", 8), outage("a", "00002", 8)])
        .await
        .unwrap();
    let page = t.get("/api/v1/outages?unit=00001").await;
    assert_eq!(page.status, 200);
    let body = page.json();
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["id"], "a@00001");
    assert_eq!(body["items"][0]["start"], "2026-06-24T08:00:00+07:00");
    let etag = page.headers["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\"outages-"), "{etag}");
    let again = t
        .get_with("/api/v1/outages?unit=00001", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // A change in another unit keeps this unit's ETag; a cancellation here moves it.
    let mut other = outage("a", "00002", 8);
    other.reason = "Khác".to_owned();
    t.storage.upsert_outages(vec![other]).await.unwrap();
    let same = t
        .get_with("/api/v1/outages?unit=00001", &[("if-none-match", &etag)])
        .await;
    assert_eq!(same.status, 304);
    let mut cancelled = outage("a", "00001", 8);
    cancelled.status = congdan_protocol::OutageStatus::Cancelled;
    t.storage.upsert_outages(vec![cancelled]).await.unwrap();
    let next = body["next"].as_str().unwrap();
    let changed = t
        .get_with(
            &format!("/api/v1/outages?unit=00001&since={next}"),
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["items"][0]["status"], "cancelled");

    assert_eq!(t.get("/api/v1/outages").await.status, 400);
    assert_eq!(t.get("/api/v1/outages?unit=99999").await.status, 404);
}

#[tokio::test]
async fn real_schedules_ingest_idempotently_and_withdrawn_cuts_are_cancelled() {
    let t = test_app().await;
    let first = ingest(
        t.storage.as_ref(),
        demo("lam-dong-schedules-20260624.json"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(first.cuts, 57);
    assert!(first.counts.inserted > 57, "{first}");
    let again = ingest(
        t.storage.as_ref(),
        demo("lam-dong-schedules-20260624.json"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(again.counts.inserted + again.counts.updated, 0, "{again}");
    assert_eq!(again.cancelled, 0);

    // A newer schedule without the first entry, with another reason for the second.
    let mut entries: Vec<Value> =
        serde_json::from_slice(&demo("lam-dong-schedules-20260624.json")).unwrap();
    let dropped = entries.remove(0);
    entries[0]["reason"] = json!("Đầu tư xây dựng Trung, hạ áp");
    let newer = serde_json::to_vec(&entries).unwrap();
    let report = ingest(t.storage.as_ref(), newer.clone(), None)
        .await
        .unwrap();
    assert!(report.cancelled >= 1, "{report}");
    assert!(report.counts.updated > report.cancelled, "{report}");
    let rows = t
        .storage
        .outages(congdan_server::storage::outages::OutageFilter::Utilities(
            vec![dropped["district"].as_str().unwrap().to_owned()],
        ))
        .await
        .unwrap();
    let statuses: Vec<_> = rows.iter().map(|o| o.status.as_str()).collect();
    assert!(statuses.contains(&"cancelled"), "{statuses:?}");
    let repeat = ingest(t.storage.as_ref(), newer, None).await.unwrap();
    assert_eq!(
        repeat.counts.inserted + repeat.counts.updated,
        0,
        "{repeat}"
    );
}

#[tokio::test]
async fn a_refused_file_stores_nothing_and_names_the_problem() {
    let t = test_app().await;
    ingest(t.storage.as_ref(), demo("an-giang_power_outage.csv"), None)
        .await
        .unwrap();
    let before = t
        .storage
        .outages(congdan_server::storage::outages::OutageFilter::Utilities(
            vec!["Điện lực Huyện Châu Phú".to_owned()],
        ))
        .await
        .unwrap();
    assert!(!before.is_empty());
    let mut bad = demo("an-giang_power_outage.csv");
    let header_end = bad.iter().position(|&b| b == b'\n').unwrap();
    bad.splice(header_end..header_end, b",extra".iter().copied());
    let err = ingest(t.storage.as_ref(), bad, None).await.unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    let latin1 = b"power_company,date\n\xd0i\n".to_vec();
    let err = ingest(t.storage.as_ref(), latin1, None).await.unwrap_err();
    assert!(err.to_string().contains("byte 19 (line 2)"), "{err}");
    let after = t
        .storage
        .outages(congdan_server::storage::outages::OutageFilter::Utilities(
            vec!["Điện lực Huyện Châu Phú".to_owned()],
        ))
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn officers_enter_and_correct_cuts_in_their_scope_only() {
    let t = test_app().await;
    t.seed_units().await;
    let cut = json!({
        "units": ["00001", "00002"],
        "area": "Tổ 3, ấp Mỹ Hòa",
        "start": "2026-06-25T08:00:00+07:00",
        "end": "2026-06-25T11:00:00+07:00",
        "reason": "Thay trụ điện",
    });
    assert_eq!(
        t.post_json("/api/v1/officer/outages", None, cut.clone())
            .await
            .status,
        401
    );
    let outsider = login(&t, "canbo.79", "26734").await;
    let refused = t
        .post_json("/api/v1/officer/outages", Some(&outsider), cut.clone())
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["code"], "forbidden");

    let officer = login(&t, "canbo.01", "01").await;
    let mut backwards = cut.clone();
    backwards["end"] = json!("2026-06-25T07:00:00+07:00");
    let invalid = t
        .post_json("/api/v1/officer/outages", Some(&officer), backwards)
        .await;
    assert_eq!(invalid.status, 400);
    assert_eq!(
        invalid.json()["message"],
        "Giờ kết thúc phải sau giờ bắt đầu."
    );

    let saved = t
        .post_json("/api/v1/officer/outages", Some(&officer), cut.clone())
        .await;
    assert_eq!(saved.status, 200);
    let rows = saved.json();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["source"], "officer");
    assert_eq!(rows[0]["status"], "scheduled");
    let id = rows[0]["cut"].as_str().unwrap().to_owned();

    // Correction: one unit only, a later end; the dropped unit's row is cancelled.
    let mut fix = cut.clone();
    fix["cut"] = json!(id);
    fix["units"] = json!(["00001"]);
    fix["end"] = json!("2026-06-25T12:00:00+07:00");
    let fixed = t
        .post_json("/api/v1/officer/outages", Some(&officer), fix)
        .await;
    assert_eq!(fixed.status, 200);
    let page = t.get("/api/v1/outages?unit=00002").await.json();
    assert_eq!(page["items"][0]["status"], "cancelled");
    let page = t.get("/api/v1/outages?unit=00001").await.json();
    assert_eq!(page["items"][0]["status"], "changed");
    assert_eq!(page["items"][0]["end"], "2026-06-25T12:00:00+07:00");

    let mut unknown = cut;
    unknown["cut"] = json!("o-none");
    let missing = t
        .post_json("/api/v1/officer/outages", Some(&officer), unknown)
        .await;
    assert_eq!(missing.status, 404);
}
