//! The content change feeds (units, procedures, news; the per-unit feeds of
//! outages, alerts and bulletins share `head`, `changes` and `delete`): pages of
//! changes after a sequence number, tombstones and heads.

use congdan_protocol::{NewsItem, Procedure, Unit};

use super::{RawPage, Resource, Scope, StorageFuture, UpsertCounts};
use crate::changes::ChangeBell;

/// A resource's whole change feed as one compressed body, so that a device on
/// a poor link downloads its first copy in resumable byte ranges instead of
/// pages that a cut loses (built by `crate::bundles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedBundle {
    /// The `seq` it was cut at: the `next` of its page, where the feed goes on.
    pub head: u64,
    /// Strong ETag of `body`, for `If-Range` and `If-None-Match`.
    pub etag: String,
    /// When it was built (RFC 3339).
    pub built_at: String,
    /// zstd of the `Page` JSON.
    pub body: Vec<u8>,
}

/// The change feeds of public content.
///
/// Invariants every implementation keeps:
/// - one server-wide counter gives each change (insert, update, delete) a new,
///   strictly greater `seq`, and a reader never sees a change whose `seq` is
///   lower than one it has already seen;
/// - a key of a resource has either a live row or a tombstone, never both;
/// - an upsert of an identical item changes nothing (its `seq` is kept).
pub trait ContentStorage: Send + Sync + 'static {
    /// Highest `seq` of a resource's rows and tombstones visible in `scope` (0 when none).
    fn head(&self, resource: Resource, scope: Scope) -> StorageFuture<'_, u64>;

    /// The first `limit` changes with `seq > since`, items and tombstones merged by `seq`,
    /// with the head, all from one snapshot.
    fn changes(
        &self,
        resource: Resource,
        scope: Scope,
        since: u64,
        limit: u32,
    ) -> StorageFuture<'_, RawPage>;

    /// One unit by code.
    fn unit(&self, code: String) -> StorageFuture<'_, Option<Unit>>;

    /// The stored JSON texts of the units whose parent is `parent` (the
    /// provinces when `None`), by code.
    fn units_json(&self, parent: Option<String>) -> StorageFuture<'_, Vec<String>>;

    /// The stored JSON text of one procedure.
    fn procedure_json(&self, code: String) -> StorageFuture<'_, Option<String>>;

    /// Insert or update units by code.
    fn upsert_units(&self, units: Vec<Unit>) -> StorageFuture<'_, UpsertCounts>;

    /// Insert or update procedures by code.
    fn upsert_procedures(&self, procedures: Vec<Procedure>) -> StorageFuture<'_, UpsertCounts>;

    /// Insert or update news items by id.
    fn upsert_news(&self, items: Vec<NewsItem>) -> StorageFuture<'_, UpsertCounts>;

    /// Delete one row and write its tombstone. `false` when there was no such row.
    fn delete(&self, resource: Resource, key: String) -> StorageFuture<'_, bool>;

    /// The bundle last built of `resource`, if any.
    fn bundle(&self, resource: Resource) -> StorageFuture<'_, Option<FeedBundle>>;

    /// Keep `bundle` as `resource`'s, replacing the one before.
    fn put_bundle(&self, resource: Resource, bundle: FeedBundle) -> StorageFuture<'_, ()>;

    /// The bell this storage rings after each of its content writes commits
    /// (and, while [`ContentStorage::watch_changes`] runs, after other
    /// processes' writes), so that caches and long polls need not ask.
    fn bell(&self) -> &ChangeBell;

    /// Ring the bell now if another process wrote since the last look, when
    /// the engine can tell without reading a table (SQLite: `PRAGMA
    /// data_version`, microseconds); PostgreSQL does nothing here, its
    /// notifications ring. Called before each answer from memory, so that a
    /// write a command-line verb finished is in the very next answer.
    fn look_for_changes(&self);

    /// Ring the bell on other processes' writes until dropped: PostgreSQL
    /// keeps one `LISTEN` connection (reconnecting with backoff, and ringing
    /// after each reconnect); SQLite looks at `PRAGMA data_version` every 250
    /// ms, for long polls that no request wakes. `serve` runs it beside the server.
    fn watch_changes(&self) -> StorageFuture<'_, ()>;
}

#[cfg(test)]
pub(crate) mod tests {
    use congdan_protocol::UnitLevel;

    use super::*;
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(
        one_counter_orders_changes_across_resources,
        units_by_parent_are_stored_json_by_code,
        identical_upserts_keep_their_seq,
        news_pages_are_scoped_by_unit,
    );

    /// A province (no parent) or a commune.
    pub(crate) fn unit(code: &str, parent: Option<&str>) -> Unit {
        Unit {
            code: code.into(),
            name: format!("Xã {code}"),
            level: if parent.is_some() {
                UnitLevel::Commune
            } else {
                UnitLevel::Province
            },
            parent: parent.map(Into::into),
            kind: "Xã".into(),
        }
    }

    async fn one_counter_orders_changes_across_resources<S: ContentStorage>(s: &S) {
        s.upsert_units(vec![unit("01", None), unit("00004", Some("01"))])
            .await
            .unwrap();
        assert_eq!(s.head(Resource::Units, Scope::All).await.unwrap(), 2);
        assert!(s.delete(Resource::Units, "00004".into()).await.unwrap());
        assert!(!s.delete(Resource::Units, "00004".into()).await.unwrap());
        assert_eq!(s.head(Resource::Units, Scope::All).await.unwrap(), 3);
        // Another resource continues the same counter.
        assert_eq!(s.head(Resource::Procedures, Scope::All).await.unwrap(), 0);
        let page = s.changes(Resource::Units, Scope::All, 0, 10).await.unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.deleted, ["00004"]);
        assert_eq!(page.last_seq, Some(3));
        assert_eq!(page.head, 3);
        assert!(!page.more);
        assert_eq!(
            s.unit("01".into()).await.unwrap().unwrap().level,
            UnitLevel::Province
        );
        assert!(s.unit("00004".into()).await.unwrap().is_none());
        // Re-adding a deleted key removes its tombstone: live row or tombstone, never both.
        s.upsert_units(vec![unit("00004", Some("01"))])
            .await
            .unwrap();
        let page = s.changes(Resource::Units, Scope::All, 0, 10).await.unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(page.deleted.is_empty());
        assert_eq!(page.last_seq, Some(4));
    }

    async fn units_by_parent_are_stored_json_by_code<S: ContentStorage>(s: &S) {
        s.upsert_units(vec![
            unit("79", None),
            unit("01", None),
            unit("00007", Some("01")),
            unit("00004", Some("01")),
            unit("26734", Some("79")),
        ])
        .await
        .unwrap();
        let codes = |texts: Vec<String>| -> Vec<String> {
            texts
                .iter()
                .map(|t| serde_json::from_str::<Unit>(t).unwrap().code)
                .collect()
        };
        assert_eq!(codes(s.units_json(None).await.unwrap()), ["01", "79"]);
        assert_eq!(
            codes(s.units_json(Some("01".into())).await.unwrap()),
            ["00004", "00007"]
        );
        assert!(s.units_json(Some("99".into())).await.unwrap().is_empty());
    }

    /// A procedure with only what the feeds look at.
    pub(crate) fn procedure(code: &str, name: &str) -> Procedure {
        Procedure {
            code: code.into(),
            name: name.into(),
            decision: String::new(),
            levels: Vec::new(),
            field: "Hộ tịch".into(),
            applicants: String::new(),
            authority: String::new(),
            agency: "UBND xã".into(),
            address: String::new(),
            issuer: String::new(),
            steps: Vec::new(),
            channels: Vec::new(),
            documents: Vec::new(),
            legal_basis: Vec::new(),
            source_url: String::new(),
            aliases: Vec::new(),
        }
    }

    async fn identical_upserts_keep_their_seq<S: ContentStorage>(s: &S) {
        let first = s
            .upsert_procedures(vec![
                procedure("1.1", "Đăng ký khai sinh"),
                procedure("1.2", "B"),
            ])
            .await
            .unwrap();
        assert_eq!((first.inserted, first.updated, first.unchanged), (2, 0, 0));
        let again = s
            .upsert_procedures(vec![
                procedure("1.1", "Đăng ký khai sinh"),
                procedure("1.2", "Đổi"),
            ])
            .await
            .unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 1, 1));
        let page = s
            .changes(Resource::Procedures, Scope::All, 1, 10)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1, "only the changed one is after seq 1");
        assert!(page.items[0].contains("Đổi"));
        assert_eq!(page.last_seq, Some(3));
        let stored = s.procedure_json("1.1".into()).await.unwrap().unwrap();
        assert_eq!(
            serde_json::from_str::<Procedure>(&stored).unwrap().name,
            "Đăng ký khai sinh"
        );
        assert!(s.procedure_json("9.9".into()).await.unwrap().is_none());
    }

    fn news(id: &str, unit: &str) -> NewsItem {
        NewsItem {
            id: id.into(),
            unit: unit.into(),
            source: "UBND".into(),
            title: format!("Tin {id}"),
            summary: String::new(),
            body_html: String::new(),
            link: None,
            image: None,
            published_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    async fn news_pages_are_scoped_by_unit<S: ContentStorage>(s: &S) {
        s.upsert_news(vec![
            news("a", "01"),
            news("b", "79"),
            news("c", "VN"),
            news("d", "01"),
        ])
        .await
        .unwrap();
        assert!(s.delete(Resource::News, "a".into()).await.unwrap());
        assert!(s.delete(Resource::News, "b".into()).await.unwrap());
        let mine = Scope::Units(vec!["01".into(), "VN".into()]);
        assert_eq!(s.head(Resource::News, mine.clone()).await.unwrap(), 5);
        assert_eq!(
            s.head(Resource::News, Scope::Units(vec!["79".into()]))
                .await
                .unwrap(),
            6
        );
        assert_eq!(
            s.head(Resource::News, Scope::Units(Vec::new()))
                .await
                .unwrap(),
            0
        );
        // Pages of one change: c (3), d (4), the tombstone of a (5).
        let first = s.changes(Resource::News, mine.clone(), 0, 2).await.unwrap();
        assert_eq!(first.items.len(), 2);
        assert!(first.deleted.is_empty());
        assert_eq!((first.last_seq, first.more, first.head), (Some(4), true, 5));
        let second = s.changes(Resource::News, mine.clone(), 4, 2).await.unwrap();
        assert!(second.items.is_empty());
        assert_eq!(second.deleted, ["a"]);
        assert_eq!((second.last_seq, second.more), (Some(5), false));
        let empty = s.changes(Resource::News, mine, 5, 2).await.unwrap();
        assert_eq!(
            empty,
            RawPage {
                head: 5,
                ..RawPage::default()
            }
        );
        let none = s
            .changes(Resource::News, Scope::Units(Vec::new()), 0, 2)
            .await
            .unwrap();
        assert_eq!(none, RawPage::default());
    }
}
