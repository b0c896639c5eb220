//! Any bytes given to the units parser yield units and rejections, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = congdan_sources::units::parse(data) {
        for unit in parsed.items {
            assert!(unit.code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
});
