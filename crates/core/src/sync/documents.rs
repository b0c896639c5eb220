//! Pulling the documents that are not change feeds: the Open311 service list
//! with every service's form, the home ward's public requests, and the holiday
//! table the working time left is counted with. Each is one
//! conditional GET (the server's body-hash ETag); a 304 keeps the cache, a
//! changed document replaces it in one transaction with its ETag.
//!
//! Forms are fetched together (a few at a time), so that on a link that is up
//! for a few seconds at a time the whole list arrives in about two round trips
//! instead of one per service.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use congdan_protocol::HolidayDay;
use congdan_protocol::open311::{Service, ServiceDefinition, ServiceRequest};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use rusqlite::Connection;

use super::{Outcome, Request, Transport, lock};
use crate::Error;
use crate::store::services::encode;
use crate::store::{holidays, public_requests, services, staged, sync_state};

/// Resource name of the service list and forms.
const SERVICES: &str = "services";
/// How long a staged service list is used without asking the server again.
const STAGED_LIST_TRUSTED: chrono::Duration = chrono::Duration::minutes(10);

/// Service forms asked for at once.
const FORMS_IN_FLIGHT: usize = 4;

/// GETs `services.json` (conditionally) and, when the list changed, every
/// service's form, then replaces the cache. A 304 keeps the cache as it is:
/// forms are refreshed together with their list. The list and each form are
/// staged as they arrive ([`staged`]), so a sync cut half-way asks the next
/// time only for what is missing: the forms not staged yet, and the list
/// only when its staged copy is older than ten minutes (with
/// `If-None-Match` on it). Errors: `offline`,
/// `server_unavailable`, `bad_response`, `storage`.
pub async fn pull_services<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
) -> Result<Outcome, Error> {
    let now = Utc::now();
    let (complete, staged_list) = {
        let conn = lock(db);
        (
            sync_state::get(&conn, SERVICES, "all")?.etag,
            staged::get(&conn, SERVICES, staged::LIST)?,
        )
    };
    let (list, etag) = match staged_list {
        // A list staged moments ago is taken as it is: on a link up a few seconds
        // at a time the forms, not another look at the list, need the window.
        Some(part) if now.signed_duration_since(part.at) < STAGED_LIST_TRUSTED => {
            (decode_staged(&part.body)?, Some(part.etag))
        }
        staged_list => {
            let asked = staged_list.as_ref().map(|p| p.etag.clone()).or(complete);
            match get_json_if_changed::<Vec<Service>, T>(
                transport,
                SERVICES,
                "/open311/v2/services.json",
                vec![],
                asked,
            )
            .await?
            {
                Some((list, Some(etag))) => {
                    let conn = lock(db);
                    staged::clear(&conn, SERVICES)?;
                    staged::put(&conn, SERVICES, staged::LIST, &etag, &encode(&list)?, now)?;
                    (list, Some(etag))
                }
                Some((list, None)) => (list, None),
                // The staged list is still the server's: go on with its forms.
                None => match staged_list {
                    Some(part) => (decode_staged(&part.body)?, Some(part.etag)),
                    None => return Ok(not_modified(SERVICES)),
                },
            }
        }
    };
    let full: Vec<(Service, Option<ServiceDefinition>)> = stream::iter(list)
        .map(|service| {
            let etag = etag.clone();
            async move {
                if !service.metadata {
                    return Ok((service, None));
                }
                let code = &service.service_code;
                if let Some(etag) = &etag
                    && let Some(part) = staged::get(&lock(db), SERVICES, code)?
                    && &part.etag == etag
                {
                    return Ok((service, Some(decode_staged(&part.body)?)));
                }
                let path = format!(
                    "/open311/v2/services/{}.json",
                    url::form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
                );
                let form = get_json::<ServiceDefinition, T>(transport, SERVICES, &path).await?;
                if let Some(etag) = &etag {
                    staged::put(&lock(db), SERVICES, code, etag, &encode(&form)?, Utc::now())?;
                }
                Ok::<_, Error>((service, Some(form)))
            }
        })
        .buffered(FORMS_IN_FLIGHT)
        .try_collect()
        .await?;
    store(db, SERVICES, "all", etag.as_deref(), |tx| {
        services::replace(tx, &full)?;
        staged::clear(tx, SERVICES)
    })?;
    Ok(changed(SERVICES, count(&full)))
}

/// A staged part read back. Errors: `corrupt_row`.
fn decode_staged<D: serde::de::DeserializeOwned>(body: &str) -> Result<D, Error> {
    serde_json::from_str(body).map_err(|e| Error::CorruptRow {
        what: "staged document",
        reason: e.to_string(),
    })
}

/// GETs the public requests of `unit` (conditionally) and replaces its cache
/// when they changed. Errors: as [`pull_services`].
pub async fn pull_public<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    unit: &str,
) -> Result<Outcome, Error> {
    let etag = sync_state::get(&lock(db), "public_requests", unit)?.etag;
    let Some((list, etag)) = get_json_if_changed::<Vec<ServiceRequest>, T>(
        transport,
        "public_requests",
        "/open311/v2/requests.json",
        vec![("unit", unit.to_string())],
        etag,
    )
    .await?
    else {
        return Ok(not_modified("public_requests"));
    };
    store(db, "public_requests", unit, etag.as_deref(), |tx| {
        public_requests::replace(tx, unit, &list)
    })?;
    Ok(changed("public_requests", count(&list)))
}

/// GETs the holiday table (conditionally) and replaces the stored copy when
/// it changed. Errors: as [`pull_services`].
pub async fn pull_holidays<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
) -> Result<Outcome, Error> {
    let etag = sync_state::get(&lock(db), "holidays", "all")?.etag;
    let Some((days, etag)) = get_json_if_changed::<Vec<HolidayDay>, T>(
        transport,
        "holidays",
        "/api/v1/holidays",
        vec![],
        etag,
    )
    .await?
    else {
        return Ok(not_modified("holidays"));
    };
    store(db, "holidays", "all", etag.as_deref(), |tx| {
        holidays::replace(tx, &days)
    })?;
    Ok(changed("holidays", count(&days)))
}

/// Records a pull's success or failure in `sync_state` (the offline flag when
/// the network or the server was the cause). Errors: `storage`.
pub fn record<T>(
    db: &Mutex<Connection>,
    resource: &str,
    scope: &str,
    result: &Result<T, Error>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let conn = lock(db);
    match result {
        Ok(_) => sync_state::mark_success(&conn, resource, scope, now),
        Err(e) => {
            let offline = e.is_unreachable();
            sync_state::mark_failure(&conn, resource, scope, Some(&e.to_body()), offline)
        }
    }
}

/// Writes a changed document's cached copy with `write` and records its ETag,
/// in one transaction, so the ETag never describes a copy that is not stored.
/// Errors: `storage`.
fn store(
    db: &Mutex<Connection>,
    resource: &'static str,
    scope: &str,
    etag: Option<&str>,
    write: impl FnOnce(&Connection) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut conn = lock(db);
    let tx = conn
        .transaction()
        .map_err(Error::storage("document begin"))?;
    write(&tx)?;
    sync_state::advance(&tx, resource, scope, "0", etag)?;
    tx.commit().map_err(Error::storage("document commit"))
}

/// How many items a document held, for the outcome.
fn count<T>(items: &[T]) -> u32 {
    u32::try_from(items.len()).unwrap_or(u32::MAX)
}

/// The outcome of a conditional GET the server answered with 304.
pub(super) fn not_modified(resource: &'static str) -> Outcome {
    Outcome {
        resource,
        pages: 0,
        items: 0,
        deleted: 0,
        not_modified: true,
    }
}

/// The outcome of a document that changed and replaced `items` cached rows.
pub(super) fn changed(resource: &'static str, items: u32) -> Outcome {
    Outcome {
        resource,
        pages: 1,
        items,
        deleted: 0,
        not_modified: false,
    }
}

/// GETs a JSON document unless it still has `etag`: `None` on 304, else the
/// document and its new ETag. Errors: as [`get_json`].
pub(super) async fn get_json_if_changed<D: serde::de::DeserializeOwned, T: Transport>(
    transport: &T,
    resource: &'static str,
    path: &str,
    query: Vec<(&'static str, String)>,
    etag: Option<String>,
) -> Result<Option<(D, Option<String>)>, Error> {
    let response = transport
        .get(&Request {
            resource,
            path: path.to_string(),
            query,
            if_none_match: etag,
        })
        .await?;
    if response.status == 304 {
        return Ok(None);
    }
    let etag = response.etag.clone();
    Ok(Some((decode_json(resource, response)?, etag)))
}

/// GETs a JSON document. Errors: `offline`, `server_unavailable`, `bad_response`.
async fn get_json<D: serde::de::DeserializeOwned, T: Transport>(
    transport: &T,
    resource: &'static str,
    path: &str,
) -> Result<D, Error> {
    let response = transport
        .get(&Request {
            resource,
            path: path.to_string(),
            query: vec![],
            if_none_match: None,
        })
        .await?;
    decode_json(resource, response)
}

/// The JSON body of a 200 answer. Errors: `server_unavailable` (5xx),
/// `bad_response` (other statuses, unparseable bodies).
fn decode_json<D: serde::de::DeserializeOwned>(
    resource: &'static str,
    response: super::Response,
) -> Result<D, Error> {
    match response.status {
        200 => serde_json::from_slice(&response.body).map_err(|e| Error::BadResponse {
            resource: resource.to_string(),
            reason: format!("unparseable body: {e}"),
        }),
        status @ 500..=599 => Err(Error::ServerUnavailable {
            resource: resource.to_string(),
            status,
        }),
        status => Err(Error::BadResponse {
            resource: resource.to_string(),
            reason: format!("unexpected HTTP status {status}"),
        }),
    }
}
