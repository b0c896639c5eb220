//! The one integration-test binary: every area of cross-process behaviour is a module.
//! Support code (server harness, byte-counting proxy, WebDriver session) is in `congdan_tests`.

mod cli;
mod e2e;
mod ingest;
mod open311;
mod outbox;
mod sync;
