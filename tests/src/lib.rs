//! Support for the cross-process tests: find the built binaries, start the real
//! server on a loopback port with a seeded temporary database, open a real client
//! core against it, count bytes on the wire, shape the link like a 2G or flapping
//! mobile network, and wait on conditions with deadlines.
//!
//! Nothing here sleeps to synchronise: every wait polls a condition until a deadline.
#![deny(missing_docs)]

pub mod app;
pub mod bench;
pub mod cli;
pub mod faults;
#[path = "../../crates/server/src/storage/pg_cluster.rs"]
pub mod pg_cluster;
pub mod photos;
pub mod proxy;
pub mod secret_service;
pub mod server;
pub mod shaper;
pub mod wait;

use std::path::PathBuf;

/// The Open311 key that `congdan-server seed --demo` stores; every
/// [`server::TestServer::seeded`] server accepts it. Hand it to a client core
/// with `Core::set_api_key`, to the CLI with `--api-key`, to the app with
/// `CONGDAN_API_KEY`.
pub const DEMO_API_KEY: &str = "congdan-demo-key";

/// Whether a test whose real dependency (display, driver, Secret Service,
/// keyctl, …) is `present` may run: `true` when it is; when it is not, the
/// test fails under CI=true (it must never pass without running) and is
/// skipped with a note elsewhere. Use: `if !require(ok, "…") { return; }`.
pub fn require(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but this test's dependency is missing: {what} (make deps installs it)"
    );
    eprintln!("skipped: needs {what} (make test provides it)");
    false
}

/// True when `program` is on the PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The workspace root (where data/demo lives).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the workspace")
        .to_path_buf()
}

/// The demo data the server is seeded with.
pub fn demo_dir() -> PathBuf {
    workspace_root().join("data").join("demo")
}

/// Path of a binary built in the same target directory as this test
/// (`make test` builds them first), e.g. `congdan-server`.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    // target/<profile>/deps/<test-binary> -> target/<profile>/<name>
    let mut dir = exe
        .parent()
        .expect("test binary has a directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run `cargo build --workspace --bins` first (make test does)",
        path.display()
    );
    path
}
