//! Whole change feeds as one compressed body (issue 12). On a 2G link that is
//! up five seconds in fifteen, a device's first copy of the catalogue (2,642
//! procedures) came a page at a time, and a page cut mid-way kept nothing: about
//! two procedures per up period, six hours in all. The bundle is the same
//! changes a device would page through from `since=0`, written as one `Page`
//! whose `next` is the head it was cut at and compressed once, hard (zstd level
//! [`LEVEL`]: half the bytes of the pages compressed one by one). It is served
//! byte for byte with ranges, so every byte that arrives is kept; the device then
//! follows the feed from `next` as usual. A bundle older than the feed is still
//! correct, only followed by more pages, so it is rebuilt after an ingest rather
//! than on every write.

use chrono::{SecondsFormat, Utc};
use congdan_protocol::sync::MAX_PAGE_LIMIT;
use sha2::{Digest, Sha256};

use crate::feed::page_body;
use crate::storage::{FeedBundle, RawPage, Resource, Scope, Storage, StorageError};

/// zstd level of bundles: about 8 s of one core for the catalogue (19 MB of
/// JSON to 0.98 MB), paid once per ingest, not per device.
pub const LEVEL: i32 = 19;

/// Why a bundle could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Reading the feed or keeping the bundle failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The compressor failed (out of memory) or its worker died.
    #[error("compressing the {resource} bundle failed: {reason}")]
    Compress {
        /// Resource name.
        resource: &'static str,
        /// What failed.
        reason: String,
    },
}

/// Builds the bundle of `resource` (scope `all`) from its feed and keeps it,
/// unless the kept one is already at the feed's head. Returns the bundle kept.
pub async fn refresh(storage: &dyn Storage, resource: Resource) -> Result<FeedBundle, BundleError> {
    let head = storage.head(resource, Scope::All).await?;
    if let Some(kept) = storage.bundle(resource).await?
        && kept.head == head
    {
        return Ok(kept);
    }
    let bundle = build(storage, resource).await?;
    storage.put_bundle(resource, bundle.clone()).await?;
    tracing::info!(
        resource = resource.as_str(),
        head = bundle.head,
        bytes = bundle.body.len(),
        "feed bundle built"
    );
    Ok(bundle)
}

/// Reads the whole feed of `resource` page by page, as a device would, and
/// compresses it as one page. Tombstones are left out: a device that starts
/// from a bundle holds nothing they could delete.
async fn build(storage: &dyn Storage, resource: Resource) -> Result<FeedBundle, BundleError> {
    let mut whole = RawPage {
        items: Vec::new(),
        deleted: Vec::new(),
        last_seq: None,
        more: false,
        head: 0,
    };
    let mut since = 0;
    loop {
        let page = storage
            .changes(resource, Scope::All, since, MAX_PAGE_LIMIT)
            .await?;
        whole.items.extend(page.items);
        whole.head = page.head;
        if let Some(last) = page.last_seq {
            whole.last_seq = Some(last);
            since = last;
        }
        if !page.more || page.last_seq.is_none() {
            break;
        }
    }
    let head = whole.last_seq.unwrap_or(0);
    let json = page_body(&whole, 0);
    let name = resource.as_str();
    let body = tokio::task::spawn_blocking(move || zstd::bulk::compress(&json, LEVEL))
        .await
        .map_err(|e| BundleError::Compress {
            resource: name,
            reason: e.to_string(),
        })?
        .map_err(|e| BundleError::Compress {
            resource: name,
            reason: e.to_string(),
        })?;
    let digest = Sha256::digest(&body);
    let etag = format!("\"{name}-{head}-{}\"", hex(&digest[..8]));
    Ok(FeedBundle {
        head,
        etag,
        built_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        body,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use congdan_protocol::{Page, Procedure};

    use super::*;
    use crate::storage::SqliteStorage;
    use crate::storage::content::tests::procedure;

    #[tokio::test]
    async fn a_bundle_holds_the_live_feed_and_is_rebuilt_only_when_the_feed_moved() {
        let dir = tempfile::tempdir().unwrap();
        let storage: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open(&dir.path().join("s.db")).unwrap());
        let many: Vec<Procedure> = (0..1_203)
            .map(|i| procedure(&format!("1.{i:06}"), "Thủ tục"))
            .collect();
        storage.upsert_procedures(many).await.unwrap();
        storage
            .delete(Resource::Procedures, "1.000007".into())
            .await
            .unwrap();
        let head = storage
            .head(Resource::Procedures, Scope::All)
            .await
            .unwrap();

        let first = refresh(storage.as_ref(), Resource::Procedures)
            .await
            .unwrap();
        assert_eq!(first.head, head, "cut at the head, past more than one page");
        let json = zstd::stream::decode_all(first.body.as_slice()).unwrap();
        let page: Page<Procedure> = serde_json::from_slice(&json).unwrap();
        assert_eq!(page.items.len(), 1_202, "the deleted one is left out");
        assert!(page.items.iter().all(|p| p.code != "1.000007"));
        assert!(page.deleted.is_empty());
        assert_eq!(page.next, head.to_string());
        assert!(!page.more);

        let again = refresh(storage.as_ref(), Resource::Procedures)
            .await
            .unwrap();
        assert_eq!(
            again, first,
            "nothing moved: the kept bundle, not a new build"
        );

        storage
            .upsert_procedures(vec![procedure("2.000001", "Thủ tục mới")])
            .await
            .unwrap();
        let moved = refresh(storage.as_ref(), Resource::Procedures)
            .await
            .unwrap();
        assert_eq!(moved.head, head + 1);
        assert_ne!(moved.etag, first.etag);
        assert_eq!(
            storage.bundle(Resource::Procedures).await.unwrap(),
            Some(moved)
        );
    }
}
