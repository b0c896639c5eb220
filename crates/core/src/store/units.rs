//! `units`: cached administrative units (provinces, communes and the villages
//! a commune's admin added below them).

use congdan_protocol::{Unit, UnitLevel};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Error;
use crate::search::fold;

/// Stored level text of a [`UnitLevel`].
fn level_str(level: UnitLevel) -> &'static str {
    match level {
        UnitLevel::Province => "province",
        UnitLevel::Commune => "commune",
        UnitLevel::Village => "village",
    }
}

/// The key units sort by: the folded name without its type word, so
/// "Thành phố Hà Nội" sorts under H next to "Tỉnh Hà Tĩnh".
fn sort_name(unit: &Unit) -> String {
    let bare = unit
        .name
        .strip_prefix(unit.kind.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&unit.name);
    fold(bare)
}

/// Decodes one `SELECT code, name, level, parent, kind` row.
fn from_row(row: &Row<'_>) -> rusqlite::Result<Unit> {
    let level: String = row.get(2)?;
    let level = match level.as_str() {
        "province" => UnitLevel::Province,
        "village" => UnitLevel::Village,
        _ => UnitLevel::Commune,
    };
    Ok(Unit {
        code: row.get(0)?,
        name: row.get(1)?,
        level,
        parent: row.get(3)?,
        kind: row.get(4)?,
    })
}

/// Inserts or replaces units by code. Errors: `storage`.
pub fn upsert(conn: &Connection, units: &[Unit]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO units (code, name, level, parent, kind, sort_name) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, \
               parent = excluded.parent, kind = excluded.kind, sort_name = excluded.sort_name",
        )
        .map_err(Error::storage("units upsert prepare"))?;
    for u in units {
        stmt.execute(params![
            u.code,
            u.name,
            level_str(u.level),
            u.parent,
            u.kind,
            sort_name(u)
        ])
        .map_err(Error::storage("units upsert"))?;
    }
    Ok(())
}

/// Deletes units by code (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, codes: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM units WHERE code = ?1")
        .map_err(Error::storage("units delete prepare"))?;
    for c in codes {
        stmt.execute(params![c])
            .map_err(Error::storage("units delete"))?;
    }
    Ok(())
}

/// One unit by code. Errors: `storage`.
pub fn get(conn: &Connection, code: &str) -> Result<Option<Unit>, Error> {
    conn.query_row(
        "SELECT code, name, level, parent, kind FROM units WHERE code = ?1",
        params![code],
        from_row,
    )
    .optional()
    .map_err(Error::storage("units get"))
}

/// All provinces, sorted by name. Errors: `storage`.
pub fn provinces(conn: &Connection) -> Result<Vec<Unit>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT code, name, level, parent, kind FROM units \
             WHERE level = 'province' ORDER BY sort_name, name, code",
        )
        .map_err(Error::storage("provinces prepare"))?;
    stmt.query_map([], from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("provinces"))
}

/// Communes of a province, sorted by name. Errors: `storage`.
pub fn communes(conn: &Connection, province: &str) -> Result<Vec<Unit>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT code, name, level, parent, kind FROM units \
             WHERE level = 'commune' AND parent = ?1 ORDER BY sort_name, name, code",
        )
        .map_err(Error::storage("communes prepare"))?;
    stmt.query_map(params![province], from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("communes"))
}

/// Number of stored units. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT count(*) FROM units", [], |r| r.get(0))
        .map_err(Error::storage("units count"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    fn unit(code: &str, name: &str, kind: &str, parent: Option<&str>) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            level: if parent.is_some() {
                UnitLevel::Commune
            } else {
                UnitLevel::Province
            },
            parent: parent.map(Into::into),
            kind: kind.into(),
        }
    }

    #[test]
    fn provinces_sort_by_bare_name_and_communes_by_parent() {
        let db = db();
        upsert(
            &db.conn,
            &[
                unit("79", "Thành phố Hồ Chí Minh", "Thành phố", None),
                unit("01", "Thành phố Hà Nội", "Thành phố", None),
                unit("89", "Tỉnh An Giang", "Tỉnh", None),
                unit("00004", "Phường Ba Đình", "Phường", Some("01")),
                unit("00008", "Phường Ngọc Hà", "Phường", Some("01")),
                unit("30280", "Xã Mỹ Hòa Hưng", "Xã", Some("89")),
            ],
        )
        .unwrap();
        let names: Vec<_> = provinces(&db.conn)
            .unwrap()
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(names, ["89", "01", "79"]);
        let communes: Vec<_> = communes(&db.conn, "01")
            .unwrap()
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(communes, ["00004", "00008"]);
        assert_eq!(count(&db.conn).unwrap(), 6);

        upsert(
            &db.conn,
            &[unit("00004", "Phường Ba Đình Mới", "Phường", Some("01"))],
        )
        .unwrap();
        assert_eq!(
            get(&db.conn, "00004").unwrap().unwrap().name,
            "Phường Ba Đình Mới"
        );
        delete(&db.conn, &["00004".into(), "nope".into()]).unwrap();
        assert_eq!(get(&db.conn, "00004").unwrap(), None);
        assert_eq!(count(&db.conn).unwrap(), 5);
    }
}
