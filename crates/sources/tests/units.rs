//! units.csv: the real demo file and broken rows.

use congdan_protocol::UnitLevel;
use congdan_sources::units;

#[test]
fn real_units_file() {
    let path = format!("{}/../../data/demo/units.csv", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(path).unwrap();
    let parsed = units::parse(file).unwrap();
    assert_eq!(parsed.rejected, vec![]);
    let provinces: Vec<_> = parsed
        .items
        .iter()
        .filter(|u| u.level == UnitLevel::Province)
        .collect();
    let communes: Vec<_> = parsed
        .items
        .iter()
        .filter(|u| u.level == UnitLevel::Commune)
        .collect();
    assert_eq!(provinces.len(), 34);
    assert_eq!(communes.len(), 3321);
    assert!(
        parsed.items[..34]
            .iter()
            .all(|u| u.level == UnitLevel::Province)
    );
    assert_eq!(
        provinces.iter().filter(|p| p.kind == "Thành phố").count(),
        7
    );
    assert_eq!(provinces.iter().filter(|p| p.kind == "Tỉnh").count(), 27);
    let hanoi = provinces.iter().find(|p| p.code == "01").unwrap();
    assert_eq!(hanoi.name, "Thành phố Hà Nội");
    assert_eq!(hanoi.parent, None);
    let ba_dinh = communes.iter().find(|c| c.code == "00004").unwrap();
    assert_eq!(ba_dinh.name, "Phường Ba Đình");
    assert_eq!(ba_dinh.parent.as_deref(), Some("01"));
    assert_eq!(ba_dinh.kind, "Phường");
    // The one lowercase name in the source is kept as published.
    assert_eq!(
        communes.iter().find(|c| c.code == "06325").unwrap().name,
        "xã Bắc Sơn"
    );
    assert_eq!(communes.iter().filter(|c| c.kind == "Đặc khu").count(), 13);
}

#[test]
fn broken_input() {
    assert!(units::parse(&b""[..]).is_err());
    let parsed = units::parse(
        "province_code,province_name,unit_code,unit_name,unit_type\n\"01,Thành phố Hà Nội,00004\n"
            .as_bytes(),
    )
    .unwrap();
    assert!(parsed.items.is_empty());
}
