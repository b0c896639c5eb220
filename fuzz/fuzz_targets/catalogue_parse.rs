//! Any bytes given to the catalogue parser yield items and rejections, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = congdan_sources::catalogue::parse(data) {
        for procedure in parsed.items {
            assert!(!procedure.code.is_empty() && !procedure.name.is_empty());
        }
    }
});
