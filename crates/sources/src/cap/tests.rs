//! The real CAP files (crates/sources/tests/fixtures/cap, from the team's
//! collection) and hostile or broken ones.

use std::path::PathBuf;

use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cap")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const REAL: [&str; 7] = [
    "v1dot2_appendix_adot1.xml",
    "v1dot2_appendix_adot2.xml",
    "v1dot2_appendix_adot3.xml",
    "v1dot2_appendix_adot4.xml",
    "australia.cap",
    "canada.cap",
    "wcatwc-warning.cap",
];

#[test]
fn every_real_alert_parses() {
    for name in REAL {
        let alert = parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!alert.infos.is_empty(), "{name}");
        assert!(!alert.signed, "{name}");
    }
}

#[test]
fn prefixed_namespace_two_languages_circles_and_utc_as_minus_zero() {
    let au = parse(&fixture("australia.cap")).unwrap();
    assert_eq!(au.infos.len(), 2);
    assert_eq!(au.infos[0].areas[0].circles.len(), 1);
    let amber = parse(&fixture("v1dot2_appendix_adot4.xml")).unwrap();
    let languages: Vec<&str> = amber.infos.iter().map(|i| i.language.as_str()).collect();
    assert_eq!(languages, ["en-US", "es-US"]);
    let ca = parse(&fixture("canada.cap")).unwrap();
    assert_eq!(ca.msg_type, "Update");
    assert_eq!(ca.sent.offset().local_minus_utc(), 0);
    assert!(ca.infos[0].areas.iter().any(|a| !a.polygons.is_empty()));
    let thunder = parse(&fixture("v1dot2_appendix_adot2.xml")).unwrap();
    assert_eq!(thunder.infos[0].severity, Severity::Severe);
    assert_eq!(thunder.infos[0].areas[0].geocodes.len(), 3);
    let quake = parse(&fixture("v1dot2_appendix_adot3.xml")).unwrap();
    assert_eq!(quake.infos[0].areas[0].circles[0].2, 0.0);
}

fn reason(input: &str) -> String {
    match parse(input.as_bytes()) {
        Err(SourceError::InvalidCap { position, reason }) => format!("{position}: {reason}"),
        other => panic!("{other:?}"),
    }
}

const HEAD: &str = r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a1</identifier><sender>s@x</sender><sent>2026-06-24T08:00:00+07:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>"#;
const INFO: &str = "<info><category>Met</category><event>Bão</event><urgency>Immediate</urgency><severity>Severe</severity><certainty>Likely</certainty></info>";

#[test]
fn hostile_and_broken_documents_are_refused_with_where_and_what() {
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>"#;
    assert!(reason(xxe).contains("DTD"), "{}", reason(xxe));
    let laughs =
        r#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><alert>&lol2;</alert>"#;
    assert!(reason(laughs).contains("DTD"));
    let undeclared = format!("{HEAD}<note>&nbsp;</note>{INFO}</alert>");
    assert!(
        reason(&undeclared).contains("&nbsp;"),
        "{}",
        reason(&undeclared)
    );
    let wrong_ns =
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"><identifier>a</identifier></alert>"#;
    assert!(
        reason(wrong_ns).contains("namespace"),
        "{}",
        reason(wrong_ns)
    );
    let missing =
        r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>a</identifier></alert>"#;
    assert!(reason(missing).contains("<sender> is required"));
    let zulu = HEAD.replace("+07:00", "Z");
    assert!(reason(&format!("{zulu}{INFO}</alert>")).contains("<sent>"));
    let bad_enum = format!("{HEAD}{}</alert>", INFO.replace("Severe", "Bad"));
    let text = reason(&bad_enum);
    assert!(
        text.contains("<severity> must be one of") && text.contains("(<info>)"),
        "{text}"
    );
    let open_polygon = format!(
        "{HEAD}{}</alert>",
        INFO.replace(
            "</info>",
            "<area><areaDesc>x</areaDesc><polygon>1,1 2,2 3,3 4,4</polygon></area></info>"
        )
    );
    assert!(reason(&open_polygon).contains("polygon"));
    let private = format!("{}{INFO}</alert>", HEAD.replace("Public", "Private"));
    assert!(reason(&private).contains("<addresses>"));
    let bad_refs = format!("{HEAD}<references>a,b</references>{INFO}</alert>");
    assert!(reason(&bad_refs).contains("references"));
    let truncated = &HEAD[..HEAD.len() - 20];
    assert!(reason(truncated).starts_with("byte "));
    let big = vec![b' '; MAX_CAP_BYTES + 1];
    assert!(matches!(parse(&big), Err(SourceError::TooLarge { .. })));
}

#[test]
fn a_signature_is_noted_not_verified() {
    let signed = format!(
        r#"{HEAD}{INFO}<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature></alert>"#
    );
    assert!(parse(signed.as_bytes()).unwrap().signed);
}

#[test]
fn what_we_write_reads_back_the_same() {
    for name in REAL {
        let alert = parse(&fixture(name)).unwrap();
        let again = parse(write(&alert).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again, alert, "{name}");
    }
    let text = write(&parse(format!("{HEAD}{INFO}</alert>").as_bytes()).unwrap());
    assert!(text.contains("<event>Bão</event>"));
}
