//! The UI's fake backend replays answers recorded from the real client core
//! (ui/src/fake/procedures.json). This re-records them and fails when the
//! committed file differs, so a change in ranking or in the opening screen
//! cannot leave the browser tests testing yesterday's answers.

use std::process::Command;

#[test]
fn the_ui_fixture_is_what_the_real_core_answers_today() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("procedures.json");
    let out = Command::new(congdan_tests::bin_path("congdan-record-ui-fixture"))
        .arg(&fresh)
        .output()
        .expect("the recorder runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = congdan_tests::workspace_root().join("ui/src/fake/procedures.json");
    let want = std::fs::read_to_string(&committed).unwrap();
    let got = std::fs::read_to_string(&fresh).unwrap();
    assert!(
        want == got,
        "ui/src/fake/procedures.json is stale: run `cargo build --workspace --bins && \
         target/debug/congdan-record-ui-fixture` and review the diff"
    );
}
