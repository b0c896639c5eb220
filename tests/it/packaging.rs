//! The app's .deb (Tauri's bundler, `make package`) installs into a clean
//! directory tree with `dpkg-deb -x` and the installed binary opens its window
//! under Xvfb (issue 13).
//!
//! To stay within `make test`'s time, the package is bundled from the debug
//! binary `make test` has already built (`tauri bundle --debug`, about 3 s), not
//! from a release build; `make package` bundles the release build the same way.
//! The binary is copied into a private target directory first, because the
//! bundler patches the binary it packages and other tests run the shared one.

use std::path::{Path, PathBuf};

use congdan_tests::app::{AppSession, available};
use congdan_tests::server::TestServer;
use congdan_tests::{bin_path, on_path, require, workspace_root};

fn tauri_cli() -> PathBuf {
    workspace_root().join("ui/node_modules/.bin/tauri")
}

async fn run(cmd: &mut tokio::process::Command) -> String {
    let out = cmd.output().await.unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Bundles the built debug app into a .deb under `work` and returns its path.
async fn bundle_app_deb(work: &Path) -> PathBuf {
    let target = work.join("target");
    std::fs::create_dir_all(target.join("debug")).unwrap();
    std::fs::copy(
        bin_path("congdan-app"),
        target.join("debug").join("congdan-app"),
    )
    .unwrap();
    run(tokio::process::Command::new(tauri_cli())
        .args(["bundle", "--debug", "--bundles", "deb", "--ci"])
        .args(["--config", "packaging/deb.json"])
        .current_dir(workspace_root().join("src-tauri"))
        .env("CARGO_TARGET_DIR", &target))
    .await;
    let dir = target.join("debug/bundle/deb");
    let debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "{debs:?}");
    debs.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_deb_installs_into_a_clean_tree_and_opens_its_window() {
    let present = available() && on_path("dpkg-deb") && on_path("xwininfo") && tauri_cli().exists();
    if !require(
        present,
        "DISPLAY, WebKitWebDriver, dpkg-deb, xwininfo and ui/node_modules/.bin/tauri",
    ) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let deb = bundle_app_deb(work.path()).await;
    let fields = run(tokio::process::Command::new("dpkg-deb")
        .args(["-f"])
        .arg(&deb)
        .args(["Package", "Depends"]))
    .await;
    assert!(fields.contains("Package: congdan-app"), "{fields}");
    assert!(fields.contains("libwebkit2gtk-4.1"), "{fields}");

    let root = work.path().join("root");
    run(tokio::process::Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root))
    .await;
    let installed = root.join("usr/bin/congdan-app");
    assert!(installed.is_file(), "no {}", installed.display());
    let desktop =
        std::fs::read_to_string(root.join("usr/share/applications/congdan-app.desktop")).unwrap();
    assert!(desktop.contains("Name=Cổng Dân"), "{desktop}");
    assert!(desktop.contains("Exec=congdan-app"), "{desktop}");
    assert!(
        root.join("usr/share/icons/hicolor/128x128/apps/congdan-app.png")
            .is_file()
    );

    // The installed binary, not the one in target/, shows the onboarding screen.
    let server = TestServer::seeded().await.unwrap();
    let profile = work.path().join("profile.db");
    let app = AppSession::launch_binary(&installed, &profile, Some(&server.url()))
        .await
        .unwrap();
    app.find("[data-testid=province-option][data-code='01']")
        .await
        .unwrap();
    // And the X server lists its top-level window, by class.
    let tree = run(tokio::process::Command::new("xwininfo").args(["-root", "-tree"])).await;
    assert!(
        tree.contains("\"congdan-app\""),
        "no congdan-app window in:\n{tree}"
    );
    app.close().await.unwrap();
}

// The server .deb (scripts/package-server.sh, as `make package` runs it) holds the
// binary, a systemd unit running it as `congdan` and a configuration that `serve`
// accepts.
#[tokio::test]
async fn server_deb_has_the_unit_and_a_config_serve_accepts() {
    if !require(on_path("dpkg-deb"), "dpkg-deb") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let out = run(
        tokio::process::Command::new(workspace_root().join("scripts/package-server.sh"))
            .arg(bin_path("congdan-server"))
            .arg(work.path().join("out"))
            // Compressing a debug binary with xz takes minutes on 2 cores.
            .env("DEB_COMPRESSION", "none"),
    )
    .await;
    let deb = PathBuf::from(out.trim());
    let root = work.path().join("root");
    run(tokio::process::Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(&root))
    .await;
    let control = work.path().join("control");
    run(tokio::process::Command::new("dpkg-deb")
        .arg("-e")
        .arg(&deb)
        .arg(&control))
    .await;
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    assert!(postinst.contains("adduser --system"), "{postinst}");
    let conffiles = std::fs::read_to_string(control.join("conffiles")).unwrap();
    assert_eq!(conffiles.trim(), "/etc/congdan/server.toml");

    let unit =
        std::fs::read_to_string(root.join("lib/systemd/system/congdan-server.service")).unwrap();
    for line in [
        "User=congdan",
        "StateDirectory=congdan",
        "ExecStart=/usr/bin/congdan-server serve --config /etc/congdan/server.toml",
    ] {
        assert!(unit.contains(line), "{line} missing from:\n{unit}");
    }
    assert!(
        root.join("usr/share/congdan-server/holidays/vn.csv")
            .is_file()
    );

    // The installed binary serves with the installed configuration (database and
    // address overridden by the environment, as an admin may).
    let db = work.path().join("server.db");
    let mut child = tokio::process::Command::new(root.join("usr/bin/congdan-server"))
        .arg("serve")
        .arg("--config")
        .arg(root.join("etc/congdan/server.toml"))
        .env("CONGDAN_DB", &db)
        .env("CONGDAN_LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("serve prints its address in time")
        .unwrap()
        .unwrap_or_default();
    assert!(first.starts_with("listening on "), "{first}");
    child.kill().await.unwrap();
    // `serve` filled the holiday table from the built-in years.
    let listed = run(
        tokio::process::Command::new(root.join("usr/bin/congdan-server"))
            .args(["holidays", "list", "--year", "2027", "--db"])
            .arg(&db),
    )
    .await;
    assert!(listed.contains("2027-02-08\toff"), "{listed}");
}
