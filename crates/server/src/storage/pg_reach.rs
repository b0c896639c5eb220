//! [`ReachStorage`] over PostgreSQL: reads `announcements`,
//! `announcement_units`, `announcement_acks`, `requests` and `request_updates`,
//! as in `sqlite_reach.rs`; writes nothing.

use chrono::{DateTime, Utc};

use super::reach::{AnsweredFact, PublishedFact, ReachStorage};
use super::sqlite_rows::{corrupt, parse_ts, ts};
use super::{PgStorage, StorageFuture};

impl ReachStorage for PgStorage {
    fn published_facts(
        &self,
        units: Vec<String>,
        since: DateTime<Utc>,
    ) -> StorageFuture<'_, Vec<PublishedFact>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT a.id, a.published_at, \
                       (SELECT COUNT(*) FROM announcement_acks k WHERE k.announcement_id = a.id) \
                     FROM announcements a WHERE a.status = 'published' AND a.published_at >= $1 \
                     AND EXISTS (SELECT 1 FROM announcement_units u \
                                 WHERE u.announcement_id = a.id AND u.unit = ANY($2))",
                    &[&ts(since), &units],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let id: String = row.try_get(0)?;
                    let at: String = row.try_get(1)?;
                    let acknowledged: i64 = row.try_get(2)?;
                    Ok(PublishedFact {
                        published_at: parse_ts("announcements", &id, &at)?,
                        acknowledged: u32::try_from(acknowledged)
                            .map_err(|e| corrupt("announcement_acks", &id, e))?,
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
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, requested_at, answered_at, due FROM ( \
                       SELECT r.id, r.requested_at, \
                         (SELECT MIN(u.at) FROM request_updates u \
                          WHERE u.request_id = r.id AND u.detailed_status = 'answered') \
                           AS answered_at, \
                         r.body::jsonb ->> 'expected_datetime' AS due \
                       FROM requests r WHERE r.unit = ANY($2)) facts \
                     WHERE answered_at >= $1",
                    &[&ts(since), &units],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let id = row.try_get::<_, i64>(0)?.to_string();
                    let requested: String = row.try_get(1)?;
                    let answered: String = row.try_get(2)?;
                    AnsweredFact::from_row(&id, &requested, &answered, row.try_get(3)?)
                })
                .collect()
        })
    }
}
