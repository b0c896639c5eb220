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
        api_key: Some("test-key".into()),
    };
    let state = AppState::open(&config).expect("a fresh profile opens");
    let app = crate::with_commands(mock_builder())
        // The real context: the real capabilities must grant the "main" window each command.
        .build(tauri::generate_context!(test = true))
        .expect("mock app builds");
    app.manage(state);
    app
}

/// A mock app over a fresh profile (the directory lives as long as the app is used).
fn fresh_app() -> (tempfile::TempDir, tauri::App<tauri::test::MockRuntime>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = app_with_core(&dir);
    (dir, app)
}

/// The "main" window, the one the capabilities grant commands to.
fn main_window(
    app: &tauri::App<tauri::test::MockRuntime>,
) -> tauri::WebviewWindow<tauri::test::MockRuntime> {
    WebviewWindowBuilder::new(app, "main", Default::default())
        .build()
        .expect("the main window opens on the mock runtime")
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
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(&webview, request("get_home_unit", serde_json::json!({})));
    let body = res.expect("command succeeds");
    assert_eq!(
        body.deserialize::<serde_json::Value>().unwrap(),
        serde_json::Value::Null
    );
}

#[test]
fn unknown_unit_is_a_coded_error() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request("set_home_unit", serde_json::json!({ "code": "99999" })),
    );
    // Not in the (empty) store, so it is asked of the server, which cannot be reached.
    let err = res.expect_err("an unknown unit is refused");
    assert_eq!(err["code"], "offline");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn procedure_search_on_empty_cache_returns_no_hits() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
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
fn procedure_home_on_empty_cache_is_empty() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(&webview, request("procedure_home", serde_json::json!({})));
    let body: serde_json::Value = res.expect("home succeeds").deserialize().unwrap();
    assert_eq!(body["total"], 0);
    for list in ["popular", "events", "recent", "saved"] {
        assert_eq!(body[list], serde_json::json!([]), "{list}");
    }
}

#[test]
fn saving_an_unknown_procedure_is_a_coded_error() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request(
            "set_procedure_saved",
            serde_json::json!({ "code": "9.999999", "saved": true }),
        ),
    );
    let err = res.expect_err("an unknown procedure cannot be saved");
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    // Unsaving needs no stored procedure: it succeeds with nothing to return.
    let res = get_ipc_response(
        &webview,
        request(
            "set_procedure_saved",
            serde_json::json!({ "code": "9.999999", "saved": false }),
        ),
    );
    let body: serde_json::Value = res.expect("unsave succeeds").deserialize().unwrap();
    assert_eq!(body, serde_json::Value::Null);
}

#[test]
fn retrying_a_row_that_does_not_exist_is_a_coded_error() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request("retry_outbox", serde_json::json!({ "id": 42 })),
    );
    let err = res.expect_err("no such row");
    assert_eq!(err["code"], "not_found");
}

#[test]
fn commands_are_refused_to_remote_pages() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let mut req = request("get_home_unit", serde_json::json!({}));
    req.url = "https://example.invalid/".parse().unwrap();
    let err = get_ipc_response(&webview, req).expect_err("a remote page may not call commands");
    assert!(
        err.as_str().is_some_and(|m| m.contains("not allowed")),
        "{err}"
    );
}

#[test]
fn connection_shows_the_server_and_a_key_fingerprint_never_the_key() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(&webview, request("get_connection", serde_json::json!({})));
    let body: serde_json::Value = res.expect("connection succeeds").deserialize().unwrap();
    assert_eq!(body["serverUrl"], "http://127.0.0.1:9");
    assert_eq!(body["apiKeyFingerprint"].as_str().map(str::len), Some(8));
    assert!(!body.to_string().contains("test-key"));
}

#[test]
fn an_unreachable_server_is_not_saved() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request(
            "set_server_url",
            serde_json::json!({ "url": "http://127.0.0.1:1" }),
        ),
    );
    let err = res.expect_err("nothing listens on port 1");
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"]
            .as_str()
            .is_some_and(|m| m.contains("Không kết nối được")),
        "{err}"
    );
    let res = get_ipc_response(&webview, request("get_connection", serde_json::json!({})));
    let body: serde_json::Value = res.expect("connection succeeds").deserialize().unwrap();
    assert_eq!(body["serverUrl"], "http://127.0.0.1:9");
}

#[test]
fn the_image_budget_is_shown_changed_and_checked() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let usage = get_ipc_response(&webview, request("media_usage", serde_json::json!({})))
        .expect("command succeeds")
        .deserialize::<serde_json::Value>()
        .unwrap();
    assert_eq!(usage["budgetMb"], 100);
    assert_eq!(usage["images"], 0);
    let set = get_ipc_response(
        &webview,
        request("set_media_budget", serde_json::json!({ "megabytes": 250 })),
    )
    .expect("a budget in range is kept")
    .deserialize::<serde_json::Value>()
    .unwrap();
    assert_eq!(set["budgetMb"], 250);
    let err = get_ipc_response(
        &webview,
        request("set_media_budget", serde_json::json!({ "megabytes": 1 })),
    )
    .expect_err("too small a budget is refused");
    assert_eq!(err["code"], "invalid_input");
    let cleared = get_ipc_response(&webview, request("clear_media", serde_json::json!({})))
        .expect("command succeeds")
        .deserialize::<serde_json::Value>()
        .unwrap();
    assert_eq!(cleared["usedKib"], 0);
}

#[test]
fn no_official_session_on_a_fresh_profile() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request("get_official_session", serde_json::json!({})),
    );
    let body = res.expect("command succeeds");
    assert_eq!(
        body.deserialize::<serde_json::Value>().unwrap(),
        serde_json::Value::Null
    );
    // Official tools without a login: a coded error the UI turns into the login form.
    let res = get_ipc_response(&webview, request("officer_inbox", serde_json::json!({})));
    let err = res.expect_err("no session");
    assert_eq!(err["code"], "not_logged_in");
}

#[test]
fn acknowledging_without_a_home_unit_is_a_coded_error() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request(
            "ack_announcement",
            serde_json::json!({ "id": "x", "kind": "not_going", "reason": null }),
        ),
    );
    let err = res.expect_err("no reason");
    assert_eq!(err["code"], "invalid_input");
    let res = get_ipc_response(
        &webview,
        request(
            "ack_announcement",
            serde_json::json!({ "id": "x", "kind": "seen", "reason": null }),
        ),
    );
    let err = res.expect_err("no home unit");
    assert_eq!(err["code"], "not_configured");
    // The cached list needs a home unit too.
    let res = get_ipc_response(
        &webview,
        request("list_announcements", serde_json::json!({})),
    );
    assert_eq!(res.expect_err("no home unit")["code"], "not_configured");
}

#[test]
fn a_notification_without_a_notification_service_is_false_not_an_error() {
    let (_dir, app) = fresh_app();
    let webview = main_window(&app);
    let res = get_ipc_response(
        &webview,
        request(
            "notify",
            serde_json::json!({"title": "Cảnh báo: Bão số 3", "body": "Ở trong nhà."}),
        ),
    )
    .expect("notify answers");
    assert!(!res.deserialize::<bool>().unwrap());
}
