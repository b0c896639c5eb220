//! `public_requests`: cached public Open311 requests of a unit (the home
//! ward), so "phản ánh quanh tôi" shows offline. Cache: replaced per unit by
//! each successful fetch.

use congdan_protocol::open311::ServiceRequest;
use rusqlite::{Connection, params};

use super::services::encode;
use crate::Error;

/// Replaces the cached requests of `unit` (server order kept). Errors: `storage`.
pub fn replace(conn: &Connection, unit: &str, items: &[ServiceRequest]) -> Result<(), Error> {
    conn.execute("DELETE FROM public_requests WHERE unit = ?1", params![unit])
        .map_err(Error::storage("public_requests clear"))?;
    for (position, item) in items.iter().enumerate() {
        conn.execute(
            "INSERT OR REPLACE INTO public_requests (unit, id, position, body) VALUES (?1, ?2, ?3, ?4)",
            params![
                unit,
                item.service_request_id,
                i64::try_from(position).unwrap_or(i64::MAX),
                encode(item)?
            ],
        )
        .map_err(Error::storage("public_requests insert"))?;
    }
    Ok(())
}

/// The cached requests of `unit`, in server order (newest first). Errors: `storage`.
pub fn of_unit(conn: &Connection, unit: &str) -> Result<Vec<ServiceRequest>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT body FROM public_requests WHERE unit = ?1 ORDER BY position")
        .map_err(Error::storage("public_requests prepare"))?;
    let bodies: Vec<String> = stmt
        .query_map(params![unit], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("public_requests of unit"))?;
    bodies
        .iter()
        .map(|b| {
            serde_json::from_str(b).map_err(|e| Error::CorruptRow {
                what: "public_requests",
                reason: e.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::my_requests::tests::my_request;
    use crate::store::test_support::db;
    use congdan_protocol::open311::DetailedStatus;

    #[test]
    fn replace_per_unit() {
        let db = db();
        let a = my_request("1", DetailedStatus::Submitted).request;
        let b = my_request("2", DetailedStatus::Closed).request;
        replace(&db.conn, "00004", &[b.clone(), a.clone()]).unwrap();
        replace(&db.conn, "00007", std::slice::from_ref(&a)).unwrap();
        assert_eq!(of_unit(&db.conn, "00004").unwrap(), vec![b, a.clone()]);
        replace(&db.conn, "00004", &[]).unwrap();
        assert!(of_unit(&db.conn, "00004").unwrap().is_empty());
        assert_eq!(of_unit(&db.conn, "00007").unwrap(), vec![a]);
    }
}
