//! Records what the real client core answers on the procedure screens into
//! `ui/src/fake/procedures.json`, the fixture the UI's fake backend replays, so
//! the browser tests never depend on a TypeScript copy of ranking, folding or
//! weak-match detection.
//!
//! It seeds the real server with data/demo, syncs a fresh core from it and asks
//! that core: the opening screen, the filters, each search in [`SEARCHES`] (the
//! queries the UI tests type), and the full record of the procedures those
//! answers lead to first (the most asked, the first of each life event, the
//! first hit of each search). Freshness is blanked so a re-run only changes the
//! file when the answers change. Review the diff like a golden file.
//!
//! Run: `cargo build --workspace --bins && target/debug/congdan-record-ui-fixture [OUT]`
//! (OUT defaults to ui/src/fake/procedures.json in the workspace).

use anyhow::Context;
use congdan_core::{Core, Freshness, Procedure, ProcedureQuery, ProcedureResults};
use congdan_tests::server::TestServer;
use serde_json::json;
use std::collections::BTreeSet;

/// Hits the UI asks for (`RESULT_LIMIT` in ui/src/screens/Procedures.tsx).
const LIMIT: u32 = 50;

/// How many of each search's first hits get their full record (the one a test
/// opens, without copying the whole catalogue into the UI bundle).
const DETAILS_PER_SEARCH: usize = 1;

/// The searches recorded: (text, level, field). Add a line when a UI test types
/// something new, then re-run this program.
const SEARCHES: &[(&str, Option<&str>, Option<&str>)] = &[
    ("chung thuc chu ky", None, None),
    ("dang ky khai sinh", None, None),
    ("khai sinh", None, None),
    ("cap lai can cuoc", None, None),
    ("cap lai can cuoc", Some("Cấp tỉnh"), None),
    ("mua vé máy bay giá rẻ", None, None),
    ("đăng kí kết hôn", None, None),
    ("", Some("Cấp xã"), None),
    ("", Some("Cấp tỉnh"), None),
    ("", None, Some("Hộ tịch")),
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args_os().nth(1).map_or_else(
        || congdan_tests::workspace_root().join("ui/src/fake/procedures.json"),
        std::path::PathBuf::from,
    );
    let server = TestServer::seeded().await?;
    let dir = tempfile::tempdir()?;
    let core = Core::open(&dir.path().join("profile.db"))?;
    core.set_server_url(&server.url())?;
    core.sync(&|_| {}).await?;

    let blank = Freshness {
        synced_at: None,
        offline: false,
    };
    // Before any procedure is opened, so "recent" and "saved" are empty.
    let mut home = core.procedure_home()?;
    home.freshness = blank.clone();
    let facets = core.procedure_facets()?;

    let mut codes = BTreeSet::new();
    codes.extend(home.popular.iter().map(|h| h.code.clone()));
    codes.extend(
        home.events
            .iter()
            .filter_map(|e| e.procedures.first().map(|h| h.code.clone())),
    );
    let mut searches = Vec::new();
    for &(text, level, field) in SEARCHES {
        let query = ProcedureQuery {
            text: text.to_string(),
            level: level.map(str::to_string),
            field: field.map(str::to_string),
            limit: LIMIT,
        };
        let results: ProcedureResults = core
            .search_procedures(&query)
            .with_context(|| format!("searching {text:?}"))?;
        codes.extend(
            results
                .hits
                .iter()
                .take(DETAILS_PER_SEARCH)
                .map(|h| h.code.clone()),
        );
        searches.push(json!({
            "query": query,
            "results": ProcedureResults { freshness: blank.clone(), ..results },
        }));
    }
    let procedures = codes
        .iter()
        .map(|code| Ok(core.procedure(code)?.procedure))
        .collect::<anyhow::Result<Vec<Procedure>>>()?;

    let fixture = json!({
        "about": "Recorded from the real client core on data/demo by tests/src/bin/record_ui_fixture.rs; do not edit by hand.",
        "home": home,
        "facets": facets,
        "searches": searches,
        "procedures": procedures,
    });
    let mut text = serde_json::to_string_pretty(&fixture)?;
    text.push('\n');
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {}: {} searches, {} procedures",
        out.display(),
        searches.len(),
        procedures.len()
    );
    Ok(())
}
