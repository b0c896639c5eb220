//! Vietnamese-aware full-text search over the stored procedure catalogue.
//!
//! Owns: the text fold ([`fold`]) applied to both indexed text and queries, the
//! translation of free user text into a safe FTS5 query ([`fts_query`]), and the
//! ranked query over the `procedures_fts` table ([`search_procedures`]).
//! Does not own: the FTS table's schema or its maintenance on upsert/delete
//! (that is `store::procedures`), nor the API models (that is `api`).

mod fold;
mod query;

pub use fold::fold;
pub use query::{Hit, SearchFilter, SearchResult, fts_query, search_procedures};
