//! [`ReachStorage`] over SQLite: reads `announcements`, `announcement_units`,
//! `announcement_acks`, `requests` and `request_updates`; writes nothing.

use chrono::{DateTime, Utc};
use rusqlite::params_from_iter;

use super::reach::{AnsweredFact, PublishedFact, ReachStorage};
use super::sqlite_rows::{parse_ts, ts};
use super::{SqliteStorage, StorageFuture};

/// `?2, ?3, …` for `n` units after the `since` parameter.
fn marks(n: usize) -> String {
    (2..n + 2)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ReachStorage for SqliteStorage {
    fn published_facts(
        &self,
        units: Vec<String>,
        since: DateTime<Utc>,
    ) -> StorageFuture<'_, Vec<PublishedFact>> {
        self.read(move |conn| {
            if units.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                "SELECT a.id, a.published_at, \
                   (SELECT COUNT(*) FROM announcement_acks k WHERE k.announcement_id = a.id) \
                 FROM announcements a WHERE a.status = 'published' AND a.published_at >= ?1 \
                 AND EXISTS (SELECT 1 FROM announcement_units u WHERE u.announcement_id = a.id \
                             AND u.unit IN ({}))",
                marks(units.len())
            );
            let args: Vec<String> = std::iter::once(ts(since)).chain(units).collect();
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map(params_from_iter(args.iter()), |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, u32>(2)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, at, acknowledged)| {
                    Ok(PublishedFact {
                        published_at: parse_ts("announcements", &id, &at)?,
                        acknowledged,
                    })
                })
                .collect()
        })
    }

    fn answered_facts(
        &self,
        units: Vec<String>,
        since: DateTime<Utc>,
    ) -> StorageFuture<'_, Vec<AnsweredFact>> {
        self.read(move |conn| {
            if units.is_empty() {
                return Ok(Vec::new());
            }
            let sql = format!(
                "SELECT r.id, r.requested_at, \
                   (SELECT MIN(u.at) FROM request_updates u \
                    WHERE u.request_id = r.id AND u.detailed_status = 'answered') AS answered_at, \
                   json_extract(r.body, '$.expected_datetime') \
                 FROM requests r WHERE r.unit IN ({}) AND answered_at >= ?1",
                marks(units.len())
            );
            let args: Vec<String> = std::iter::once(ts(since)).chain(units).collect();
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map(params_from_iter(args.iter()), |row| {
                    Ok((
                        row.get::<_, i64>(0)?.to_string(),
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(id, requested, answered, due)| {
                    AnsweredFact::from_row(&id, &requested, &answered, due)
                })
                .collect()
        })
    }
}
