//! `services`: cached Open311 services and their definitions (forms), so a
//! request can be written and validated offline. Cache: replaced wholesale by
//! each successful pull.

use congdan_protocol::open311::{Service, ServiceDefinition};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// Decodes a stored JSON column.
fn decode<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::CorruptRow {
        what,
        reason: e.to_string(),
    })
}

/// Encodes a value for a JSON column.
pub(crate) fn encode<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal {
        reason: format!("json encode: {e}"),
    })
}

/// Replaces every cached service (in the caller's transaction). Errors: `storage`.
pub fn replace(
    conn: &Connection,
    services: &[(Service, Option<ServiceDefinition>)],
) -> Result<(), Error> {
    conn.execute("DELETE FROM services", [])
        .map_err(Error::storage("services clear"))?;
    for (position, (service, definition)) in services.iter().enumerate() {
        let definition = definition.as_ref().map(encode).transpose()?;
        conn.execute(
            "INSERT OR REPLACE INTO services (code, position, body, definition) VALUES (?1, ?2, ?3, ?4)",
            params![
                service.service_code,
                i64::try_from(position).unwrap_or(i64::MAX),
                encode(service)?,
                definition
            ],
        )
        .map_err(Error::storage("services insert"))?;
    }
    Ok(())
}

/// Every cached service, in the server's order. Errors: `storage`.
pub fn all(conn: &Connection) -> Result<Vec<Service>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT body FROM services ORDER BY position")
        .map_err(Error::storage("services prepare"))?;
    let bodies: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("services all"))?;
    bodies.iter().map(|b| decode("services", b)).collect()
}

/// One service and its definition (`None` when the service has no form).
/// Errors: `storage` (also for a corrupt row).
pub fn get(
    conn: &Connection,
    code: &str,
) -> Result<Option<(Service, Option<ServiceDefinition>)>, Error> {
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT body, definition FROM services WHERE code = ?1",
            params![code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(Error::storage("services get"))?;
    let Some((body, definition)) = row else {
        return Ok(None);
    };
    let service = decode("services", &body)?;
    let definition = definition
        .map(|d| decode("service definition", &d))
        .transpose()?;
    Ok(Some((service, definition)))
}

/// Number of cached services. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT count(*) FROM services", [], |r| r.get(0))
        .map_err(Error::storage("services count"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::test_support::db;
    use congdan_protocol::open311::{Attribute, AttributeValue, Datatype};

    /// A demo service with one required list question and one optional number.
    pub(crate) fn service(code: &str) -> (Service, Option<ServiceDefinition>) {
        (
            Service {
                service_code: code.into(),
                service_name: format!("Dịch vụ {code}"),
                description: "Mô tả".into(),
                metadata: true,
                kind: "realtime".into(),
                keywords: "đường".into(),
                group: "Phản ánh hiện trường".into(),
            },
            Some(ServiceDefinition {
                service_code: code.into(),
                attributes: vec![
                    Attribute {
                        variable: true,
                        code: "muc_do".into(),
                        datatype: Datatype::Singlevaluelist,
                        required: true,
                        datatype_description: "Chọn một mức".into(),
                        order: 1,
                        description: "Mức độ".into(),
                        values: vec![
                            AttributeValue {
                                key: "nhe".into(),
                                name: "Nhẹ".into(),
                            },
                            AttributeValue {
                                key: "nang".into(),
                                name: "Nặng".into(),
                            },
                        ],
                    },
                    Attribute {
                        variable: true,
                        code: "so_met".into(),
                        datatype: Datatype::Number,
                        required: false,
                        datatype_description: "Một số".into(),
                        order: 2,
                        description: "Chiều dài (m)".into(),
                        values: vec![],
                    },
                ],
            }),
        )
    }

    #[test]
    fn replace_all_get() {
        let db = db();
        replace(&db.conn, &[service("b"), service("a")]).unwrap();
        let all = all(&db.conn).unwrap();
        assert_eq!(all[0].service_code, "b");
        assert_eq!(count(&db.conn).unwrap(), 2);
        let (s, d) = get(&db.conn, "a").unwrap().unwrap();
        assert_eq!(s.service_code, "a");
        assert_eq!(d.unwrap().attributes.len(), 2);
        replace(&db.conn, &[service("c")]).unwrap();
        assert!(get(&db.conn, "a").unwrap().is_none());
    }
}
