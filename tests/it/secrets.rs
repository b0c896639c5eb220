//! Device identity across runs and reboots (issue 13): the device token lives
//! in the desktop's Secret Service when one answers, otherwise in a file of
//! the profile directory readable only by the user; either way the next run —
//! in a new session keyring, as after a reboot — still holds it, so "my
//! requests" keep following the same device.

use std::path::Path;
use std::process::Command;

use congdan_tests::cli::{LAMP_REPORT, congdan_with as congdan, ok};
use congdan_tests::secret_service::{self, SecretService};
use congdan_tests::server::TestServer;
use congdan_tests::{bin_path, on_path, require};

/// Syncs, chooses a ward and sends one report, which registers the device.
fn register_by_sending(db: &Path, server: &str, env: &dyn Fn(&mut Command)) {
    ok(congdan(
        db,
        &[
            "--server",
            server,
            "--api-key",
            congdan_tests::DEMO_API_KEY,
            "sync",
        ],
        env,
    ));
    ok(congdan(db, &["set-unit", "00004"], env));
    ok(congdan(db, LAMP_REPORT, env));
}

/// An environment with no session bus at all: not the variable, and not the
/// per-user socket zbus falls back to (`$XDG_RUNTIME_DIR/bus`, pointed at the
/// empty directory `runtime`), so the client keeps its token in the profile file.
fn without_a_session_bus(runtime: &Path) -> impl Fn(&mut Command) + '_ {
    move |c: &mut Command| {
        c.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/congdan-test-bus",
        )
        .env("XDG_RUNTIME_DIR", runtime);
    }
}

/// The requests the server returns for this device (after a sync).
fn server_requests(db: &Path, env: &dyn Fn(&mut Command)) -> serde_json::Value {
    ok(congdan(db, &["sync"], env));
    let out = ok(congdan(db, &["requests", "--json"], env));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn without_a_secret_service_the_token_is_a_user_only_file_that_outlives_the_session() {
    if !require(on_path("keyctl"), "keyctl (Debian keyutils)") {
        return;
    }
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.db");
    let no_runtime = tempfile::tempdir().unwrap();
    let no_bus = without_a_session_bus(no_runtime.path());
    register_by_sending(&db, &server.url(), &no_bus);

    let file = dir.path().join("secrets.json");
    let before = std::fs::read_to_string(&file).expect("the token is in the profile file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable only by the user");
    }

    // The next run in a brand-new session keyring, as after a reboot.
    let mut cmd = Command::new("keyctl");
    cmd.args(["session", "-"])
        .arg(bin_path("congdan"))
        .arg("--db")
        .arg(&db)
        .arg("sync");
    no_bus(&mut cmd);
    ok(cmd.output().unwrap());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        before,
        "same token: the device did not register again"
    );
    let requests = server_requests(&db, &no_bus);
    assert_eq!(requests["items"].as_array().unwrap().len(), 1, "{requests}");
}

#[tokio::test]
async fn with_a_secret_service_the_token_lives_there_and_not_in_a_file() {
    if !require(
        secret_service::available(),
        "dbus-daemon, gnome-keyring-daemon and secret-tool",
    ) {
        return;
    }
    let service = SecretService::start().unwrap();
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.db");
    let in_session = |c: &mut Command| {
        for (k, v) in service.env() {
            c.env(k, v);
        }
    };
    register_by_sending(&db, &server.url(), &in_session);

    assert!(
        !dir.path().join("secrets.json").exists(),
        "no file fallback"
    );
    let found = service
        .command("secret-tool")
        .args(["search", "--all", "service", "vn.congdan.app"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&found.stdout).into_owned()
        + &String::from_utf8_lossy(&found.stderr);
    assert!(listing.contains("device:"), "{listing}");

    let requests = server_requests(&db, &in_session);
    assert_eq!(requests["items"].as_array().unwrap().len(), 1, "{requests}");
}

#[tokio::test]
async fn a_profile_that_lost_its_token_registers_again_and_takes_its_requests_back() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.db");
    // The profile-file store, so that the test can lose the token.
    let no_runtime = tempfile::tempdir().unwrap();
    let no_bus = without_a_session_bus(no_runtime.path());
    register_by_sending(&db, &server.url(), &no_bus);
    let requests = server_requests(&db, &no_bus);
    let id = requests["items"][0]["id"].as_str().unwrap().to_owned();

    // The secrets are gone (a restored profile, a wiped keyring).
    let file = dir.path().join("secrets.json");
    let before = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();

    ok(congdan(&db, &["sync"], no_bus));
    let after = std::fs::read_to_string(&file).expect("a new token was stored");
    assert_ne!(after, before, "the device registered again");
    // The server now counts the request as the new device's.
    let secrets: std::collections::BTreeMap<String, String> = serde_json::from_str(&after).unwrap();
    let token = secrets.values().next().unwrap();
    let mine: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/my/requests", server.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{mine}");
    assert_eq!(items[0]["request"]["service_request_id"], id.as_str());
}
