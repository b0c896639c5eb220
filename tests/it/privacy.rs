//! Issue 13, privacy, against the real server binary over a real socket: the
//! device registration limit keys on the TCP peer address (axum `ConnectInfo`,
//! which only `serve` provides), bodies over a route's limit are 413, and
//! uploads need credentials.

use congdan_tests::server::TestServer;

#[tokio::test]
async fn registrations_from_one_address_are_rate_limited_with_retry_after() {
    let server = TestServer::seeded().await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/devices", server.url());
    // The default limit: 10 a minute per address.
    for n in 1..=10 {
        let answer = client.post(&url).send().await.unwrap();
        assert_eq!(answer.status(), 201, "registration {n}");
    }
    let refused = client.post(&url).send().await.unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
}

#[tokio::test]
async fn oversized_registration_and_anonymous_upload_are_refused() {
    let server = TestServer::seeded().await.unwrap();
    let client = reqwest::Client::new();
    let big = serde_json::json!({ "pad": "x".repeat(100_000) }).to_string();
    // A connection on which the server refused a body before reading it all is
    // closed by the server; a client of its own keeps the pooled one below
    // from being that connection.
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/devices", server.url()))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 413);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(body["code"].is_string(), "{body}");

    let upload = |auth: Option<String>| {
        let mut request = client
            .post(format!("{}/api/v1/uploads", server.url()))
            .header("upload-length", "100")
            .header("content-type", "image/jpeg");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    assert_eq!(upload(None).await.unwrap().status(), 401);
    let device: serde_json::Value = client
        .post(format!("{}/api/v1/devices", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = device["token"].as_str().unwrap();
    assert_eq!(
        upload(Some(format!("Bearer {token}")))
            .await
            .unwrap()
            .status(),
        201
    );
}
