//! A device's first catalogue as one compressed body (issue 12). Paged, the
//! catalogue came about two procedures per up period on a 2G link up five
//! seconds in fifteen, because a page cut mid-way keeps nothing; the bundle
//! (`GET /api/v1/procedures/bundle`, see docs/PROTOCOL.md "Bundles") is the same
//! changes as one zstd `Page`, half the bytes, fetched in ranges that keep every
//! byte that arrives ([`super::ranged`]). Once whole it is decoded and checked,
//! its items and its cursor are stored in one transaction, and the feed goes on
//! from that cursor as usual.
//!
//! Only a device whose catalogue cursor is still `0` asks for it. A server
//! without one (404), a body that does not decode, or any other answer the
//! device cannot use sends the device to the paged feed; only a link that fails
//! fails the sync, with the bytes kept for the next one.

use std::io::Read;
use std::sync::Mutex;

use congdan_protocol::{Page, Procedure};
use rusqlite::Connection;

use super::ranged::{self, Fetched, Target};
use super::transport::Transport;
use super::{PageProgress, apply_procedures, lock};
use crate::Error;
use crate::store::{downloads, sync_state};

/// The `downloads` row of the bundle being fetched.
pub const DOWNLOAD: &str = "bundle.procedures";
/// Path of the catalogue's bundle.
pub const PATH: &str = "/api/v1/procedures/bundle";
/// Bytes asked for per request: about a minute on 2G. A cut keeps what came, so
/// bigger ranges only save round trips (four for the demo catalogue's 0.98 MB).
pub const CHUNK: u64 = 256 * 1024;
/// Most bytes a bundle may decode to (the demo catalogue: 19 MB), so that a
/// hostile body cannot fill the device's memory.
pub const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

const RESOURCE: &str = "procedures";
const SCOPE: &str = "all";

/// Fetches and stores the catalogue's bundle when the device holds no
/// catalogue yet; reports bytes kept as progress of `procedures`. Returns the
/// procedures stored (0 when the bundle was not used). Errors: `offline`
/// (bytes kept), `server_unavailable`, `storage`.
pub async fn pull<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    progress: &(dyn Fn(PageProgress) + Send + Sync),
) -> Result<u32, Error> {
    {
        let conn = lock(db);
        if sync_state::get(&conn, RESOURCE, SCOPE)?.cursor != "0" {
            downloads::clear(&conn, DOWNLOAD)?;
            return Ok(0);
        }
    }
    let target = Target {
        resource: RESOURCE,
        download: DOWNLOAD,
        key: String::new(),
        path: PATH.to_string(),
        current: None,
    };
    let kept = |held: u64, _total: u64| {
        progress(PageProgress {
            resource: RESOURCE,
            page: 0,
            items: 0,
            bytes: u32::try_from(held).unwrap_or(u32::MAX),
            done: false,
        });
    };
    let body = match ranged::fetch(db, transport, &target, CHUNK, &kept).await {
        Ok(Fetched::Body { body, .. }) => body,
        Ok(Fetched::NotModified | Fetched::Missing) => return Ok(0),
        Err(e) if e.is_unreachable() => return Err(e),
        Err(e) => return give_up(db, &e),
    };
    let page = match decode(&body) {
        Ok(page) => page,
        Err(e) => return give_up(db, &e),
    };
    let stored = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
    let mut conn = lock(db);
    let tx = conn.transaction().map_err(Error::storage("bundle begin"))?;
    apply_procedures(&tx, &page.items, &page.deleted)?;
    sync_state::advance(&tx, RESOURCE, SCOPE, &page.next, None)?;
    downloads::clear(&tx, DOWNLOAD)?;
    tx.commit().map_err(Error::storage("bundle commit"))?;
    tracing::info!(
        procedures = stored,
        bytes = body.len(),
        cursor = page.next,
        "catalogue bundle stored"
    );
    Ok(stored)
}

/// Drops the download and leaves the catalogue to the paged feed.
fn give_up(db: &Mutex<Connection>, why: &Error) -> Result<u32, Error> {
    tracing::warn!(error = %why, "catalogue bundle not usable; paging through the feed");
    downloads::clear(&lock(db), DOWNLOAD)?;
    Ok(0)
}

/// The page in a bundle body, checked: at most [`MAX_JSON_BYTES`] of JSON, a
/// numeric cursor, nothing more to follow. Errors: `bad_response`.
pub fn decode(body: &[u8]) -> Result<Page<Procedure>, Error> {
    let bad = |reason: String| Error::BadResponse {
        resource: RESOURCE.into(),
        reason,
    };
    let mut json = Vec::new();
    zstd::stream::read::Decoder::new(body)
        .and_then(|d| d.take(MAX_JSON_BYTES + 1).read_to_end(&mut json))
        .map_err(|e| bad(format!("bundle does not decode: {e}")))?;
    if json.len() as u64 > MAX_JSON_BYTES {
        return Err(bad(format!("bundle over {MAX_JSON_BYTES} bytes")));
    }
    let page: Page<Procedure> =
        serde_json::from_slice(&json).map_err(|e| bad(format!("bundle page: {e}")))?;
    if page.next.parse::<u64>().is_err() || page.more {
        return Err(bad(format!(
            "bundle cursor {:?}, more {}",
            page.next, page.more
        )));
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::bus_tests::open_store;
    use crate::store::procedures;
    use crate::store::procedures::tests::procedure;
    use crate::sync::ranged::tests::Ranged;

    fn bundle_of(count: usize, next: &str, more: bool) -> Vec<u8> {
        let page = Page {
            items: (0..count)
                .map(|i| procedure(&format!("1.{i:06}"), "Đăng ký khai sinh", "Hộ tịch", &[]))
                .collect(),
            deleted: Vec::new(),
            next: next.into(),
            more,
        };
        zstd::bulk::compress(&serde_json::to_vec(&page).unwrap(), 3).unwrap()
    }

    fn held(db: &Mutex<Connection>) -> Option<u64> {
        downloads::get(&lock(db), DOWNLOAD).unwrap().map(|d| d.held)
    }

    #[tokio::test]
    async fn a_cut_bundle_keeps_its_bytes_then_stores_every_procedure_with_its_cursor() {
        let (db, _dir) = open_store();
        let body = bundle_of(40, "77", false);
        let kept = body.len() / 3;
        let t = Ranged::serving("\"procedures-77-ab\"", body.clone());
        *t.cuts.lock().unwrap() = (2, kept);
        let bytes = Mutex::new(Vec::new());
        let progress = |p: PageProgress| bytes.lock().unwrap().push(p.bytes);
        for round in 1..=2u64 {
            let err = pull(&db, &t, &progress).await.unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Offline, "{err:?}");
            assert_eq!(held(&db), Some(round * kept as u64), "round {round}");
        }
        assert_eq!(procedures::count(&lock(&db)).unwrap(), 0);

        assert_eq!(pull(&db, &t, &progress).await.unwrap(), 40);
        assert_eq!(procedures::count(&lock(&db)).unwrap(), 40);
        let state = sync_state::get(&lock(&db), RESOURCE, SCOPE).unwrap();
        assert_eq!(
            state.cursor, "77",
            "the feed goes on from the bundle's cursor"
        );
        assert_eq!(held(&db), None, "the download is forgotten once stored");
        assert_eq!(
            bytes.lock().unwrap().last().copied(),
            Some(body.len() as u32),
            "progress counts the bytes kept"
        );
        let seen = t.seen.lock().unwrap().clone();
        assert_eq!(
            seen[1][0],
            ("range", format!("bytes={kept}-{}", kept as u64 + CHUNK - 1)),
            "the second pull asks from the last byte kept"
        );

        // A device with a catalogue never asks for it again.
        let asked = t.seen.lock().unwrap().len();
        assert_eq!(pull(&db, &t, &progress).await.unwrap(), 0);
        assert_eq!(t.seen.lock().unwrap().len(), asked);
    }

    #[tokio::test]
    async fn a_bundle_the_device_cannot_use_sends_it_to_the_feed_and_keeps_nothing() {
        for body in [
            b"not zstd at all".to_vec(),
            zstd::bulk::compress(b"{\"items\":[", 3).unwrap(),
            bundle_of(2, "abc", false),
            bundle_of(2, "9", true),
        ] {
            let (db, _dir) = open_store();
            let t = Ranged::serving("\"x\"", body);
            assert_eq!(pull(&db, &t, &|_| {}).await.unwrap(), 0);
            assert_eq!(procedures::count(&lock(&db)).unwrap(), 0);
            assert_eq!(held(&db), None);
            let state = sync_state::get(&lock(&db), RESOURCE, SCOPE).unwrap();
            assert_eq!(state.cursor, "0", "the feed starts from the beginning");
        }
    }

    #[test]
    fn fuzz_corpus_replays_into_pages_or_refusals() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/corpus/bundle_decode"
        );
        let (mut pages, mut refused) = (0, 0);
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            match decode(&bytes) {
                Ok(page) => {
                    assert!(page.next.parse::<u64>().is_ok() && !page.more);
                    pages += 1;
                }
                Err(e) => {
                    assert_eq!(e.code(), crate::ErrorCode::BadResponse);
                    refused += 1;
                }
            }
        }
        assert!(
            pages >= 1 && refused >= 2,
            "the real bundle decodes, the cut one and the one with more do not ({pages}, {refused})"
        );
    }

    #[test]
    fn a_bundle_that_decodes_past_the_limit_is_refused() {
        let zeros = vec![b' '; 4 * 1024 * 1024];
        let mut body = Vec::new();
        let mut encoder = zstd::stream::write::Encoder::new(&mut body, 19).unwrap();
        for _ in 0..(MAX_JSON_BYTES / zeros.len() as u64 + 1) {
            std::io::Write::write_all(&mut encoder, &zeros).unwrap();
        }
        encoder.finish().unwrap();
        assert!(body.len() < 1024 * 1024, "a small body: {}", body.len());
        let err = decode(&body).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::BadResponse);
        assert!(err.to_string().contains("bundle over"), "{err}");
    }
}
