//! The procedure catalogue against the real demo file and hand-made broken lines.

use std::path::PathBuf;
use std::sync::OnceLock;

use congdan_protocol::Procedure;
use congdan_sources::catalogue;

fn demo_catalogue() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/procedures.jsonl.gz")
}

/// The demo catalogue, parsed once for all tests of this binary.
fn load_demo() -> &'static [Procedure] {
    static DEMO: OnceLock<Vec<Procedure>> = OnceLock::new();
    DEMO.get_or_init(|| {
        let parsed = catalogue::open(&demo_catalogue()).unwrap();
        assert_eq!(parsed.rejected, vec![], "no real record is rejected");
        assert_eq!(parsed.items.len(), 2642);
        parsed.items
    })
}

fn find<'a>(items: &'a [Procedure], code: &str) -> &'a Procedure {
    items
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("{code} missing"))
}

#[test]
fn whole_demo_catalogue_parses_and_reports_figures() {
    let items = load_demo();
    assert_eq!(items.len(), 2642);
    assert!(items.iter().any(|p| p.name == "Thủ tục đăng ký khai sinh"));
    let count = |f: &dyn Fn(&Procedure) -> bool| items.iter().filter(|p| f(p)).count();
    let channels = count(&|p| !p.channels.is_empty());
    let durations = count(&|p| p.channels.iter().any(|c| !c.duration.is_empty()));
    let fees = count(&|p| p.channels.iter().any(|c| !c.fee.is_empty()));
    let documents = count(&|p| !p.documents.is_empty());
    let copies = count(&|p| p.documents.iter().any(|d| !d.copies.is_empty()));
    let legal = count(&|p| !p.legal_basis.is_empty());
    let numbered = count(&|p| p.legal_basis.iter().any(|l| !l.number.is_empty()));
    let steps = count(&|p| !p.steps.is_empty());
    for p in items
        .iter()
        .filter(|p| !p.channels.iter().any(|c| !c.duration.is_empty()))
    {
        if std::env::var_os("CONGDAN_DUMP").is_some() {
            println!("{} {:?}", p.code, p.channels.first());
        }
    }
    println!(
        "of {}: channels {channels}, with duration {durations}, with fee {fees}, documents {documents}, with copies {copies}, legal basis {legal}, with number {numbered}, steps {steps}",
        items.len()
    );
    // Floors measured on the real file; a parser change that loses records fails here.
    assert!(channels >= 2600, "channels {channels}");
    assert!(durations >= 2500, "durations {durations}");
    assert!(documents >= 2550, "documents {documents}");
    assert!(legal >= 2500, "legal {legal}");
    assert!(steps >= 2600, "steps {steps}");
    for p in items {
        assert!(
            !p.name.contains('\n') && !p.name.contains("  "),
            "{}",
            p.code
        );
        assert!(
            !p.name.contains('\u{200E}') && !p.name.contains('\u{AD}'),
            "{}",
            p.code
        );
        assert!(p.steps.iter().all(|s| !s.is_empty()), "{}", p.code);
        assert!(p.documents.iter().all(|d| !d.name.is_empty()), "{}", p.code);
    }
}

#[test]
fn real_records_map_their_fields() {
    let items = load_demo();

    let first = find(items, "1.000005");
    assert_eq!(first.decision, "2628/QĐ-BTC");
    assert_eq!(first.levels, ["Cấp xã"]);
    assert_eq!(first.field, "Hải quan");
    assert_eq!(first.issuer, "Bộ Tài chính");
    assert_eq!(first.address, "");
    assert_eq!(first.steps.len(), 3);
    assert!(first.steps[2].starts_with("Bước 3:"));
    assert_eq!(first.channels.len(), 1);
    assert_eq!(first.channels[0].mode, "Trực tuyến");
    assert!(first.channels[0].fee.starts_with("120,000 VNĐ ("));
    assert_eq!(first.documents[0].group, "1. Chứng từ phải nộp");
    assert_eq!(first.documents[0].copies, "1 bản chính");
    assert_eq!(first.documents[1].copies, "0 bản chính, 1 bản sao");
    let legal: Vec<&str> = first
        .legal_basis
        .iter()
        .map(|l| l.number.as_str())
        .collect();
    assert_eq!(legal, ["54/2014/QH13", "92/2015/TT-BTC", "78/2006/QH11"]);
    assert_eq!(first.legal_basis[0].title, "Luật 54/2014/QH13");

    // Bare-number durations.
    let bare = find(items, "1.001193");
    assert!(bare.channels.len() >= 2);
    assert!(
        bare.channels
            .iter()
            .all(|c| c.duration == "1" && c.fee == "Miễn phí")
    );

    // "Miễn phí(" followed by the real fee, and the lost "T" of "Thông tư".
    let licence = find(items, "3.000348");
    assert!(
        licence
            .channels
            .iter()
            .any(|c| c.fee.contains("135.000 đồng"))
    );
    assert!(
        licence
            .legal_basis
            .iter()
            .all(|l| !l.title.starts_with("hông"))
    );

    // Names with a newline inside.
    assert!(find(items, "1.009644").name.contains("thuộc thẩm quyền"));

    // Empty document lists.
    for code in ["3.000364", "1.010992", "3.000520"] {
        assert!(find(items, code).documents.is_empty(), "{code}");
    }
}

#[test]
fn broken_lines_are_rejected_with_their_line_number() {
    let input = concat!(
        r#"{"ma_thu_tuc":"1.000001","ten_thu_tuc":"Thủ tục A","cap_thuc_hien":"Cấp tỉnh, Cấp xã"}"#,
        "\n",
        "not json at all\n",
        "\n",
        r#"{"ten_thu_tuc":"Không có mã"}"#,
        "\n",
        r#"{"ma_thu_tuc":"1.000002"}"#,
        "\n",
        r#"{"ma_thu_tuc":"abc","ten_thu_tuc":"Mã sai"}"#,
        "\n",
        r#"{"ma_thu_tuc":"1.000003","ten_thu_tuc":5}"#,
        "\n",
        r#"["an", "array"]"#,
        "\n",
        r#"{"ma_thu_tuc":"1.000004","ten_thu_tuc":"  Thủ tục  \n B\u200e "}"#,
    );
    let mut bytes = input.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n\xff\xfe{}\n");
    let parsed = catalogue::parse(bytes.as_slice()).unwrap();
    let codes: Vec<&str> = parsed.items.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["1.000001", "1.000004"]);
    assert_eq!(parsed.items[0].levels, ["Cấp tỉnh", "Cấp xã"]);
    assert_eq!(parsed.items[1].name, "Thủ tục B");
    let positions: Vec<&str> = parsed
        .rejected
        .iter()
        .map(|r| r.position.as_str())
        .collect();
    assert_eq!(
        positions,
        [
            "line 2", "line 4", "line 5", "line 6", "line 7", "line 8", "line 10"
        ]
    );
}

#[test]
fn open_reports_missing_file_and_bad_gzip() {
    let dir = std::env::temp_dir().join(format!("congdan-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.jsonl.gz");
    std::fs::write(&bad, b"this is not gzip").unwrap();
    let err = catalogue::open(&bad).unwrap_err();
    assert!(
        matches!(err, congdan_sources::SourceError::NotGzip { .. }),
        "{err}"
    );
    let missing = dir.join("missing.jsonl");
    assert!(matches!(
        catalogue::open(&missing),
        Err(congdan_sources::SourceError::Io { .. })
    ));
    let plain = dir.join("plain.jsonl");
    std::fs::write(
        &plain,
        "{\"ma_thu_tuc\":\"1.000001\",\"ten_thu_tuc\":\"A\"}\n",
    )
    .unwrap();
    assert_eq!(catalogue::open(&plain).unwrap().items.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_fixture_file() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procedures-broken.jsonl");
    let parsed = catalogue::open(&path).unwrap();
    assert!(parsed.items.is_empty());
    let positions: Vec<&str> = parsed
        .rejected
        .iter()
        .map(|r| r.position.as_str())
        .collect();
    assert_eq!(positions, ["line 1", "line 2"]);
}

/// Review of issue 7: a huge name or line is refused by number and the rest
/// of the file still loads, without the name repairs running over it.
#[test]
fn huge_names_and_lines_are_rejected_and_the_rest_loads() {
    let good = r#"{"ma_thu_tuc":"1.000001","ten_thu_tuc":"Đăng ký khai sinh"}"#;
    let huge_name = format!(
        r#"{{"ma_thu_tuc":"1.000002","ten_thu_tuc":"{}"}}"#,
        "khai sinh ".repeat(50_000)
    );
    let huge_line = format!(
        r#"{{"ma_thu_tuc":"1.000003","ten_thu_tuc":"x","thanh_phan_ho_so":"{}"}}"#,
        "a".repeat(congdan_sources::catalogue::MAX_LINE_BYTES)
    );
    let text = format!("{huge_name}\n{huge_line}\n{good}\n");
    let parsed = congdan_sources::catalogue::parse(text.as_bytes()).unwrap();
    assert_eq!(parsed.items.len(), 1);
    assert_eq!(parsed.items[0].code, "1.000001");
    let positions: Vec<&str> = parsed
        .rejected
        .iter()
        .map(|r| r.position.as_str())
        .collect();
    assert_eq!(positions, ["line 1", "line 2"]);
}

#[test]
fn a_replicated_catalogue_has_distinct_codes_and_the_real_records_first() {
    let real = load_demo();
    let big = catalogue::replicate(real, 6_000);
    assert_eq!(big.len(), 6_000);
    assert_eq!(
        big[..real.len()],
        *real,
        "the real records come first, unchanged"
    );
    let codes: std::collections::HashSet<&str> = big.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes.len(), 6_000, "every copy has its own code");
    let copy = &big[real.len()];
    assert_eq!(copy.code, format!("{}-01", real[0].code));
    assert_eq!(copy.name, real[0].name);
    assert!(copy.steps.is_empty() && copy.legal_basis.is_empty());
    assert!(catalogue::replicate(&[], 10).is_empty());
}
