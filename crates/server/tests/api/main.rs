//! Tests of the content API through the real router: handler tests with
//! `tower::ServiceExt::oneshot`, one test over a real socket, and checks of the
//! OpenAPI document against the router. One test binary, one module per area.
//! `CONGDAN_TEST_DB=postgres` runs the suite on PostgreSQL (see `support.rs`).

mod alerts;
mod api_keys;
mod bell;
mod bundle;
mod bus;
mod check;
mod commands;
mod compression;
mod deadlines;
mod engines;
mod errors;
mod news;
mod open311;
mod openapi;
mod outages;
mod paging;
#[path = "../../src/storage/pg_cluster.rs"]
mod pg_cluster;
mod privacy;
mod procedure_search;
mod roles;
mod socket;
mod support;
