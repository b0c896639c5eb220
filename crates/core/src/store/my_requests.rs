//! `my_requests`: cache of the device's own requests from the
//! `GET /api/v1/my/requests` change feed (key: `service_request_id`).
//! Cache, but "local writes win": the sync does not apply pages while
//! request-kind outbox rows are unsent (see `api::requests`).

use congdan_protocol::MyRequest;
use rusqlite::{Connection, OptionalExtension, params};

use super::services::encode;
use super::to_millis;
use crate::Error;

/// Inserts or replaces requests. Errors: `storage`.
pub fn upsert(conn: &Connection, items: &[MyRequest]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO my_requests (id, detailed_status, requested_ms, body) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (id) DO UPDATE SET detailed_status = excluded.detailed_status, \
               requested_ms = excluded.requested_ms, body = excluded.body",
        )
        .map_err(Error::storage("my_requests prepare"))?;
    for item in items {
        stmt.execute(params![
            item.request.service_request_id,
            item.request.detailed_status.as_str(),
            to_millis(item.request.requested_datetime),
            encode(item)?
        ])
        .map_err(Error::storage("my_requests upsert"))?;
    }
    Ok(())
}

/// Deletes requests by id (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    for id in ids {
        conn.execute("DELETE FROM my_requests WHERE id = ?1", params![id])
            .map_err(Error::storage("my_requests delete"))?;
    }
    Ok(())
}

/// Decodes a stored body.
fn decode(body: &str) -> Result<MyRequest, Error> {
    serde_json::from_str(body).map_err(|e| Error::CorruptRow {
        what: "my_requests",
        reason: e.to_string(),
    })
}

/// Every cached request, newest first. Errors: `storage`.
pub fn all(conn: &Connection) -> Result<Vec<MyRequest>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT body FROM my_requests ORDER BY requested_ms DESC, id")
        .map_err(Error::storage("my_requests all prepare"))?;
    let bodies: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("my_requests all"))?;
    bodies.iter().map(|b| decode(b)).collect()
}

/// One request by id. Errors: `storage`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<MyRequest>, Error> {
    let body: Option<String> = conn
        .query_row(
            "SELECT body FROM my_requests WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::storage("my_requests get"))?;
    body.map(|b| decode(&b)).transpose()
}

/// `(id, detailed_status)` of every cached request, to detect status changes.
/// Errors: `storage`.
pub fn statuses(conn: &Connection) -> Result<Vec<(String, String)>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT id, detailed_status FROM my_requests")
        .map_err(Error::storage("my_requests statuses prepare"))?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("my_requests statuses"))
}

/// Number of cached requests. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT count(*) FROM my_requests", [], |r| r.get(0))
        .map_err(Error::storage("my_requests count"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::test_support::db;
    use chrono::{TimeZone, Utc};
    use congdan_protocol::open311::{DetailedStatus, ServiceRequest, Status};

    /// A request of the demo service with the given status.
    pub(crate) fn my_request(id: &str, status: DetailedStatus) -> MyRequest {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap();
        MyRequest {
            request: ServiceRequest {
                service_request_id: id.into(),
                status: status.status(),
                status_notes: None,
                service_name: "Dịch vụ a".into(),
                service_code: "a".into(),
                description: Some("Ổ gà trước nhà".into()),
                agency_responsible: "UBND".into(),
                service_notice: None,
                requested_datetime: at,
                updated_datetime: at,
                expected_datetime: Some(at + chrono::Duration::hours(8)),
                address: Some("Số 1".into()),
                address_id: None,
                zipcode: None,
                lat: None,
                long: None,
                media_url: None,
                detailed_status: status,
                officer: None,
                unit: Some("00004".into()),
                village: None,
                support_count: 0,
                media_urls: vec![],
            },
            timeline: vec![],
            answer: None,
            rating: None,
            reopen_count: 0,
        }
    }

    #[test]
    fn upsert_statuses_delete() {
        let db = db();
        upsert(&db.conn, &[my_request("1", DetailedStatus::Submitted)]).unwrap();
        upsert(&db.conn, &[my_request("1", DetailedStatus::Answered)]).unwrap();
        assert_eq!(
            statuses(&db.conn).unwrap(),
            vec![("1".to_string(), "answered".to_string())]
        );
        assert_eq!(
            get(&db.conn, "1").unwrap().unwrap().request.status,
            Status::Open
        );
        assert_eq!(all(&db.conn).unwrap().len(), 1);
        delete(&db.conn, &["1".into()]).unwrap();
        assert_eq!(count(&db.conn).unwrap(), 0);
    }
}
