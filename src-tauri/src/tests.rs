//! Wiring tests on Tauri's mock runtime with the app's real capabilities: commands are
//! registered, allowed for the main window, reach the core, and errors arrive as `{code, message}`. Behaviour itself is tested in congdan-core.

use crate::state::{AppState, ProfileConfig};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

fn app_with_core(dir: &tempfile::TempDir) -> tauri::App<tauri::test::MockRuntime> {
    let config = ProfileConfig {
        db_path: dir.path().join("t.db"),
        server_url: Some("http://127.0.0.1:9".into()),
    };
    let state = AppState::open(&config).expect("a fresh profile opens");
    let app = crate::with_commands(mock_builder())
        // The real context: the real capabilities must grant the "main" window each command.
        .build(tauri::generate_context!(test = true))
        .expect("mock app builds");
    app.manage(state);
    app
}

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("static url"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn home_unit_is_null_before_onboarding() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_core(&dir);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let res = get_ipc_response(&webview, request("get_home_unit", serde_json::json!({})));
    let body = res.expect("command succeeds");
    assert_eq!(
        body.deserialize::<serde_json::Value>().unwrap(),
        serde_json::Value::Null
    );
}

#[test]
fn unknown_unit_is_a_coded_error() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_core(&dir);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let res = get_ipc_response(
        &webview,
        request("set_home_unit", serde_json::json!({ "code": "99999" })),
    );
    let err = res.expect_err("an unknown unit is refused");
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn procedure_search_on_empty_cache_returns_no_hits() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_core(&dir);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let res = get_ipc_response(
        &webview,
        request(
            "search_procedures",
            serde_json::json!({ "query": { "text": "khai sinh", "level": null, "field": null, "limit": 20 } }),
        ),
    );
    let body: serde_json::Value = res.expect("search succeeds").deserialize().unwrap();
    assert_eq!(body["total"], 0);
}

#[test]
fn commands_are_refused_to_remote_pages() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with_core(&dir);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let mut req = request("get_home_unit", serde_json::json!({}));
    req.url = "https://example.invalid/".parse().unwrap();
    let err = get_ipc_response(&webview, req).expect_err("a remote page may not call commands");
    assert!(
        err.as_str().is_some_and(|m| m.contains("not allowed")),
        "{err}"
    );
}
