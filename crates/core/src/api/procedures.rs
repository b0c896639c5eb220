//! Procedure search, the opening screen (most asked, life events, recent,
//! saved), facets, detail and the user's document checklist.

use rusqlite::Connection;

use super::{
    Core, Facet, LifeEvent, ProcedureDetail, ProcedureFacets, ProcedureHit, ProcedureHome,
    ProcedureQuery, ProcedureResults, freshness,
};
use crate::Error;
use crate::search::{SearchFilter, search_procedures};
use crate::store::procedures::Summary;
use crate::store::{
    checked_documents, procedure_visits, procedures, saved_procedures, search_index,
};

/// Hits returned when the query's limit is 0.
const DEFAULT_SEARCH_LIMIT: u32 = 50;
/// Most hits one search returns.
const MAX_SEARCH_LIMIT: u32 = 500;
/// Recent procedures on the opening screen.
const RECENT_ON_HOME: u32 = 5;
/// The level of a commune or ward, whose most-asked procedures open the screen.
const HOME_LEVEL: &str = "Cấp xã";

/// Treats an empty filter string as "no filter".
fn non_empty(value: &Option<String>) -> Option<String> {
    value.as_ref().filter(|v| !v.trim().is_empty()).cloned()
}

impl From<Summary> for ProcedureHit {
    fn from(s: Summary) -> ProcedureHit {
        ProcedureHit {
            code: s.code,
            name: s.name,
            field: s.field,
            levels: s.levels,
        }
    }
}

/// The stored procedures among `codes`, as hits, in that order.
fn hits(conn: &Connection, codes: &[String]) -> Result<Vec<ProcedureHit>, Error> {
    Ok(procedures::summaries(conn, codes)?
        .into_iter()
        .map(ProcedureHit::from)
        .collect())
}

impl Core {
    /// Searches the cached catalogue the way residents ask: with or without
    /// diacritics, i/y spellings, colloquial names and abbreviations (from the
    /// aliases the server adds), filler words, a typo in a longer word, the
    /// last word as a prefix; no word is required, so an extra word never
    /// empties the list. Ranking is `congdan_search`'s (docs/SEARCH.md).
    /// `weak` says nothing matched well. Empty text lists every procedure
    /// passing the filters, by name. Returns the best `limit` (0 = 50, capped
    /// at 500). Reads only. Errors: `storage`.
    pub fn search_procedures(&self, q: &ProcedureQuery) -> Result<ProcedureResults, Error> {
        let limit = match q.limit {
            0 => DEFAULT_SEARCH_LIMIT,
            n => n.min(MAX_SEARCH_LIMIT),
        };
        let filter = SearchFilter {
            level: non_empty(&q.level),
            field: non_empty(&q.field),
        };
        // Build a missing index without holding the read lock.
        self.prepare_search()?;
        self.read(|conn| {
            let found = search_procedures(conn, &self.inner.search, &q.text, &filter, limit)?;
            Ok(ProcedureResults {
                hits: found.hits.into_iter().map(ProcedureHit::from).collect(),
                total: found.total,
                weak: found.weak,
                freshness: freshness(conn, "procedures", "all")?,
            })
        })
    }

    /// Makes the search index of the stored catalogue ready ahead of the
    /// first search, if the catalogue changed since it was last made: read
    /// back from the store when it was built from this catalogue before,
    /// else built (about 0.15 s for the national catalogue on a desktop, 1.5 s
    /// for 50,000 procedures) and kept in the store for the next start; a
    /// stored index that does not read back is built again. The rows are read
    /// under the read lock; the build runs without it, so other reads are not
    /// held up. Call it off the UI thread at start-up and after a sync.
    /// Writes: `search_index` (a cache: failing to keep it is only logged).
    /// Errors: `storage`.
    pub fn prepare_search(&self) -> Result<(), Error> {
        let version = self.read(procedures::version)?;
        if self.inner.search.current(version).is_some() {
            return Ok(());
        }
        if let Some(bytes) = self.read(|c| search_index::load(c, version))? {
            match congdan_search::Index::from_bytes(&bytes) {
                Ok(index) => {
                    self.inner.search.keep(version, index);
                    return Ok(());
                }
                Err(e) => tracing::info!(error = %e, "stored search index not used; building it"),
            }
        }
        let rows = self.read(procedures::search_rows)?;
        let bytes = self.inner.search.build(version, &rows).to_bytes();
        if let Err(e) = search_index::save(&self.writer(), version, &bytes) {
            tracing::warn!(error = %e, "could not keep the search index for the next start");
        }
        Ok(())
    }

    /// The opening screen of Thủ tục: the most-asked procedures of a commune
    /// or ward, the life events with their short lists, the procedures opened
    /// lately and the saved ones; procedures the device does not hold are
    /// left out. Reads only. Errors: `storage`.
    pub fn procedure_home(&self) -> Result<ProcedureHome, Error> {
        self.read(|conn| {
            let events = congdan_search::guide::life_events()
                .into_iter()
                .map(|e| {
                    Ok(LifeEvent {
                        id: e.id,
                        title: e.title,
                        title_en: e.title_en,
                        procedures: hits(conn, &e.codes)?,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?
                .into_iter()
                .filter(|e| !e.procedures.is_empty())
                .collect();
            Ok(ProcedureHome {
                popular: hits(conn, &congdan_search::guide::popular(HOME_LEVEL))?,
                events,
                recent: hits(conn, &procedure_visits::latest(conn, RECENT_ON_HOME)?)?,
                saved: hits(conn, &saved_procedures::all(conn)?)?,
                total: procedures::count(conn)?,
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

    /// One cached procedure with the indexes of the documents the user ticked
    /// and whether it is saved; records the visit for "Xem gần đây".
    /// Writes: `procedure_visits`. Errors: `not_found`, `storage`.
    pub fn procedure(&self, code: &str) -> Result<ProcedureDetail, Error> {
        let detail = self.read(|conn| {
            let procedure = procedures::get(conn, code)?.ok_or_else(|| not_found(code))?;
            let checked = checked_documents::ticked(conn, code, &procedure.documents)?;
            Ok(ProcedureDetail {
                procedure,
                checked,
                saved: saved_procedures::contains(conn, code)?,
                freshness: freshness(conn, "procedures", "all")?,
            })
        })?;
        // "Xem gần đây" is a convenience: failing to note it never hides the procedure.
        let now = self.inner.clock.now().timestamp_millis();
        if let Err(e) = procedure_visits::record(&self.writer(), code, now) {
            tracing::warn!(
                code = e.code().as_str(),
                "could not record a procedure visit"
            );
        }
        Ok(detail)
    }

    /// Saves (or unsaves) procedure `code` for "Đã lưu". User data, kept
    /// across catalogue updates. Writes: `saved_procedures`. Errors:
    /// `not_found` (unknown procedure when saving), `storage`.
    pub fn set_procedure_saved(&self, code: &str, saved: bool) -> Result<(), Error> {
        let conn = self.writer();
        if saved && procedures::get(&conn, code)?.is_none() {
            return Err(not_found(code));
        }
        saved_procedures::set(
            &conn,
            code,
            saved,
            self.inner.clock.now().timestamp_millis(),
        )
    }

    /// Ticks (or unticks) document `index` of procedure `code` and returns the
    /// ticked indexes. The tick is user data: it is on disk (synchronous=FULL)
    /// when this returns and survives re-syncs, also ones that reorder the
    /// documents (ticks follow the document, not its position). Writes:
    /// `checked_documents`.
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
        let Some(document) = procedure.documents.get(index as usize) else {
            return Err(Error::InvalidInput {
                what: "document index",
                reason: format!("{index} >= {}", procedure.documents.len()),
            });
        };
        let key = checked_documents::document_key(document);
        checked_documents::set(&mut conn, code, &key, checked)?;
        checked_documents::ticked(&conn, code, &procedure.documents)
    }
}

/// The not-found error of a procedure code.
fn not_found(code: &str) -> Error {
    Error::NotFound {
        what: "procedure",
        key: code.to_string(),
    }
}
