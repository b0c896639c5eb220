//! Support for the cross-process tests: find the built binaries, start the real
//! server on a loopback port with a seeded temporary database, open a real client
//! core against it, count bytes on the wire, and wait on conditions with deadlines.
//!
//! Nothing here sleeps to synchronise: every wait polls a condition until a deadline.
#![deny(missing_docs)]

pub mod app;
pub mod faults;
pub mod proxy;
pub mod server;
pub mod wait;

use std::path::PathBuf;

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
