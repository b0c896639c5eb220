//! Configuration and credentials through the real binaries (issue 13): a plain
//! `seed` creates no account and no key, `seed --demo` creates the demo
//! officer and key; `api-key add/list/revoke` manage client apps' keys; the CLI
//! remembers `--api-key` like `--server`; `serve --config FILE` is read.

use std::process::{Command, Output};

use congdan_tests::cli::{LAMP_REPORT, congdan};
use congdan_tests::server::TestServer;
use congdan_tests::{DEMO_API_KEY, bin_path, workspace_root};

/// The standard output of a run that must have succeeded.
fn ok(out: Output) -> String {
    congdan_tests::cli::stdout(&congdan_tests::cli::ok(out))
}

/// `congdan-server ARGS`.
fn server_cmd(args: &[&str]) -> Output {
    Command::new(bin_path("congdan-server"))
        .args(args)
        .output()
        .expect("congdan-server runs")
}

/// POSTs a valid Open311 request with `key`; returns the status and body.
async fn post_request(server: &TestServer, key: &str) -> (u16, String) {
    let form = [
        ("api_key", key),
        ("service_code", "hoi-dap-thu-tuc"),
        ("address_string", "12 Đội Cấn"),
        ("attribute[cau_hoi]", "Hồ sơ cần gì?"),
    ];
    let answer = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", server.url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

async fn demo_login_status(server: &TestServer) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.url()))
        .json(&serde_json::json!({"username": "canbo.badinh", "password": "demo-2026"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_plain_seed_creates_no_officer_and_no_key_and_seed_demo_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let db_arg = db.to_str().unwrap();
    let data = workspace_root().join("crates/server/tests/fixtures/seed");
    ok(server_cmd(&[
        "seed",
        "--db",
        db_arg,
        data.to_str().unwrap(),
    ]));
    assert_eq!(ok(server_cmd(&["api-key", "list", "--db", db_arg])), "");

    let server = TestServer::start_on(&db).await.unwrap();
    assert_eq!(demo_login_status(&server).await, 401, "no demo officer");
    let (status, body) = post_request(&server, DEMO_API_KEY).await;
    assert_eq!(status, 403, "no demo key: {body}");
    assert!(body.contains("api_key"), "{body}");

    let out = ok(server_cmd(&[
        "seed",
        "--demo",
        "--db",
        db_arg,
        data.to_str().unwrap(),
    ]));
    assert!(out.contains("canbo.badinh"), "{out}");
    let list = ok(server_cmd(&["api-key", "list", "--db", db_arg]));
    assert!(list.starts_with("demo\t"), "{list}");
    assert!(!list.contains(DEMO_API_KEY), "the list never shows a key");
    assert_eq!(demo_login_status(&server).await, 200);
    let (status, body) = post_request(&server, DEMO_API_KEY).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn api_keys_are_added_listed_and_revoked_with_the_binary() {
    let server = TestServer::seeded().await.unwrap();
    let db = server.db().to_str().unwrap().to_owned();
    let key = ok(server_cmd(&[
        "api-key", "add", "--db", &db, "--name", "app-test",
    ]));
    let key = key.trim();
    assert_eq!(key.len(), 64, "{key}");
    let again = server_cmd(&["api-key", "add", "--db", &db, "--name", "app-test"]);
    assert!(!again.status.success(), "a name is used once");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    let (status, body) = post_request(&server, key).await;
    assert_eq!(status, 201, "{body}");
    let list = ok(server_cmd(&["api-key", "list", "--db", &db]));
    let line = list
        .lines()
        .find(|l| l.starts_with("app-test\t"))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(!line.contains("last used never"), "{line}");
    assert!(!list.contains(key));

    ok(server_cmd(&["api-key", "revoke", "--db", &db, "app-test"]));
    let (status, body) = post_request(&server, key).await;
    assert_eq!(status, 403, "{body}");
    let errors: Vec<congdan_protocol::open311::Open311Error> = serde_json::from_str(&body).unwrap();
    assert!(errors[0].description.contains("api_key"), "{body}");
    assert!(!ok(server_cmd(&["api-key", "list", "--db", &db])).contains("app-test"));
}

#[tokio::test]
async fn the_cli_remembers_its_api_key_like_its_server() {
    let server = TestServer::seeded().await.unwrap();
    let db_arg = server.db().to_str().unwrap().to_owned();
    let key = ok(server_cmd(&[
        "api-key", "add", "--db", &db_arg, "--name", "cli",
    ]));
    let key = key.trim();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("cli.db");

    ok(congdan(
        &profile,
        &["--server", &server.url(), "--api-key", key, "sync"],
    ));
    ok(congdan(&profile, &["set-unit", "00004"]));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(congdan(&profile, &["connection", "--json"]))).unwrap();
    assert_eq!(shown["serverUrl"], server.url().as_str());
    let fingerprint = shown["apiKeyFingerprint"].as_str().unwrap().to_owned();
    assert_eq!(fingerprint.len(), 8);
    assert!(!shown.to_string().contains(key), "never the key itself");

    // A later call without --api-key sends with the remembered key.
    ok(congdan(&profile, LAMP_REPORT));
    let list = ok(server_cmd(&["api-key", "list", "--db", &db_arg]));
    let line = list.lines().find(|l| l.starts_with("cli\t")).unwrap();
    assert!(
        line.contains(&fingerprint),
        "the app shows the listed fingerprint: {line}"
    );
    assert!(
        !line.contains("last used never"),
        "the key was used: {line}"
    );

    // `set-server` checks before it stores: a dead address changes nothing.
    let refused = congdan(&profile, &["set-server", "http://127.0.0.1:1"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Không kết nối được"));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(congdan(&profile, &["connection", "--json"]))).unwrap();
    assert_eq!(shown["serverUrl"], server.url().as_str());
}

#[tokio::test]
async fn serve_reads_its_configuration_file_and_flags_override_it() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        "listen = \"127.0.0.1:9\"\npublic_url = \"https://congdan.example.vn\"\n\
         default_unit = \"00004\"\n[limits]\nrequest_timeout_secs = 20\n",
    )
    .unwrap();
    // --db and --listen (given by the harness) override the file.
    let configured = TestServer::start_with(
        server.db(),
        "127.0.0.1:0",
        &["--config", config.to_str().unwrap()],
    )
    .await
    .unwrap();
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/open311/v2/discovery.json", configured.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        discovery["endpoints"][0]["url"],
        "https://congdan.example.vn/open311/v2"
    );
    // A request without a unit goes to the configured triage unit.
    let (status, body) = post_request(&configured, DEMO_API_KEY).await;
    assert_eq!(status, 201, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read: serde_json::Value = reqwest::get(format!(
        "{}/open311/v2/requests/{id}.json",
        configured.url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(read[0]["unit"], "00004", "{read}");

    // A bad file stops `serve` with a message naming the file and the key.
    std::fs::write(&config, "database = \"x.db\"\napi_key = \"secret\"\n").unwrap();
    let out = server_cmd(&["serve", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("server.toml") && err.contains("api_key"),
        "{err}"
    );
}
