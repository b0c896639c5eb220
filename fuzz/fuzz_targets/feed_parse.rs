//! Any bytes given to the feed parser either parse or fail cleanly, and no
//! accepted item carries a script into its sanitized body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = congdan_sources::feed::parse(data, "VN") {
        for item in parsed.items {
            assert!(!item.body_html.contains("<script"));
        }
    }
});
