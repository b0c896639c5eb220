//! `GET /api/v1/procedures/search`: the app's ranking, served for the web.

use congdan_server::storage::Resource;

use crate::support::{TestApp, procedure, test_app};

async fn seeded() -> TestApp {
    let t = test_app().await;
    let mut so_do = procedure(
        "1.012783",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    );
    so_do.aliases = vec!["sổ đỏ".into()];
    t.storage
        .upsert_procedures(vec![
            procedure("1.001193", "Thủ tục đăng ký khai sinh"),
            procedure("1.000894", "Thủ tục đăng ký kết hôn"),
            procedure("2.001159", "Thông báo lưu trú"),
            so_do,
        ])
        .await
        .unwrap();
    t
}

fn codes(body: &serde_json::Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn ranks_like_the_app_and_says_when_nothing_fits() {
    let t = seeded().await;
    let answer = t
        .get("/api/v1/procedures/search?q=dang%20ki%20ket%20hon")
        .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_eq!(codes(&body)[0], "1.000894");
    assert_eq!(body["weak"], false);
    assert_eq!(body["hits"][0]["name"], "Thủ tục đăng ký kết hôn");

    let body = t.get("/api/v1/procedures/search?q=c%E1%BA%A5p%20%C4%91%E1%BB%95i%20s%E1%BB%95%20%C4%91%E1%BB%8F").await.json();
    assert_eq!(
        codes(&body)[0],
        "1.012783",
        "the alias added at ingest is searched"
    );

    let body = t
        .get("/api/v1/procedures/search?q=thong%20bao%20luu%20tru%20cho%20khach%20thue%20phong&limit=1")
        .await
        .json();
    assert_eq!(
        codes(&body),
        ["2.001159"],
        "an extra word does not empty the list"
    );

    let body = t
        .get("/api/v1/procedures/search?q=mua%20ve%20may%20bay")
        .await
        .json();
    assert_eq!(body["weak"], true);
}

#[tokio::test]
async fn follows_catalogue_changes() {
    let t = seeded().await;
    assert_eq!(
        codes(&t.get("/api/v1/procedures/search?q=ket%20hon").await.json())[0],
        "1.000894"
    );
    t.storage
        .delete(Resource::Procedures, "1.000894".into())
        .await
        .unwrap();
    let body = t.get("/api/v1/procedures/search?q=ket%20hon").await.json();
    assert!(!codes(&body).contains(&"1.000894".to_string()));
}

#[tokio::test]
async fn bad_parameters_are_refused_in_vietnamese() {
    let t = seeded().await;
    for uri in [
        "/api/v1/procedures/search",
        "/api/v1/procedures/search?q=",
        "/api/v1/procedures/search?q=%20%20",
        "/api/v1/procedures/search?q=ket&limit=0",
        "/api/v1/procedures/search?q=ket&limit=101",
        "/api/v1/procedures/search?q=ket&limit=abc",
    ] {
        let answer = t.get(uri).await;
        assert_eq!(answer.status, 400, "{uri}");
        assert_eq!(answer.json()["code"], "bad_request", "{uri}");
    }
    let long = "a".repeat(501);
    assert_eq!(
        t.get(&format!("/api/v1/procedures/search?q={long}"))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn filters_and_a_typed_code() {
    let t = seeded().await;
    let body = t.get("/api/v1/procedures/search?q=1.000894").await.json();
    assert_eq!(codes(&body)[0], "1.000894", "a typed code goes first");
    let body = t
        .get("/api/v1/procedures/search?q=dang%20ky&level=C%E1%BA%A5p%20x%C3%A3")
        .await
        .json();
    assert!(!codes(&body).is_empty());
    let body = t
        .get("/api/v1/procedures/search?q=dang%20ky&level=C%E1%BA%A5p%20t%E1%BB%89nh")
        .await
        .json();
    assert!(
        codes(&body).is_empty(),
        "no procedure of that level: {body}"
    );
    let body = t
        .get("/api/v1/procedures/search?q=dang%20ky&field=Kh%C3%B4ng%20c%C3%B3")
        .await
        .json();
    assert!(codes(&body).is_empty(), "unknown field: {body}");
}
