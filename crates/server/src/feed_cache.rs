//! Answers of the change feeds kept in memory (issue 12): the head of each
//! (resource, scope), the units looked up by code, and list pages already
//! written and encoded, keyed by resource, scope, `since`, `limit` and coding.
//! A 304 then costs no database query, and a repeated 200 no query, no
//! serialisation and no compression.
//!
//! Everything is dropped when the process's [`ChangeBell`] rings (a content
//! write of this process or, heard through the storage's watcher, of another),
//! and nothing is served from memory while the bell cannot hear every change
//! ([`ChangeBell::hears_everything`]). A value read from the database is kept
//! under the generation read before the query, so a write that rings during
//! the query leaves nothing stale behind.
//!
//! A request reads through [`FeedCache::now`], which asks the storage once
//! whether another process wrote ([`crate::storage::ContentStorage::look_for_changes`]):
//! once per request, not per lookup, so that a 304 (a unit and a head) costs
//! one look.
//!
//! Bounded: at most [`MAX_HEADS`] heads, [`MAX_UNITS`] units (codes of at
//! most [`MAX_CODE_BYTES`]) and [`MAX_PAGES`] pages of together at most
//! [`MAX_PAGE_BYTES`] bytes of body; the oldest entries go first. About 38
//! MiB at worst.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use congdan_protocol::Unit;

use crate::changes::ChangeBell;
use crate::encoding::Encoding;
use crate::feed::{etag, page_body};
use crate::storage::{Resource, Scope, Storage, StorageError};

/// Most heads kept (one per resource and scope asked for; about 100 bytes each).
pub const MAX_HEADS: usize = 8192;
/// Most units kept, known or not (about 300 bytes each; Việt Nam has about
/// 3,400 communes and wards).
pub const MAX_UNITS: usize = 16384;
/// Longest unit code kept (codes are 2 to 5 characters).
pub const MAX_CODE_BYTES: usize = 16;
/// Most list pages kept (each coding of a page counts once).
pub const MAX_PAGES: usize = 512;
/// Most bytes of page bodies kept.
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// One list page ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPage {
    /// Weak ETag of the feed at the page's head.
    pub etag: String,
    /// Coding of `body`.
    pub encoding: Encoding,
    /// The `Page<T>` JSON, in `encoding`.
    pub body: Bytes,
}

/// Which page of which feed, in which coding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    resource: Resource,
    scope: Scope,
    since: u64,
    limit: u32,
    encoding: Encoding,
}

/// The memory of the change feeds of one process. Shared by every handler.
pub struct FeedCache {
    storage: Arc<dyn Storage>,
    entries: Mutex<Entries>,
}

impl std::fmt::Debug for FeedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.lock();
        f.debug_struct("FeedCache")
            .field("generation", &entries.generation)
            .field("heads", &entries.heads.map.len())
            .field("units", &entries.units.map.len())
            .field("pages", &entries.pages.map.len())
            .field("page_bytes", &entries.pages.bytes)
            .finish()
    }
}

/// What is known at one bell generation.
struct Entries {
    generation: u64,
    heads: Bounded<(Resource, Scope), u64>,
    units: Bounded<String, Option<Unit>>,
    pages: Bounded<PageKey, EncodedPage>,
}

impl FeedCache {
    /// An empty cache over `storage`, forgetting on its bell.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self::with_bounds(storage, MAX_PAGES, MAX_PAGE_BYTES)
    }

    fn with_bounds(storage: Arc<dyn Storage>, max_pages: usize, max_page_bytes: usize) -> Self {
        let generation = storage.bell().generation();
        Self {
            storage,
            entries: Mutex::new(Entries {
                generation,
                heads: Bounded::new(MAX_HEADS, usize::MAX),
                units: Bounded::new(MAX_UNITS, usize::MAX),
                pages: Bounded::new(max_pages, max_page_bytes),
            }),
        }
    }

    fn bell(&self) -> &ChangeBell {
        self.storage.bell()
    }

    /// The feeds as one request sees them: writes of other processes that
    /// finished before this call are in every answer of the returned view.
    /// Take one per request (a long poll, one after each wait).
    pub fn now(&self) -> FeedsNow<'_> {
        self.storage.look_for_changes();
        FeedsNow { cache: self }
    }
}

/// The change feeds for one request, from [`FeedCache::now`]: lookups from
/// memory when the bell allows, without asking the storage again whether
/// another process wrote.
#[derive(Debug, Clone, Copy)]
pub struct FeedsNow<'a> {
    cache: &'a FeedCache,
}

impl FeedsNow<'_> {
    /// Highest `seq` of `resource` in `scope` ([`crate::storage::ContentStorage::head`]).
    pub async fn head(&self, resource: Resource, scope: Scope) -> Result<u64, StorageError> {
        self.cache
            .remembered(
                |e| &mut e.heads,
                (resource, scope),
                |(resource, scope)| async move {
                    Ok((self.cache.storage.head(resource, scope).await?, 0))
                },
            )
            .await
    }

    /// One unit by code ([`crate::storage::ContentStorage::unit`]). Codes
    /// longer than [`MAX_CODE_BYTES`] (no unit has one) are asked every time,
    /// so that junk in `?unit=` cannot fill memory.
    pub async fn unit(&self, code: &str) -> Result<Option<Unit>, StorageError> {
        if code.len() > MAX_CODE_BYTES {
            return self.cache.storage.unit(code.to_owned()).await;
        }
        self.cache
            .remembered(
                |e| &mut e.units,
                code.to_owned(),
                |code| async move { Ok((self.cache.storage.unit(code).await?, 0)) },
            )
            .await
    }

    /// The page of changes of `resource` in `scope` after `since` (at most
    /// `limit`), written as `Page<T>` JSON in `encoding`.
    pub async fn page(
        &self,
        resource: Resource,
        scope: Scope,
        since: u64,
        limit: u32,
        encoding: Encoding,
    ) -> Result<EncodedPage, StorageError> {
        let key = PageKey {
            resource,
            scope,
            since,
            limit,
            encoding,
        };
        if encoding == Encoding::Identity {
            return self.plain_page(key).await;
        }
        self.cache
            .remembered(
                |e| &mut e.pages,
                key,
                move |key: PageKey| async move {
                    let plain = self
                        .plain_page(PageKey {
                            encoding: Encoding::Identity,
                            ..key
                        })
                        .await?;
                    let page = match encoding.encode(&plain.body) {
                        Ok(body) => EncodedPage {
                            body: body.into(),
                            encoding,
                            ..plain
                        },
                        Err(e) => {
                            tracing::error!(error = %e, "cannot encode a page; sending it plain");
                            plain
                        }
                    };
                    let bytes = page.body.len();
                    Ok((page, bytes))
                },
            )
            .await
    }

    /// The identity page of `key`, from memory or the database.
    async fn plain_page(&self, key: PageKey) -> Result<EncodedPage, StorageError> {
        self.cache
            .remembered(
                |e| &mut e.pages,
                key,
                |key: PageKey| async move {
                    let page = self
                        .cache
                        .storage
                        .changes(key.resource, key.scope, key.since, key.limit)
                        .await?;
                    tracing::debug!(
                        resource = key.resource.as_str(),
                        items = page.items.len(),
                        deleted = page.deleted.len(),
                        more = page.more,
                        "serving page"
                    );
                    let body = Bytes::from(page_body(&page, key.since));
                    let bytes = body.len();
                    Ok((
                        EncodedPage {
                            etag: etag(key.resource, page.head),
                            encoding: Encoding::Identity,
                            body,
                        },
                        bytes,
                    ))
                },
            )
            .await
    }
}

impl FeedCache {
    /// The value of `key` in `table`, from memory when the bell allows, else
    /// from `fill` (given the key; it also says how many bytes the value
    /// holds), kept for the generation read before `fill` ran. The key is
    /// cloned only on a miss the value will be kept for.
    async fn remembered<K, V, F, Fut>(
        &self,
        table: fn(&mut Entries) -> &mut Bounded<K, V>,
        key: K,
        fill: F,
    ) -> Result<V, StorageError>
    where
        K: Eq + Hash + Clone,
        V: Clone,
        F: FnOnce(K) -> Fut,
        Fut: Future<Output = Result<(V, usize), StorageError>>,
    {
        let bell = self.bell();
        if !bell.hears_everything() {
            return Ok(fill(key).await?.0);
        }
        let generation = bell.generation();
        if let Some(Some(value)) = self.at(generation, |e| table(e).get(&key).cloned()) {
            return Ok(value);
        }
        let (value, bytes) = fill(key.clone()).await?;
        self.at(generation, |e| table(e).insert(key, value.clone(), bytes));
        Ok(value)
    }

    /// Run `work` on the entries of `generation`: entries of an older one
    /// are dropped first; `None` when they already belong to a newer one.
    fn at<T>(&self, generation: u64, work: impl FnOnce(&mut Entries) -> T) -> Option<T> {
        let mut entries = self.lock();
        if generation != entries.generation {
            // Generations only grow (wrapping after 2^64 rings is not a concern).
            if generation < entries.generation {
                return None;
            }
            entries.generation = generation;
            entries.heads.clear();
            entries.units.clear();
            entries.pages.clear();
        }
        Some(work(&mut entries))
    }

    /// Lock the entries; a panic while they were held leaves at worst a
    /// missing entry, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A map bounded in entries and bytes, dropping its oldest entries first.
struct Bounded<K, V> {
    map: HashMap<K, (V, usize)>,
    order: VecDeque<K>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<K: Eq + Hash + Clone, V> Bounded<K, V> {
    fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|(value, _)| value)
    }

    /// Keep `value` (of `bytes` bytes), making room; a value larger than
    /// the whole budget is not kept, and a key already there is kept as is.
    fn insert(&mut self, key: K, value: V, bytes: usize) {
        if bytes > self.max_bytes || self.max_entries == 0 || self.map.contains_key(&key) {
            return;
        }
        while self.map.len() >= self.max_entries || self.bytes + bytes > self.max_bytes {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, freed)) = self.map.remove(&oldest) {
                self.bytes -= freed;
            }
        }
        self.bytes += bytes;
        self.order.push_back(key.clone());
        self.map.insert(key, (value, bytes));
    }

    fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
        self.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use congdan_protocol::NewsItem;

    use super::*;
    use crate::storage::{ContentStorage, SqliteStorage};

    #[test]
    fn bounded_keeps_its_entry_and_byte_limits_oldest_out_first() {
        let mut b: Bounded<u32, &str> = Bounded::new(3, 10);
        b.insert(1, "a", 4);
        b.insert(2, "b", 4);
        assert_eq!((b.map.len(), b.bytes), (2, 8));
        // Over the byte budget: the oldest goes.
        b.insert(3, "c", 4);
        assert_eq!(b.get(&1), None);
        assert_eq!((b.get(&2), b.get(&3), b.bytes), (Some(&"b"), Some(&"c"), 8));
        // Over the entry budget: the oldest goes.
        b.insert(4, "d", 0);
        b.insert(5, "e", 0);
        assert_eq!(b.get(&2), None);
        assert_eq!(b.map.len(), 3);
        assert!(b.bytes <= 10);
        // Larger than the whole budget: not kept, nothing dropped for it.
        b.insert(6, "f", 11);
        assert_eq!((b.get(&6), b.map.len()), (None, 3));
        // A key already there keeps its first value.
        b.insert(5, "E", 0);
        assert_eq!(b.get(&5), Some(&"e"));
        b.clear();
        assert_eq!((b.map.len(), b.order.len(), b.bytes), (0, 0, 0));
    }

    fn news(id: &str, title: &str) -> NewsItem {
        NewsItem {
            id: id.into(),
            unit: "VN".into(),
            source: "UBND".into(),
            title: title.into(),
            summary: String::new(),
            body_html: String::new(),
            link: None,
            image: None,
            published_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn scope() -> Scope {
        Scope::Units(vec!["VN".into()])
    }

    /// Rows written on a connection of their own, as another process would.
    fn write_behind(path: &std::path::Path, title: &str) {
        rusqlite::Connection::open(path)
            .unwrap()
            .execute(
                "UPDATE news SET body = json_set(body, '$.title', ?1)",
                [title],
            )
            .unwrap();
    }

    /// A database with one news item ("Cũ") and a cache over it.
    async fn one_news_item() -> (tempfile::TempDir, Arc<SqliteStorage>, FeedCache) {
        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(SqliteStorage::open(&dir.path().join("s.db")).unwrap());
        storage.upsert_news(vec![news("a", "Cũ")]).await.unwrap();
        let cache = FeedCache::new(storage.clone());
        (dir, storage, cache)
    }

    #[tokio::test]
    async fn answers_come_from_memory_until_the_bell_rings() {
        let (dir, storage, cache) = one_news_item().await;
        let path = dir.path().join("s.db");
        let first = cache
            .now()
            .page(Resource::News, scope(), 0, 10, Encoding::Identity)
            .await
            .unwrap();
        assert_eq!(first.etag, "W/\"news-1\"");
        let zstd = cache
            .now()
            .page(Resource::News, scope(), 0, 10, Encoding::Zstd)
            .await
            .unwrap();
        assert_eq!(zstd.encoding, Encoding::Zstd);
        assert_eq!(zstd::decode_all(&zstd.body[..]).unwrap(), first.body);
        assert_eq!(cache.now().head(Resource::News, scope()).await.unwrap(), 1);
        assert_eq!(cache.now().unit("00004").await.unwrap(), None);
        assert_eq!(cache.now().unit(&"0".repeat(17)).await.unwrap(), None);
        assert_eq!(cache.lock().units.map.len(), 1, "a junk code is not kept");
        // Asked again: the very same bytes, neither read nor written again.
        for encoding in [Encoding::Identity, Encoding::Zstd] {
            let again = cache
                .now()
                .page(Resource::News, scope(), 0, 10, encoding)
                .await
                .unwrap();
            let kept = if encoding == Encoding::Zstd {
                &zstd
            } else {
                &first
            };
            assert_eq!(again.body.as_ptr(), kept.body.as_ptr(), "{encoding:?}");
        }
        let other = cache
            .now()
            .page(Resource::News, scope(), 0, 9, Encoding::Identity)
            .await
            .unwrap();
        assert_ne!(
            other.body.as_ptr(),
            first.body.as_ptr(),
            "limit is in the key"
        );

        // Another connection (another process) writes: PRAGMA data_version
        // moves, so the next answer is read again.
        write_behind(&path, "Mới");
        let again = cache
            .now()
            .page(Resource::News, scope(), 0, 10, Encoding::Identity)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&again.body).contains("Mới"));

        // A write through the storage rings: the head moves in memory too.
        storage.upsert_news(vec![news("b", "Thêm")]).await.unwrap();
        assert_eq!(cache.now().head(Resource::News, scope()).await.unwrap(), 2);
        let page = cache
            .now()
            .page(Resource::News, scope(), 0, 10, Encoding::Identity)
            .await
            .unwrap();
        assert_eq!(page.etag, "W/\"news-2\"");
    }

    /// Issue 12: a request's view looks for other processes' writes once,
    /// when it is taken, not at each lookup; the next view sees them.
    #[tokio::test]
    async fn a_view_looks_once_the_next_view_sees_other_writes() {
        let (dir, _storage, cache) = one_news_item().await;
        let path = dir.path().join("s.db");
        let feeds = cache.now();
        let read = |page: EncodedPage| String::from_utf8_lossy(&page.body).into_owned();
        let page = || feeds.page(Resource::News, scope(), 0, 10, Encoding::Identity);
        assert!(read(page().await.unwrap()).contains("Cũ"));
        write_behind(&path, "Mới");
        assert!(
            read(page().await.unwrap()).contains("Cũ"),
            "the view did not look again"
        );
        let next = cache
            .now()
            .page(Resource::News, scope(), 0, 10, Encoding::Identity)
            .await
            .unwrap();
        assert!(read(next).contains("Mới"), "a new view looked");
    }

    /// A head read while the bell rang is not kept; one read within a
    /// generation is; nothing is kept while the bell cannot hear everything.
    #[tokio::test]
    async fn only_values_read_within_one_generation_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(SqliteStorage::open(&dir.path().join("s.db")).unwrap());
        let cache = FeedCache::new(storage.clone());
        let key = (Resource::News, scope());
        let head = |value: u64, ring: bool| {
            let bell = storage.bell().clone();
            cache.remembered(
                |e| &mut e.heads,
                key.clone(),
                move |_| async move {
                    if ring {
                        bell.ring();
                    }
                    Ok((value, 0))
                },
            )
        };
        assert_eq!(head(7, true).await.unwrap(), 7);
        assert_eq!(head(8, false).await.unwrap(), 8, "7 was read across a ring");
        assert_eq!(head(9, false).await.unwrap(), 8, "8 is kept");
        storage.bell().set_hearing(false);
        assert_eq!(head(10, false).await.unwrap(), 10, "deaf: asked every time");
        assert_eq!(head(11, false).await.unwrap(), 11);
        storage.bell().set_hearing(true);
        assert_eq!(head(12, false).await.unwrap(), 12, "hearing again rang");
        assert_eq!(head(13, false).await.unwrap(), 12);
    }
}
