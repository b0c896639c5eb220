//! Procedure search on the device, offline.
//!
//! Owns: the in-memory [`congdan_search::Index`] of the stored catalogue, built
//! on the first search and rebuilt when the catalogue's version moves (a sync
//! that changed procedures), and the glue from its hits to stored rows.
//! Does not own: ranking, folding and the dictionaries (that is
//! `congdan_search`, shared with the server), nor the tables (`store`).

use std::sync::{Arc, Mutex, PoisonError};

use congdan_search::{Doc, Index, Query};
use rusqlite::Connection;

use crate::Error;
use crate::store::procedures::{self, Summary};

pub use congdan_search::fold;

/// Optional filters of a procedure search; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Keep procedures whose levels contain this value exactly (e.g. "Cấp xã").
    pub level: Option<String>,
    /// Keep procedures of this field exactly (e.g. "Hộ tịch").
    pub field: Option<String>,
}

/// A page of hits plus what the UI says about them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchResult {
    /// The best hits, best first.
    pub hits: Vec<Summary>,
    /// How many procedures match well (all of them when nothing was typed).
    pub total: u32,
    /// True when even the best hit holds little of what was typed: the hits
    /// are the nearest procedures, not answers.
    pub weak: bool,
}

/// The index of the stored catalogue, kept between searches.
#[derive(Default)]
pub struct SearchCache {
    /// The catalogue version the index was built from, and the index.
    built: Mutex<Option<(i64, Arc<Index>)>>,
}

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchCache").finish_non_exhaustive()
    }
}

impl SearchCache {
    /// The index of what `conn` holds now, built if the catalogue changed
    /// since the last call. Errors: `storage`.
    pub fn index(&self, conn: &Connection) -> Result<Arc<Index>, Error> {
        let version = procedures::version(conn)?;
        match self.current(version) {
            Some(index) => Ok(index),
            None => Ok(self.build(version, &procedures::search_rows(conn)?)),
        }
    }

    /// The index if it was built from catalogue `version`.
    pub fn current(&self, version: i64) -> Option<Arc<Index>> {
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        built
            .as_ref()
            .filter(|(v, _)| *v == version)
            .map(|(_, index)| index.clone())
    }

    /// Builds the index of `rows` (catalogue `version`) and keeps it.
    pub fn build(&self, version: i64, rows: &[procedures::SearchRow]) -> Arc<Index> {
        let index = Index::build(rows.iter().map(|r| Doc {
            key: &r.code,
            name: &r.name,
            aliases: &r.aliases,
            keywords: &r.keywords,
            levels: &r.levels,
            field: &r.field,
        }));
        tracing::debug!(procedures = index.len(), "built the search index");
        self.keep(version, index)
    }

    /// Keeps `index` as the one of catalogue `version` (built here or read
    /// back from the store).
    pub fn keep(&self, version: i64, index: Index) -> Arc<Index> {
        let index = Arc::new(index);
        *self.built.lock().unwrap_or_else(PoisonError::into_inner) = Some((version, index.clone()));
        index
    }
}

/// Searches the stored procedures: ranked by `congdan_search` when `text`
/// has a word, else every procedure passing the filters, by name. Reads only.
/// Errors: `storage`.
pub fn search_procedures(
    conn: &Connection,
    cache: &SearchCache,
    text: &str,
    filter: &SearchFilter,
    limit: u32,
) -> Result<SearchResult, Error> {
    let level = filter.level.as_deref();
    let field = filter.field.as_deref();
    if congdan_search::words(text).is_empty() {
        let (hits, total) = procedures::browse(conn, level, field, limit)?;
        return Ok(SearchResult {
            hits,
            total,
            weak: false,
        });
    }
    let index = cache.index(conn)?;
    let ranked = index
        .search(&Query {
            text,
            level,
            field,
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        })
        .unwrap_or_default();
    let codes: Vec<String> = ranked.hits.into_iter().map(|h| h.key).collect();
    Ok(SearchResult {
        hits: procedures::summaries(conn, &codes)?,
        total: u32::try_from(ranked.total).unwrap_or(u32::MAX),
        weak: ranked.weak,
    })
}

#[cfg(test)]
mod tests;
