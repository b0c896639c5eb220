//! `POST /api/v1/check` (issue 12): one round trip says which change feeds
//! moved since the ETags a device stored, with the ETags the GETs send.

use serde_json::{Value, json};

use crate::support::{TestApp, news, test_app};

/// The ETag the GET of `uri` answers now.
async fn etag_of(t: &TestApp, uri: &str) -> String {
    let answer = t.get(uri).await;
    assert_eq!(answer.status, 200, "{uri}");
    answer.headers["etag"].to_str().unwrap().to_owned()
}

/// Every public feed of commune 00001 with the ETag its GET gives now.
async fn current_feeds(t: &TestApp) -> Vec<Value> {
    let mut feeds = Vec::new();
    for resource in ["units", "procedures"] {
        let etag = etag_of(t, &format!("/api/v1/{resource}")).await;
        feeds.push(json!({"resource": resource, "etag": etag}));
    }
    for resource in ["news", "outages", "alerts", "bulletins"] {
        let etag = etag_of(t, &format!("/api/v1/{resource}?unit=00001")).await;
        feeds.push(json!({"resource": resource, "unit": "00001", "etag": etag}));
    }
    feeds
}

async fn check(t: &TestApp, feeds: &[Value]) -> Vec<u64> {
    let answer = t
        .post_json("/api/v1/check", None, json!({ "feeds": feeds }))
        .await;
    assert_eq!(answer.status, 200);
    answer.json()["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|index| index.as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn unchanged_feeds_are_not_listed_and_a_news_write_is() {
    let t = test_app().await;
    t.seed_units().await;
    t.storage
        .upsert_news(vec![news("own", "00001")])
        .await
        .unwrap();
    let feeds = current_feeds(&t).await;
    assert_eq!(check(&t, &feeds).await, Vec::<u64>::new());

    // News of the province reaches the commune's feed; nothing else moves.
    t.storage
        .upsert_news(vec![news("province", "01")])
        .await
        .unwrap();
    assert_eq!(check(&t, &feeds).await, [2]);

    // A weak tag compares equal to its strong form, as with If-None-Match.
    let mut strong = current_feeds(&t).await;
    let tag = strong[2]["etag"].as_str().unwrap().trim_start_matches("W/");
    strong[2]["etag"] = json!(tag);
    assert_eq!(check(&t, &strong).await, Vec::<u64>::new());
}

#[tokio::test]
async fn an_unknown_unit_counts_as_changed() {
    let t = test_app().await;
    t.seed_units().await;
    let mut feeds = current_feeds(&t).await;
    for feed in &mut feeds[2..] {
        let etag = feed["etag"].as_str().unwrap().to_owned();
        *feed = json!({"resource": feed["resource"], "unit": "99999", "etag": etag});
    }
    assert_eq!(check(&t, &feeds).await, [2, 3, 4, 5]);
}

#[tokio::test]
async fn bad_bodies_are_400_with_an_error_body() {
    let t = test_app().await;
    t.seed_units().await;
    let tag = |resource: &str| json!({"resource": resource, "unit": "00001", "etag": "W/\"x-1\""});
    let too_many: Vec<Value> = (0..33).map(|_| tag("news")).collect();
    for (body, code) in [
        (json!({"feeds": too_many}), "invalid_input"),
        (json!({"feeds": [tag("requests")]}), "invalid_input"),
        (json!({"feeds": [{"resource": "news"}]}), "invalid_input"),
        (json!({"nothing": []}), "invalid_input"),
        (
            json!({"feeds": [{"resource": "news", "etag": "W/\"news-1\""}]}),
            "bad_request",
        ),
    ] {
        let answer = t.post_json("/api/v1/check", None, body.clone()).await;
        assert_eq!(answer.status, 400, "{body}");
        let error = answer.json();
        assert_eq!(error["code"], code, "{body}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let not_json = t
        .send(
            "POST",
            "/api/v1/check",
            &[("content-type", "application/json")],
            b"{\"feeds\": [".to_vec(),
        )
        .await;
    assert_eq!(not_json.status, 400);
    assert_eq!(not_json.json()["code"], "invalid_input");
    // Exactly the limit is fine.
    let most: Vec<Value> = (0..32).map(|_| tag("alerts")).collect();
    assert_eq!(check(&t, &most).await.len(), 32);
}
