//! The server over a real socket: bind port 0, serve in a task, talk with reqwest
//! (which also checks that zstd bodies decode), then shut down gracefully.

use std::sync::Arc;

use congdan_server::AppState;
use congdan_server::storage::{ContentStorage, SqliteStorage};

use crate::support::procedure;

#[tokio::test]
async fn serves_over_a_real_socket_and_shuts_down() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(SqliteStorage::open(&dir.path().join("s.db")).unwrap());
    storage
        .upsert_procedures(
            (0..50)
                .map(|n| procedure(&format!("1.{n:06}"), "Thủ tục"))
                .collect(),
        )
        .await
        .unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(congdan_server::serve(
        listener,
        AppState::new(storage),
        async move {
            let _ = stopped.await;
        },
    ));

    let client = reqwest::Client::new();
    let health: congdan_protocol::Health = client
        .get(format!("http://{addr}/api/v1/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.status, "ok");

    let response = client
        .get(format!("http://{addr}/api/v1/procedures?limit=1000"))
        .header("accept-encoding", "zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("etag"));
    let page: congdan_protocol::Page<congdan_protocol::Procedure> = response.json().await.unwrap();
    assert_eq!(page.items.len(), 50);
    assert!(!page.more);

    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("server stops within the deadline")
        .unwrap()
        .unwrap();
}
