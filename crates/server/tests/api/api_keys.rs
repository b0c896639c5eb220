//! Issue 13 (https://…/issues/13, "Configuration and credentials"): client
//! apps' Open311 keys are made, listed without the secret, and revoked; a
//! revoked or unknown key is refused with the Open311 error body; discovery
//! and the other public answers never show a key.

use axum::body::{Body, to_bytes};
use axum::http::Request;
use congdan_protocol::open311::Open311Error;
use congdan_server::api_keys::{self, ApiKeyError, DEMO_API_KEY};
use tower::ServiceExt;

use crate::support::{TestApp, test_app};

/// A valid request form with `key` as its `api_key`.
fn form(key: &str) -> String {
    format!("api_key={key}&service_code=hoi-dap-thu-tuc&address_string=x&attribute[cau_hoi]=y")
}

async fn post(t: &TestApp, uri: &str, body: String) -> (u16, String) {
    let response = t
        .app
        .clone()
        .oneshot(
            Request::post(uri)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn services_only() -> TestApp {
    let t = test_app().await;
    t.seed_units().await;
    congdan_server::commands::seed_services(t.storage.as_ref())
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn a_new_key_is_accepted_listed_without_its_secret_and_refused_once_revoked() {
    let t = services_only().await;
    let now = chrono::Utc::now();
    let key = api_keys::add(t.storage.as_ref(), "app-ba-dinh", now)
        .await
        .unwrap();
    assert!(matches!(
        api_keys::add(t.storage.as_ref(), "app-ba-dinh", now).await,
        Err(ApiKeyError::Exists(_))
    ));
    assert!(matches!(
        api_keys::add(t.storage.as_ref(), "Tên có dấu", now).await,
        Err(ApiKeyError::BadName(_))
    ));

    let listed = api_keys::list(t.storage.as_ref()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "app-ba-dinh");
    assert_eq!(listed[0].last_used_at, None);
    assert_eq!(listed[0].fingerprint.len(), 8);
    assert_eq!(key.len(), 64);
    assert!(!key.contains(&listed[0].fingerprint) || listed[0].fingerprint.len() < key.len());

    let (status, body) = post(&t, "/open311/v2/requests.json", form(&key)).await;
    assert_eq!(status, 201, "{body}");
    let listed = api_keys::list(t.storage.as_ref()).await.unwrap();
    assert!(listed[0].last_used_at.is_some(), "the use is recorded");

    api_keys::revoke(t.storage.as_ref(), "app-ba-dinh")
        .await
        .unwrap();
    assert!(api_keys::list(t.storage.as_ref()).await.unwrap().is_empty());
    for uri in ["/open311/v2/requests.json", "/open311/v2/requests.xml"] {
        let (status, body) = post(&t, uri, form(&key)).await;
        assert_eq!(status, 403, "{uri}: {body}");
        if uri.ends_with(".json") {
            let errors: Vec<Open311Error> = serde_json::from_str(&body).unwrap();
            assert_eq!(errors.len(), 1);
            assert!(errors[0].description.contains("api_key"), "{body}");
        } else {
            assert!(
                body.contains("<errors>") && body.contains("api_key"),
                "{body}"
            );
        }
    }
    assert!(matches!(
        api_keys::revoke(t.storage.as_ref(), "app-ba-dinh").await,
        Err(ApiKeyError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_plain_seed_has_no_demo_key_and_seed_demo_adds_it() {
    let t = services_only().await;
    let (status, _) = post(&t, "/open311/v2/requests.json", form(DEMO_API_KEY)).await;
    assert_eq!(status, 403, "no key is built into the server");
    assert!(api_keys::list(t.storage.as_ref()).await.unwrap().is_empty());

    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    // Seeding the demo twice keeps the one demo key.
    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    let names: Vec<String> = api_keys::list(t.storage.as_ref())
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, [api_keys::DEMO_KEY_NAME]);
    let (status, body) = post(&t, "/open311/v2/requests.json", form(DEMO_API_KEY)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn discovery_and_public_answers_reveal_no_key() {
    let t = services_only().await;
    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    let key = api_keys::add(t.storage.as_ref(), "app", chrono::Utc::now())
        .await
        .unwrap();
    let (status, _) = post(&t, "/open311/v2/requests.json", form(&key)).await;
    assert_eq!(status, 201);
    for uri in [
        "/open311/v2/discovery.json",
        "/open311/v2/discovery.xml",
        "/open311/v2/services.json",
        "/open311/v2/services/hoi-dap-thu-tuc.json",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/api/v1/health",
    ] {
        let answer = t.get(uri).await;
        assert_eq!(answer.status, 200, "{uri}");
        let text = String::from_utf8_lossy(&answer.body);
        for secret in [DEMO_API_KEY, key.as_str(), "api_key="] {
            assert!(!text.contains(secret), "{uri} shows {secret}: {text}");
        }
    }
    let discovery = t.get("/open311/v2/discovery.json").await.json();
    assert!(discovery["key_service"].as_str().unwrap().contains("UBND"));
}
