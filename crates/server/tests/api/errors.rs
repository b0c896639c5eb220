//! Error answers: status, `{code, message}` JSON, Vietnamese messages.

use axum::body::Body;
use axum::http::Request;
use congdan_protocol::ErrorBody;
use tower::ServiceExt;

use crate::support::{Answer, test_app};

fn error_body(answer: &Answer) -> ErrorBody {
    assert_eq!(answer.headers["content-type"], "application/json");
    let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap();
    assert!(!body.message.is_empty());
    body
}

#[tokio::test]
async fn bad_since_and_limit_are_400_bad_request() {
    let t = test_app().await;
    for uri in [
        "/api/v1/procedures?since=abc",
        "/api/v1/procedures?since=-1",
        "/api/v1/procedures?limit=0",
        "/api/v1/procedures?limit=x",
        "/api/v1/units?since=1.5",
        "/api/v1/news?unit=VN&limit=-3",
    ] {
        let answer = t.get(uri).await;
        assert_eq!(answer.status, 400, "{uri}");
        let body = error_body(&answer);
        assert_eq!(body.code, "bad_request", "{uri}");
    }
    let body = error_body(&t.get("/api/v1/procedures?since=abc").await);
    assert!(body.message.contains("since"), "{}", body.message);
}

#[tokio::test]
async fn unknown_procedure_and_route_are_404_not_found() {
    let t = test_app().await;
    let answer = t.get("/api/v1/procedures/1.999999").await;
    assert_eq!(answer.status, 404);
    assert_eq!(error_body(&answer).code, "not_found");
    let answer = t.get("/api/v1/nothing-here").await;
    assert_eq!(answer.status, 404);
    assert_eq!(error_body(&answer).code, "not_found");
}

#[tokio::test]
async fn wrong_method_is_405_with_json_body() {
    let t = test_app().await;
    let response = t
        .app
        .clone()
        .oneshot(
            Request::post("/api/v1/procedures")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let bytes = axum::body::to_bytes(response.into_body(), 10_000)
        .await
        .unwrap();
    let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body.code, "bad_request");
}
