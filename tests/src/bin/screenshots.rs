//! The README pictures, taken from the real app window (WebKitGTK, driven by
//! WebKitWebDriver; run under `xvfb-run`) against a real server seeded with the
//! demo data, at 360 px (a phone) and at desktop width. `make screenshots`
//! runs it; the PNGs go to docs/screenshots/.
//!
//! The profiles are prepared with the `congdan` CLI (a Hà Nội ward with one
//! report sent and answered through the officer API; a Ho Chi Minh City ward
//! with its buses), so every screen shows real answers of the real core.

use std::path::Path;

use anyhow::{Context, bail};
use congdan_tests::app::AppSession;
use congdan_tests::cli::{LAMP_REPORT, congdan, ok};
use congdan_tests::server::TestServer;

/// Window sizes: name suffix, width, height.
const SIZES: [(&str, u32, u32); 2] = [("360", 360, 760), ("desktop", 1280, 800)];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    if !congdan_tests::app::available() {
        bail!("needs DISPLAY and WebKitWebDriver: run `make screenshots`");
    }
    let server = TestServer::seeded().await?;
    let url = server.url();
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("profile.db");
    let request = prepare_profile(&db, &url).await?;
    // A ward of Thành phố Hồ Chí Minh, whose sync brings the city's buses.
    let bus_db = dir.path().join("bus.db");
    let key = congdan_tests::DEMO_API_KEY;
    ok(congdan(
        &bus_db,
        &["--server", &url, "--api-key", key, "sync"],
    ));
    ok(congdan(&bus_db, &["set-unit", "25747"]));
    ok(congdan(&bus_db, &["sync"]));
    let out = congdan_tests::workspace_root()
        .join("docs")
        .join("screenshots");
    std::fs::create_dir_all(&out)?;
    for (suffix, width, height) in SIZES {
        let app = AppSession::launch(&db, Some(&url)).await?;
        app.client
            .set_window_size(width, height)
            .await
            .context("resizing the window")?;
        let result = take_all(&app, &request, &out, suffix).await;
        app.close().await?;
        result?;
    }
    let app = AppSession::launch(&bus_db, Some(&url)).await?;
    let (_, width, height) = SIZES[0];
    app.client.set_window_size(width, height).await?;
    let result = take_bus(&app, &out).await;
    app.close().await?;
    result?;
    println!("screenshots written to {}", out.display());
    Ok(())
}

/// Chooses Phường Ba Đình, sends one report, has an officer answer it and
/// syncs the answer; returns the report's server id.
async fn prepare_profile(db: &Path, url: &str) -> anyhow::Result<String> {
    let key = congdan_tests::DEMO_API_KEY;
    ok(congdan(db, &["--server", url, "--api-key", key, "sync"]));
    ok(congdan(db, &["set-unit", "00004"]));
    ok(congdan(db, &["sync"]));
    ok(congdan(db, LAMP_REPORT));
    ok(congdan(db, &["outbox", "--drain"]));
    ok(congdan(db, &["sync"]));
    let mine: serde_json::Value =
        serde_json::from_slice(&ok(congdan(db, &["requests", "--json"])).stdout)?;
    let id = mine["items"][0]["id"]
        .as_str()
        .context("the report reached the server")?
        .to_owned();

    let http = reqwest::Client::new();
    let session: serde_json::Value = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "canbo.badinh", "password": "demo-2026"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = session["token"].as_str().context("a session token")?;
    for (status, answer) in [
        ("received", None),
        (
            "answered",
            Some("Đội điện chiếu sáng đã thay bóng đèn cột số 17 chiều nay. Cảm ơn bạn đã báo."),
        ),
    ] {
        http.post(format!("{url}/api/v1/officer/requests/{id}/status"))
            .bearer_auth(token)
            .json(&serde_json::json!({"status": status, "answer": answer}))
            .send()
            .await?
            .error_for_status()?;
    }
    ok(congdan(db, &["sync"]));
    Ok(id)
}

/// Each README screen, in the window as it is sized now.
async fn take_all(app: &AppSession, request: &str, out: &Path, suffix: &str) -> anyhow::Result<()> {
    let shot = async |name: &str| -> anyhow::Result<()> {
        let png = app
            .client
            .screenshot()
            .await
            .with_context(|| format!("screenshot of {name}"))?;
        std::fs::write(out.join(format!("{name}-{suffix}.png")), png)?;
        Ok(())
    };
    go(app, "#/news", "[data-testid=news-item]").await?;
    // The launch sync: wait until it has finished and the ward is shown.
    app.wait_text("[data-testid=status-bar]", "Cập nhật")
        .await?;
    app.find("[data-testid=news-item]").await?;
    shot("news").await?;
    go(app, "#/procedures", "[data-testid=life-event]").await?;
    shot("procedures-home").await?;
    let search = app.find("[data-testid=procedure-search]").await?;
    search.send_keys("dang ky khai sinh").await?;
    app.wait_text("[data-testid=procedure-hit]", "khai sinh")
        .await?;
    shot("procedures").await?;
    click(app, "[data-testid=procedure-hit]").await?;
    app.find("[data-testid=procedure-title]").await?;
    click(app, "[data-testid=doc-check]").await?;
    shot("procedure").await?;
    go(app, "#/feedback", "[data-testid=service-option]").await?;
    shot("feedback").await?;
    go(app, "#/requests", "[data-testid=my-request]").await?;
    shot("my-requests").await?;
    go(
        app,
        &format!("#/requests/{request}"),
        "[data-testid=request-answer]",
    )
    .await?;
    shot("request-detail").await?;
    Ok(())
}

/// The bus screens at 360 px: a stop found without diacritics, its departures,
/// a journey (morning of a service day) and a route's drawing.
async fn take_bus(app: &AppSession, out: &Path) -> anyhow::Result<()> {
    let shot = async |name: &str| -> anyhow::Result<()> {
        let png = app
            .client
            .screenshot()
            .await
            .with_context(|| format!("screenshot of {name}"))?;
        std::fs::write(out.join(format!("{name}-360.png")), png)?;
        Ok(())
    };
    // The app shows the news first once it has loaded; then the bus tab.
    app.wait_text("[data-testid=status-bar]", "Cập nhật")
        .await?;
    go(app, "#/bus", "[data-testid=bus-search]").await?;
    app.wait_text("[data-testid=bus-updated]", "cập nhật")
        .await?;
    app.find("[data-testid=bus-search]")
        .await?
        .send_keys("ben thanh")
        .await?;
    app.wait_text("[data-testid=bus-stop]", "Bến Thành").await?;
    shot("bus").await?;
    click(app, "[data-testid=bus-stop]").await?;
    app.wait_text("#bus-stop-title", "Bến Thành").await?;
    app.find("[data-testid=bus-departures], .empty").await?;
    shot("bus-stop").await?;
    go(
        app,
        "#/bus/journey/81/138/2025-12-01T07:30",
        "[data-testid=bus-journeys] > li",
    )
    .await?;
    shot("bus-journey").await?;
    go(app, "#/bus/route/1", "svg.bus-map path").await?;
    shot("bus-route").await?;
    Ok(())
}

/// Clicks the first element matching `css` from the page itself (a banner over
/// it does not intercept the click the way a pointer click would be).
async fn click(app: &AppSession, css: &str) -> anyhow::Result<()> {
    app.find(css).await?;
    app.client
        .execute(
            "document.querySelector(arguments[0]).click();",
            vec![serde_json::json!(css)],
        )
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

/// Shows the screen of `hash` and waits for `ready` on it.
async fn go(app: &AppSession, hash: &str, ready: &str) -> anyhow::Result<()> {
    app.client
        .execute(
            "window.location.hash = arguments[0]; document.getElementById('main')?.scrollTo(0, 0);",
            vec![serde_json::json!(hash)],
        )
        .await
        .with_context(|| format!("showing {hash}"))?;
    app.find(ready)
        .await
        .with_context(|| format!("{hash}: waiting for {ready}"))?;
    Ok(())
}
