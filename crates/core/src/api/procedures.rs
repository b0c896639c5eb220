//! Procedure search, facets, detail and the user's document checklist.

use super::{
    Core, Facet, ProcedureDetail, ProcedureFacets, ProcedureHit, ProcedureQuery, ProcedureResults,
    freshness,
};
use crate::Error;
use crate::search::{SearchFilter, search_procedures};
use crate::store::{checklist, procedures};

/// Hits returned when the query's limit is 0.
const DEFAULT_SEARCH_LIMIT: u32 = 50;
/// Most hits one search returns.
const MAX_SEARCH_LIMIT: u32 = 500;

/// Treats an empty filter string as "no filter".
fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.trim().is_empty()).cloned()
}

impl Core {
    /// Searches the cached catalogue. Text is folded (diacritics, đ, case), each
    /// word matches as a prefix, and all words must match; name matches rank
    /// first, then shorter names. Empty text lists every procedure passing the
    /// filters, by name. Returns the best `limit` (0 = 50, capped at 500) hits and
    /// the total. Reads only. Errors: `storage`.
    pub fn search_procedures(&self, q: &ProcedureQuery) -> Result<ProcedureResults, Error> {
        let limit = match q.limit {
            0 => DEFAULT_SEARCH_LIMIT,
            n => n.min(MAX_SEARCH_LIMIT),
        };
        let filter = SearchFilter {
            level: non_empty(&q.level),
            field: non_empty(&q.field),
        };
        self.read(|conn| {
            let found = search_procedures(conn, &q.text, &filter, limit)?;
            Ok(ProcedureResults {
                hits: found
                    .hits
                    .into_iter()
                    .map(|h| ProcedureHit {
                        code: h.code,
                        name: h.name,
                        field: h.field,
                        levels: h.levels,
                    })
                    .collect(),
                total: found.total,
                freshness: freshness(conn, "procedures", "all")?,
            })
        })
    }

    /// Levels and fields of the cached catalogue with their counts, most common
    /// first, for the search filters. Reads only. Errors: `storage`.
    pub fn procedure_facets(&self) -> Result<ProcedureFacets, Error> {
        let facet = |(value, count)| Facet { value, count };
        self.read(|conn| {
            Ok(ProcedureFacets {
                levels: procedures::level_counts(conn)?
                    .into_iter()
                    .map(facet)
                    .collect(),
                fields: procedures::field_counts(conn)?
                    .into_iter()
                    .map(facet)
                    .collect(),
            })
        })
    }

    /// One cached procedure with the indexes of the documents the user ticked.
    /// Reads only. Errors: `not_found`, `storage`.
    pub fn procedure(&self, code: &str) -> Result<ProcedureDetail, Error> {
        self.read(|conn| {
            let procedure = procedures::get(conn, code)?.ok_or_else(|| not_found(code))?;
            let documents = procedure.documents.len();
            let checked = checklist::get(conn, code)?
                .into_iter()
                .filter(|&i| (i as usize) < documents)
                .collect();
            Ok(ProcedureDetail {
                procedure,
                checked,
                freshness: freshness(conn, "procedures", "all")?,
            })
        })
    }

    /// Ticks (or unticks) document `index` of procedure `code` and returns the
    /// ticked indexes. The tick is user data: it is on disk (synchronous=FULL)
    /// when this returns and survives re-syncs. Writes: `checklist`.
    /// Errors: `not_found` (unknown procedure), `invalid_input` (index out of
    /// range), `storage`.
    pub fn set_document_checked(
        &self,
        code: &str,
        index: u32,
        checked: bool,
    ) -> Result<Vec<u32>, Error> {
        let mut conn = self.writer();
        let procedure = procedures::get(&conn, code)?.ok_or_else(|| not_found(code))?;
        if index as usize >= procedure.documents.len() {
            return Err(Error::InvalidInput {
                what: "document index",
                reason: format!("{index} >= {}", procedure.documents.len()),
            });
        }
        let ticked = checklist::set(&mut conn, code, index, checked)?;
        Ok(ticked
            .into_iter()
            .filter(|&i| (i as usize) < procedure.documents.len())
            .collect())
    }
}

/// The not-found error of a procedure code.
fn not_found(code: &str) -> Error {
    Error::NotFound {
        what: "procedure",
        key: code.to_string(),
    }
}
