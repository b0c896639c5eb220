//! What `cap::write` emits validates against the OASIS CAP 1.2 schema
//! (tests/fixtures/cap/cap12.xsd), checked by libxml2's `xmllint` (Debian
//! libxml2-utils, installed by `make deps`): every real alert written back,
//! and an alert as the server issues it (Vietnamese text, several units).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use chrono::{FixedOffset, TimeZone};
use congdan_protocol::{Category, Certainty, Severity, Urgency};
use congdan_sources::cap::{self, CapAlert, CapArea, CapInfo};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cap")
}

/// `xmllint --schema cap12.xsd -` on `document`: its verdict and messages.
fn validate(document: &str) -> (bool, String) {
    let mut child = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(fixtures().join("cap12.xsd"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs (Debian libxml2-utils; `make deps` installs it)");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(document.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn emitted_alerts_validate_against_the_oasis_schema() {
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str());
        if !matches!(ext, Some("cap" | "xml")) {
            continue;
        }
        let alert = cap::parse(&std::fs::read(&path).unwrap()).unwrap();
        let (ok, messages) = validate(&cap::write(&alert));
        assert!(ok, "{}: {messages}", path.display());
    }
    let vietnam = FixedOffset::east_opt(7 * 3600).unwrap();
    let sent = vietnam.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap();
    let issued = CapAlert {
        identifier: "congdan-7f3a".to_owned(),
        sender: "canbo.badinh@congdan".to_owned(),
        sent,
        status: "Actual".to_owned(),
        msg_type: "Alert".to_owned(),
        scope: "Public".to_owned(),
        references: Vec::new(),
        infos: vec![CapInfo {
            language: "vi-VN".to_owned(),
            categories: vec![Category::Met],
            event: "Bão số 3 & mưa lớn".to_owned(),
            urgency: Urgency::Immediate,
            severity: Severity::Severe,
            certainty: Certainty::Likely,
            effective: None,
            onset: None,
            expires: Some(sent + chrono::Duration::hours(12)),
            sender_name: Some("UBND Phường Ba Đình".to_owned()),
            headline: Some("Bão số 3 <cấp 12> đổ bộ".to_owned()),
            description: Some("Gió giật mạnh.".to_owned()),
            instruction: Some("Ở trong nhà, tránh xa cây lớn.".to_owned()),
            areas: vec![CapArea {
                desc: "Phường Ba Đình".to_owned(),
                polygons: Vec::new(),
                circles: Vec::new(),
                geocodes: vec![("VN-unit".to_owned(), "00004".to_owned())],
            }],
        }],
        signed: false,
    };
    let text = cap::write(&issued);
    let (ok, messages) = validate(&text);
    assert!(ok, "{messages}\n{text}");
    // And a broken one does not (the check can fail).
    let (ok, _) = validate(&text.replace("<urgency>Immediate", "<urgency>Now"));
    assert!(!ok);
}
