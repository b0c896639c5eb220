//! Any body of `POST /open311/v2/requests.{fmt}`, form-encoded or multipart,
//! is read or refused with an Open311 error, and what reads is checked against
//! every service's form, never a panic. The first byte picks the content type
//! (even: form; odd: multipart with boundary `congdan-fuzz`), the rest is the body.
#![no_main]

use std::sync::OnceLock;

use congdan_server::open311::body::read_bytes;
use congdan_server::open311::catalogue;
use congdan_server::open311::validate::{self, Fields};
use libfuzzer_sys::fuzz_target;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let content_type = if pick % 2 == 0 {
        "application/x-www-form-urlencoded"
    } else {
        "multipart/form-data; boundary=congdan-fuzz"
    };
    let Ok(received) = runtime().block_on(read_bytes(content_type, body.to_vec(), 1 << 20)) else {
        return;
    };
    let _ = validate::given_api_key(&received.fields, &Fields::default());
    for service in catalogue::services() {
        let _ = validate::check(&received.fields, &service, received.photos.len());
    }
});
