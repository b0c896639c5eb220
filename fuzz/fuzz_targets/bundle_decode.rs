//! Any bytes a server sends as the catalogue's bundle are refused or decode into a
//! page whose cursor is a number and that says nothing more follows.
#![no_main]

use congdan_core::sync::bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = bundle::decode(data) {
        assert!(page.next.parse::<u64>().is_ok());
        assert!(!page.more);
    }
});
