//! Open311 interoperability against the real server binary, with independent, published
//! client libraries (pinned in tests/interop/requirements.txt and installed by `make deps`
//! into target/py):
//! - Python `georeport` lists services, reads definitions and requests in JSON and XML,
//!   and a spec-shaped form POST creates a request;
//! - Python `civicbot` starts from discovery (whose endpoint `url` it uses as given),
//!   files a request checked against our service definition, reads it back, and sees
//!   the server's 4,000-character description limit and its Open311 errors.
//!
//! Also here: `serve --public-url` and the answers' content types, as the binary serves them.

use congdan_tests::server::TestServer;
use congdan_tests::workspace_root;

/// Runs `tests/interop/<script>` with the venv's Python against `server`; it must pass.
async fn run_interop(script: &str, server: &TestServer) {
    let python = workspace_root().join("target/py/bin/python");
    assert!(
        python.exists(),
        "{} is missing: `make deps` creates it (python3 -m venv + pip install -r tests/interop/requirements.txt)",
        python.display()
    );
    let out = tokio::process::Command::new(python)
        .arg(workspace_root().join("tests/interop").join(script))
        .arg(server.url())
        .arg("congdan-demo-key")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("interop: all checks passed"), "{stdout}");
}

#[tokio::test]
async fn georeport_client_lists_submits_and_reads_requests() {
    let server = TestServer::seeded().await.unwrap();
    run_interop("georeport_check.py", &server).await;
}

// Issue 13: a second published client, which uses the discovery url as given.
#[tokio::test]
async fn civicbot_client_discovers_submits_and_reads_requests() {
    let server = TestServer::seeded().await.unwrap();
    run_interop("civicbot_check.py", &server).await;
}

async fn discovery_url(server: &TestServer) -> String {
    let answer = reqwest::get(format!("{}/open311/v2/discovery.json", server.url()))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    body["endpoints"][0]["url"].as_str().unwrap().to_owned()
}

// Issue 13: absolute URLs from `serve --public-url`, else from the bound address.
#[tokio::test]
async fn public_url_option_sets_the_absolute_endpoint_url() {
    let server = TestServer::seeded().await.unwrap();
    assert_eq!(
        discovery_url(&server).await,
        format!("{}/open311/v2", server.url()),
        "default: http://<listen address>, with the port really bound"
    );
    let server = TestServer::seeded_with(&["--public-url", "https://congdan.example.vn/"])
        .await
        .unwrap();
    assert_eq!(
        discovery_url(&server).await,
        "https://congdan.example.vn/open311/v2"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(congdan_tests::bin_path("congdan-server"))
        .arg("serve")
        .arg("--db")
        .arg(dir.path().join("s.db"))
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--public-url")
        .arg("congdan.example.vn")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a URL without a scheme is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("public URL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// Issue 13: `.xml` answers are text/xml (GeoReport v2), JSON says its charset.
#[tokio::test]
async fn answers_carry_the_spec_content_types() {
    let server = TestServer::seeded().await.unwrap();
    for (path, expected) in [
        (
            "/open311/v2/services.json",
            "application/json; charset=utf-8",
        ),
        ("/open311/v2/services.xml", "text/xml; charset=utf-8"),
        (
            "/open311/v2/services/khong-co.xml",
            "text/xml; charset=utf-8",
        ),
        (
            "/open311/v2/requests/0.json",
            "application/json; charset=utf-8",
        ),
    ] {
        let answer = reqwest::get(format!("{}{path}", server.url()))
            .await
            .unwrap();
        assert_eq!(answer.headers()["content-type"], expected, "{path}");
    }
}
