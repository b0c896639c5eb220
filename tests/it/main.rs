//! The one integration-test binary: every area of cross-process behaviour is a module.
//! Support code (server harness, byte-counting and shaping proxies, WebDriver session) is in
//! `congdan_tests`.

mod alerts;
mod attachments;
mod authz;
mod backup;
mod bulletins;
mod bus;
mod cli;
mod crash;
mod credentials;
mod e2e;
mod fixtures;
mod households;
mod ingest;
mod net;
mod officials;
mod open311;
mod outages;
mod outbox;
mod packaging;
mod privacy;
mod replicas;
mod secrets;
mod sync;
mod triage;
