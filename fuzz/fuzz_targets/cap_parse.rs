//! Any bytes given to the CAP parser either parse or fail cleanly, and an
//! accepted alert written back reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(alert) = congdan_sources::cap::parse(data) {
        let again = congdan_sources::cap::parse(congdan_sources::cap::write(&alert).as_bytes())
            .expect("what we write parses");
        assert_eq!(again, alert);
    }
});
