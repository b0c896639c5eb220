//! `GET /api/v1/procedures/search?q=&level=&field=&limit=`: procedure search
//! for a commune's web pages, ranked by the same `congdan-search` index the
//! app uses offline, so a resident gets the same answer on the web and in the app.
//!
//! Owns: the server's copy of the index, built from the stored catalogue
//! (read through the change feed, so any storage engine serves it) and
//! rebuilt when the catalogue's head moves. Does not own: ranking.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use congdan_protocol::{Procedure, ProcedureSearchResult, ProcedureSummary};
use congdan_search::{Doc, Index};
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::storage::{Resource, Scope, Storage, StorageError};

/// Hits when `limit` is absent.
const DEFAULT_LIMIT: usize = 20;
/// Most hits one answer carries.
const MAX_LIMIT: usize = 100;
/// Longest query accepted, in bytes (a question, not a document).
const MAX_QUERY_BYTES: usize = 500;
/// Catalogue rows read per storage call while building.
const BUILD_PAGE: u32 = 1_000;

/// Query parameters.
#[derive(Debug, Deserialize)]
pub struct SearchParams {
    /// What the resident typed.
    q: Option<String>,
    /// Only procedures carried out at this level ("Cấp xã").
    level: Option<String>,
    /// Only procedures of this field.
    field: Option<String>,
    /// Hits wanted, 1..=100 (default 20).
    limit: Option<String>,
}

/// The index with the list columns of every procedure, for one catalogue head.
struct Built {
    head: u64,
    index: Arc<Index>,
    summaries: Arc<HashMap<String, ProcedureSummary>>,
}

/// The server's procedure index, shared by every request of one process.
#[derive(Default)]
pub struct ProcedureSearch {
    built: tokio::sync::Mutex<Option<Built>>,
}

impl std::fmt::Debug for ProcedureSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcedureSearch").finish_non_exhaustive()
    }
}

type Snapshot = (Arc<Index>, Arc<HashMap<String, ProcedureSummary>>);

impl ProcedureSearch {
    /// The index of what `storage` holds now, rebuilt when the catalogue changed.
    async fn current(&self, storage: &dyn Storage) -> Result<Snapshot, StorageError> {
        let head = storage.head(Resource::Procedures, Scope::All).await?;
        let mut built = self.built.lock().await;
        if let Some(b) = built.as_ref()
            && b.head == head
        {
            return Ok((b.index.clone(), b.summaries.clone()));
        }
        let procedures = read_all(storage).await?;
        let (index, summaries) = tokio::task::spawn_blocking(move || build(procedures))
            .await
            .map_err(|e| StorageError::Worker(e.to_string()))?;
        let (index, summaries) = (Arc::new(index), Arc::new(summaries));
        tracing::info!(procedures = index.len(), "built the procedure search index");
        *built = Some(Built {
            head,
            index: index.clone(),
            summaries: summaries.clone(),
        });
        Ok((index, summaries))
    }
}

/// Every stored procedure, read page by page through the change feed.
async fn read_all(storage: &dyn Storage) -> Result<Vec<Procedure>, StorageError> {
    let mut out = Vec::new();
    let mut since = 0;
    loop {
        let page = storage
            .changes(Resource::Procedures, Scope::All, since, BUILD_PAGE)
            .await?;
        for json in &page.items {
            match serde_json::from_str::<Procedure>(json) {
                Ok(p) => out.push(p),
                Err(e) => {
                    tracing::warn!(error = %e, "skipping a stored procedure that does not parse")
                }
            }
        }
        match page.last_seq {
            Some(last) if page.more => since = last,
            _ => return Ok(out),
        }
    }
}

/// The index and the list columns of `procedures`.
fn build(procedures: Vec<Procedure>) -> (Index, HashMap<String, ProcedureSummary>) {
    let keywords: Vec<String> = procedures
        .iter()
        .map(congdan_search::procedure_keywords)
        .collect();
    let index = Index::build(procedures.iter().zip(&keywords).map(|(p, k)| Doc {
        key: &p.code,
        name: &p.name,
        aliases: &p.aliases,
        keywords: k,
        levels: &p.levels,
        field: &p.field,
    }));
    let summaries = procedures
        .into_iter()
        .map(|p| {
            (
                p.code.clone(),
                ProcedureSummary {
                    code: p.code,
                    name: p.name,
                    field: p.field,
                    levels: p.levels,
                },
            )
        })
        .collect();
    (index, summaries)
}

/// The handler.
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let text = params.q.unwrap_or_default();
    if text.trim().is_empty() || text.len() > MAX_QUERY_BYTES {
        return Err(AppError::BadParam { param: "q" });
    }
    let limit = match params.limit.as_deref() {
        None | Some("") => DEFAULT_LIMIT,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => return Err(AppError::BadParam { param: "limit" }),
        },
    };
    let (index, summaries) = state
        .procedure_search
        .current(state.storage.as_ref())
        .await?;
    let ranked = index
        .search(&congdan_search::Query {
            text: &text,
            level: params.level.as_deref().filter(|l| !l.is_empty()),
            field: params.field.as_deref().filter(|f| !f.is_empty()),
            limit,
        })
        .unwrap_or_default();
    let body = ProcedureSearchResult {
        hits: ranked
            .hits
            .iter()
            .filter_map(|h| summaries.get(&h.key).cloned())
            .collect(),
        total: u32::try_from(ranked.total).unwrap_or(u32::MAX),
        weak: ranked.weak,
    };
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        )],
        Json(body),
    )
        .into_response())
}
