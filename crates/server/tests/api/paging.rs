//! Change-feed paging: since/next/more, tombstones, upsert semantics, ETag/304.

use congdan_server::storage::Resource;

use crate::support::{procedure, test_app};

fn codes(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["code"].as_str().unwrap().to_owned())
        .collect()
}

fn deleted(page: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(page["deleted"].clone()).unwrap()
}

#[tokio::test]
async fn pages_follow_next_until_more_is_false() {
    let t = test_app().await;
    let all: Vec<_> = (1..=5)
        .map(|n| procedure(&format!("1.00000{n}"), &format!("Thủ tục {n}")))
        .collect();
    t.storage.upsert_procedures(all).await.unwrap();

    let mut since = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let answer = t
            .get(&format!("/api/v1/procedures?since={since}&limit=2"))
            .await;
        assert_eq!(answer.status, 200);
        let page = answer.json();
        pages += 1;
        seen.extend(codes(&page));
        since = page["next"].as_str().unwrap().to_owned();
        if !page["more"].as_bool().unwrap() {
            break;
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        ["1.000001", "1.000002", "1.000003", "1.000004", "1.000005"]
    );
    assert_eq!(since, "5");

    // Nothing after the end: an empty page that keeps the cursor.
    let page = t
        .get(&format!("/api/v1/procedures?since={since}"))
        .await
        .json();
    assert_eq!(codes(&page), Vec::<String>::new());
    assert_eq!(page["next"], "5");
    assert_eq!(page["more"], false);
}

#[tokio::test]
async fn unchanged_upsert_keeps_seq_and_changed_gets_a_new_one() {
    let t = test_app().await;
    let first = vec![procedure("1.000001", "A"), procedure("1.000002", "B")];
    let counts = t.storage.upsert_procedures(first.clone()).await.unwrap();
    assert_eq!(counts.inserted, 2);
    let cursor = t.get("/api/v1/procedures").await.json()["next"].clone();

    let counts = t.storage.upsert_procedures(first).await.unwrap();
    assert_eq!(
        (counts.inserted, counts.updated, counts.unchanged),
        (0, 0, 2)
    );
    let page = t
        .get(&format!(
            "/api/v1/procedures?since={}",
            cursor.as_str().unwrap()
        ))
        .await
        .json();
    assert!(codes(&page).is_empty());

    let counts = t
        .storage
        .upsert_procedures(vec![procedure("1.000001", "A đã sửa")])
        .await
        .unwrap();
    assert_eq!(counts.updated, 1);
    let page = t
        .get(&format!(
            "/api/v1/procedures?since={}",
            cursor.as_str().unwrap()
        ))
        .await
        .json();
    assert_eq!(codes(&page), ["1.000001"]);
    assert_eq!(page["items"][0]["name"], "A đã sửa");
}

#[tokio::test]
async fn tombstones_appear_after_delete_and_vanish_on_reinsert() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(vec![procedure("1.000001", "A"), procedure("1.000002", "B")])
        .await
        .unwrap();
    let cursor = t.get("/api/v1/procedures").await.json()["next"]
        .as_str()
        .unwrap()
        .to_owned();

    assert!(
        t.storage
            .delete(Resource::Procedures, "1.000001".into())
            .await
            .unwrap()
    );
    assert!(
        !t.storage
            .delete(Resource::Procedures, "9.999999".into())
            .await
            .unwrap()
    );

    let page = t
        .get(&format!("/api/v1/procedures?since={cursor}"))
        .await
        .json();
    assert!(codes(&page).is_empty());
    assert_eq!(deleted(&page), ["1.000001"]);
    assert_eq!(page["next"], "3");

    // A full pull from scratch still reports the deletion, after the live rows.
    let page = t.get("/api/v1/procedures").await.json();
    assert_eq!(codes(&page), ["1.000002"]);
    assert_eq!(deleted(&page), ["1.000001"]);

    let answer = t.get("/api/v1/procedures/1.000001").await;
    assert_eq!(answer.status, 404);

    t.storage
        .upsert_procedures(vec![procedure("1.000001", "A")])
        .await
        .unwrap();
    let page = t
        .get(&format!("/api/v1/procedures?since={cursor}"))
        .await
        .json();
    assert_eq!(codes(&page), ["1.000001"]);
    assert!(deleted(&page).is_empty());
}

#[tokio::test]
async fn items_and_tombstones_merge_in_seq_order_across_pages() {
    let t = test_app().await;
    // seq 1..=4 items, then delete 2 (seq 5), insert 5 (seq 6), delete 3 (seq 7).
    t.storage
        .upsert_procedures(
            (1..=4)
                .map(|n| procedure(&format!("1.00000{n}"), "x"))
                .collect(),
        )
        .await
        .unwrap();
    t.storage
        .delete(Resource::Procedures, "1.000002".into())
        .await
        .unwrap();
    t.storage
        .upsert_procedures(vec![procedure("1.000005", "x")])
        .await
        .unwrap();
    t.storage
        .delete(Resource::Procedures, "1.000003".into())
        .await
        .unwrap();

    let page = t.get("/api/v1/procedures?since=3&limit=2").await.json();
    assert_eq!(codes(&page), ["1.000004"]);
    assert_eq!(deleted(&page), ["1.000002"]);
    assert_eq!(page["next"], "5");
    assert_eq!(page["more"], true);

    let page = t.get("/api/v1/procedures?since=5&limit=2").await.json();
    assert_eq!(codes(&page), ["1.000005"]);
    assert_eq!(deleted(&page), ["1.000003"]);
    assert_eq!(page["next"], "7");
    assert_eq!(page["more"], false);
}

#[tokio::test]
async fn etag_gives_304_until_something_changes() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(vec![procedure("1.000001", "A")])
        .await
        .unwrap();
    let first = t.get("/api/v1/procedures").await;
    assert_eq!(first.status, 200);
    let etag = first.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, "W/\"procedures-1\"");
    assert_eq!(first.headers["cache-control"], "no-cache");

    let again = t
        .get_with("/api/v1/procedures?since=1", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.headers["etag"].to_str().unwrap(), etag);

    t.storage
        .delete(Resource::Procedures, "1.000001".into())
        .await
        .unwrap();
    let changed = t
        .get_with("/api/v1/procedures?since=1", &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.headers["etag"], "W/\"procedures-2\"");
    assert_eq!(deleted(&changed.json()), ["1.000001"]);
}

#[tokio::test]
async fn units_feed_and_empty_database() {
    let t = test_app().await;
    let empty = t.get("/api/v1/units").await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.headers["etag"], "W/\"units-0\"");
    assert_eq!(empty.json()["next"], "0");

    t.seed_units().await;
    let page = t.get("/api/v1/units?limit=1000").await.json();
    let units: Vec<congdan_protocol::Unit> = serde_json::from_value(page["items"].clone()).unwrap();
    assert_eq!(units.len(), 5);
    assert_eq!(units[2].parent.as_deref(), Some("01"));
}

/// Issue 12: a device without the unit feed asks for one unit, the provinces, or
/// the communes of one province.
#[tokio::test]
async fn unit_snapshots_by_code_province_list_and_communes() {
    let t = test_app().await;
    t.seed_units().await;
    let one = t.get("/api/v1/units/00001").await;
    assert_eq!(one.status, 200);
    let unit: congdan_protocol::Unit = serde_json::from_slice(&one.body).unwrap();
    assert_eq!(unit.parent.as_deref(), Some("01"));
    let etag = one.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, "W/\"units-5\"");
    let again = t
        .get_with("/api/v1/units/00001", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);

    let codes = |answer: &crate::support::Answer| -> Vec<String> {
        let units: Vec<congdan_protocol::Unit> = serde_json::from_slice(&answer.body).unwrap();
        units.into_iter().map(|u| u.code).collect()
    };
    let provinces = t.get("/api/v1/provinces").await;
    assert_eq!(provinces.status, 200);
    assert_eq!(codes(&provinces), ["01", "79"]);
    let communes = t.get("/api/v1/provinces/01/communes").await;
    assert_eq!(codes(&communes), ["00001", "00002"]);

    for missing in [
        "/api/v1/units/99999",
        "/api/v1/provinces/99/communes",
        "/api/v1/provinces/00001/communes",
    ] {
        let answer = t.get(missing).await;
        assert_eq!(answer.status, 404, "{missing}");
        assert_eq!(answer.json()["code"], "unknown_unit", "{missing}");
    }
}

#[tokio::test]
async fn full_page_of_a_thousand_procedures() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(
            (0..1500)
                .map(|n| procedure(&format!("2.{n:06}"), "Thủ tục"))
                .collect(),
        )
        .await
        .unwrap();
    let page = t.get("/api/v1/procedures?limit=5000").await.json();
    let items: Vec<congdan_protocol::Procedure> =
        serde_json::from_value(page["items"].clone()).unwrap();
    assert_eq!(items.len(), 1000);
    assert_eq!(page["more"], true);
    assert_eq!(page["next"], "1000");
}

#[tokio::test]
async fn one_procedure_is_served_as_stored() {
    let t = test_app().await;
    let p = procedure("1.000009", "Đăng ký khai sinh");
    t.storage.upsert_procedures(vec![p.clone()]).await.unwrap();
    let answer = t.get("/api/v1/procedures/1.000009").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-type"], "application/json");
    let got: congdan_protocol::Procedure = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(got, p);
}
