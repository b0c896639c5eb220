//! Any body a server (or something pretending to be one) answers to a sync
//! pull yields a decision — store a page, stop, or a typed error — never a
//! panic. The first byte picks the resource, the rest is the body.
#![no_main]

use congdan_core::store::sync_state::SyncState;
use congdan_core::sync::{Instruction, Pull, Resource, Response};
use congdan_core::{NewsItem, Procedure, Unit};
use libfuzzer_sys::fuzz_target;

fn pull<T: serde::de::DeserializeOwned>(resource: Resource, body: &[u8]) {
    let mut pull = Pull::new(resource, &SyncState::fresh("x", "all"), 100);
    let response = Response {
        status: 200,
        etag: Some("W/\"x\"".into()),
        body: body.to_vec(),
    };
    if let Instruction::Store(page) = pull.on_response::<T>(&response) {
        assert!(page.items.len() <= 100_000);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    match pick % 3 {
        0 => pull::<Unit>(Resource::Units, body),
        1 => pull::<NewsItem>(Resource::News { unit: "00004".into() }, body),
        _ => pull::<Procedure>(Resource::Procedures, body),
    }
});
