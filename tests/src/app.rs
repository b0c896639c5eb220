//! The real app window, driven through WebKitWebDriver (run the tests under `xvfb-run`).
//!
//! One driver process per app launch: the driver starts the app binary itself, with
//! the environment given here (profile database, server URL, automation switch).

use crate::bin_path;
use crate::wait;
use anyhow::Context;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// How long the driver may take to accept sessions, and the window to show its first element.
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// A running app under WebKitWebDriver; the driver (and with it the app) dies when dropped.
pub struct AppSession {
    /// The WebDriver client of the app's webview.
    pub client: Client,
    driver: Child,
}

/// True when this machine can run the window tests: an X display and the driver are present.
pub fn available() -> bool {
    std::env::var_os("DISPLAY").is_some() && crate::on_path("WebKitWebDriver")
}

impl AppSession {
    /// Launches the app with profile `db` pointed at `server_url` (None keeps the stored one).
    pub async fn launch(db: &Path, server_url: Option<&str>) -> anyhow::Result<Self> {
        // CONGDAN_APP picks another build of the app (the benchmark uses the release one).
        let binary = std::env::var_os("CONGDAN_APP")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| bin_path("congdan-app"));
        Self::launch_binary(&binary, db, server_url).await
    }

    /// Like [`AppSession::launch`], with the app binary at `binary` (e.g. one
    /// installed from the .deb into a directory tree).
    pub async fn launch_binary(
        binary: &Path,
        db: &Path,
        server_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        let port = free_port()?;
        let mut cmd = Command::new("WebKitWebDriver");
        cmd.arg(format!("--port={port}"))
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("CONGDAN_DB", db)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        match server_url {
            // The test servers are seeded with `--demo`, so the demo key works.
            Some(url) => cmd
                .env("CONGDAN_SERVER", url)
                .env("CONGDAN_API_KEY", crate::DEMO_API_KEY),
            None => cmd
                .env_remove("CONGDAN_SERVER")
                .env_remove("CONGDAN_API_KEY"),
        };
        let driver = cmd.spawn().context("starting WebKitWebDriver")?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "webkitgtk:browserOptions".into(),
            serde_json::json!({ "binary": binary, "args": [] }),
        );
        let url = format!("http://127.0.0.1:{port}");
        // An app that dies at start (a store newer than the build, say) leaves the
        // driver's session request hanging: bound each attempt, so the test fails
        // in a minute, not at nextest's 300 s.
        let client = wait::until("WebKitWebDriver session", UI_TIMEOUT, async || {
            let mut builder = ClientBuilder::rustls().ok()?;
            builder.capabilities(caps.clone());
            tokio::time::timeout(2 * UI_TIMEOUT, builder.connect(&url))
                .await
                .ok()?
                .ok()
        })
        .await?;
        Ok(Self { client, driver })
    }

    /// Waits for an element by CSS selector; on timeout saves a screenshot under
    /// target/e2e-failures/ so a failed run shows what the window looked like.
    pub async fn find(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        let found = self
            .client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await;
        if found.is_err() {
            self.save_screenshot(css).await;
        }
        found.with_context(|| format!("waiting for {css}"))
    }

    async fn save_screenshot(&self, what: &str) {
        let dir = crate::workspace_root().join("target").join("e2e-failures");
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Waits for the element matched by `css` and clicks it as a tap does.
    pub async fn tap(&self, css: &str) -> anyhow::Result<()> {
        let el = self.find(css).await?;
        // From the page, after scrolling it to the middle: a WebDriver click whose
        // point is computed while a screen re-renders (or under the fixed tab bar)
        // can land on nothing.
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        Ok(())
    }

    /// Waits for the field matched by `css` and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        self.find(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// Waits until the element matched by `css` contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> anyhow::Result<String> {
        wait::until(&format!("{css} to show {text:?}"), UI_TIMEOUT, async || {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            let shown = el.text().await.ok()?;
            shown.contains(text).then_some(shown)
        })
        .await
    }

    /// Ends the session and the app.
    pub async fn close(mut self) -> anyhow::Result<()> {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
        Ok(())
    }
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
