//! Open311 interoperability: an independent client library (Python `georeport`, pinned in
//! tests/interop/requirements.txt and installed by `make deps` into target/py) lists
//! services, reads definitions and requests in JSON and XML, and a spec-shaped form POST
//! creates a request, against the real server binary.

use congdan_tests::server::TestServer;
use congdan_tests::workspace_root;

#[tokio::test]
async fn georeport_client_lists_submits_and_reads_requests() {
    let python = workspace_root().join("target/py/bin/python");
    assert!(
        python.exists(),
        "{} is missing: `make deps` creates it (python3 -m venv + pip install -r tests/interop/requirements.txt)",
        python.display()
    );
    let server = TestServer::seeded().await.unwrap();
    let out = tokio::process::Command::new(python)
        .arg(workspace_root().join("tests/interop/georeport_check.py"))
        .arg(server.url())
        .arg("congdan-demo-key")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("interop: all checks passed"), "{stdout}");
}
