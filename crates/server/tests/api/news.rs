//! News scoping: a unit sees its own news, its province's and national (`VN`) news.

use congdan_server::storage::Resource;

use crate::support::{TestApp, news, test_app};

fn ids(page: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn seeded() -> TestApp {
    let t = test_app().await;
    t.seed_units().await;
    t.storage
        .upsert_news(vec![
            news("own", "00001"),
            news("province", "01"),
            news("national", "VN"),
            news("sibling", "00002"),
            news("other-province", "79"),
            news("other-commune", "26734"),
        ])
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn commune_sees_itself_its_province_and_national() {
    let t = seeded().await;
    let answer = t.get("/api/v1/news?unit=00001").await;
    assert_eq!(answer.status, 200);
    assert_eq!(ids(&answer.json()), ["national", "own", "province"]);
    let etag = answer.headers["etag"].to_str().unwrap();
    assert!(etag.starts_with("W/\"news-"), "{etag}");

    assert_eq!(
        ids(&t.get("/api/v1/news?unit=01").await.json()),
        ["national", "province"]
    );
    assert_eq!(
        ids(&t.get("/api/v1/news?unit=VN").await.json()),
        ["national"]
    );
    assert_eq!(
        ids(&t.get("/api/v1/news?unit=26734").await.json()),
        ["national", "other-commune", "other-province"]
    );
}

#[tokio::test]
async fn news_tombstones_and_etags_are_scoped() {
    let t = seeded().await;
    let mine = t.get("/api/v1/news?unit=00001").await;
    let my_etag = mine.headers["etag"].to_str().unwrap().to_owned();
    let my_cursor = mine.json()["next"].as_str().unwrap().to_owned();

    // A change elsewhere neither shows up nor breaks my 304.
    t.storage
        .delete(Resource::News, "sibling".into())
        .await
        .unwrap();
    t.storage
        .upsert_news(vec![news("late", "79")])
        .await
        .unwrap();
    let answer = t
        .get_with(
            &format!("/api/v1/news?unit=00001&since={my_cursor}"),
            &[("if-none-match", &my_etag)],
        )
        .await;
    assert_eq!(answer.status, 304);
    let page = t
        .get(&format!("/api/v1/news?unit=00001&since={my_cursor}"))
        .await
        .json();
    assert!(ids(&page).is_empty());
    assert_eq!(page["deleted"], serde_json::json!([]));

    // A deletion in my province reaches me.
    t.storage
        .delete(Resource::News, "province".into())
        .await
        .unwrap();
    let answer = t
        .get_with(
            &format!("/api/v1/news?unit=00001&since={my_cursor}"),
            &[("if-none-match", &my_etag)],
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["deleted"], serde_json::json!(["province"]));
}

#[tokio::test]
async fn unit_is_required_and_must_exist() {
    let t = seeded().await;
    for uri in ["/api/v1/news", "/api/v1/news?unit="] {
        let answer = t.get(uri).await;
        assert_eq!(answer.status, 400, "{uri}");
        assert_eq!(answer.json()["code"], "bad_request");
    }
    let answer = t.get("/api/v1/news?unit=99999").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.json()["code"], "unknown_unit");
}
