//! A commune's synonym file and any text a resident types: parsing the
//! dictionary, applying it to names and searching never panic.
#![no_main]

use congdan_search::{Doc, Index, Query, Synonyms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (dictionary, query) = text.split_once('\n').unwrap_or((&text, &text));
    let synonyms = Synonyms::parse(dictionary).unwrap_or_default();
    let names = [
        "Đăng ký khai sinh",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất (thực hiện tại cấp xã)",
        query,
    ];
    let aliases: Vec<Vec<String>> = names.iter().map(|n| synonyms.aliases_for(n)).collect();
    let levels = vec!["Cấp xã".to_string()];
    let index = Index::build(names.iter().zip(&aliases).map(|(name, aliases)| Doc {
        key: name,
        name,
        aliases,
        keywords: query,
        levels: &levels,
        field: "Hộ tịch",
    }));
    let _ = index.search(&Query {
        text: query,
        level: Some("Cấp xã"),
        field: None,
        limit: 10,
    });
});
