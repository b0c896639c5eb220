//! Submissions arrive exactly once: through a proxy that drops, cuts and fails
//! requests (also after the server committed). Real server binary, real client
//! core. The client killed (SIGKILL) at random points of its drain is in
//! [`crate::crash`], which uses the helpers here.

use congdan_core::secrets::MemoryStore;
use congdan_core::{AttributeAnswer, Core, CoreOptions, FakeClock, RequestDraft};
use congdan_tests::faults::FaultProxy;
use congdan_tests::server::TestServer;
use congdan_tests::workspace_root;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub(crate) const SERVICE: &str = "chieu-sang-cong-cong";

/// A profile synced against the server at `url` (units, services, home unit 00004),
/// with a fake clock so backoff waits cost nothing and an in-memory secret store.
pub(crate) async fn ready_profile(db: &std::path::Path, url: &str) -> Core {
    let core = Core::open_with(
        db,
        CoreOptions {
            clock: Arc::new(FakeClock::new(chrono::Utc::now())),
            seed: Some(2026),
            secrets: Some(Arc::new(MemoryStore::new())),
        },
    )
    .unwrap();
    core.set_server_url(url).unwrap();
    core.set_api_key(congdan_tests::DEMO_API_KEY).unwrap();
    core.sync(&|_| {}).await.unwrap();
    core.set_home_unit("00004").await.unwrap();
    core.sync(&|_| {}).await.unwrap();
    core
}

pub(crate) fn description(n: usize) -> String {
    format!("Cột đèn số {n} trên phố Đội Cấn không sáng từ tối qua.")
}

/// Saves submission `n` with `photo`; returns the size of the photo as prepared for upload.
pub(crate) fn submit_with_photo(core: &Core, n: usize, photo: &[u8]) -> u32 {
    let prepared = core.prepare_photo(photo).unwrap();
    let size = prepared.bytes;
    core.submit_request(&RequestDraft {
        service_code: SERVICE.into(),
        description: description(n),
        attributes: vec![AttributeAnswer {
            code: "tinh_trang".into(),
            values: vec!["khong-sang".into()],
        }],
        lat: Some(21.0341),
        long: Some(105.8372),
        address: None,
        village: Some("Tổ dân phố số 5".into()),
        photo_ids: vec![prepared.id],
    })
    .unwrap();
    size
}

fn photo() -> Vec<u8> {
    std::fs::read(workspace_root().join("src-tauri/icons/128x128.png")).unwrap()
}

/// How many times each description arrived on the server at `base`, and how many carry a photo.
pub(crate) async fn arrived(base: &str) -> (HashMap<String, usize>, usize) {
    let url = format!("{base}/open311/v2/requests.json?service_code={SERVICE}");
    let list: Vec<serde_json::Value> = reqwest::get(url).await.unwrap().json().await.unwrap();
    let mut seen = HashMap::new();
    let mut with_photo = 0;
    for r in &list {
        *seen
            .entry(r["description"].as_str().unwrap_or_default().to_string())
            .or_insert(0) += 1;
        if r["media_url"].as_str().is_some_and(|m| !m.is_empty()) {
            with_photo += 1;
        }
    }
    (seen, with_photo)
}

pub(crate) fn assert_each_once(seen: &HashMap<String, usize>, count: usize) {
    for n in 0..count {
        assert_eq!(
            seen.get(&description(n)).copied(),
            Some(1),
            "submission {n} arrived {:?} times",
            seen.get(&description(n))
        );
    }
    assert_eq!(
        seen.values().sum::<usize>(),
        count,
        "extra requests arrived"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_submissions_with_photos_arrive_exactly_once_through_faults() {
    const COUNT: usize = 500;
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = ready_profile(&dir.path().join("field.db"), &server.url()).await;

    let photo = photo();
    for n in 0..COUNT {
        submit_with_photo(&core, n, &photo);
    }
    assert_eq!(core.outbox().unwrap().len(), 2 * COUNT);

    let proxy = FaultProxy::start(&server.url(), 30, 42).await.unwrap();
    core.set_server_url(&proxy.url()).unwrap();
    let mut rounds = 0;
    loop {
        let report = core.drain(&|_| {}).await.unwrap();
        assert_eq!(report.failed_permanent, 0, "{report:?}");
        if report.pending == 0 {
            break;
        }
        rounds += 1;
        assert!(rounds < 200, "outbox never emptied: {report:?}");
    }

    let faults = proxy.counts();
    for (kind, n) in [
        ("dropped", &faults.dropped),
        ("lost after commit", &faults.lost_after_commit),
        ("500 before", &faults.error_before),
        ("500 after commit", &faults.error_after_commit),
    ] {
        assert!(
            n.load(Ordering::SeqCst) > 10,
            "too few '{kind}' faults to prove anything"
        );
    }
    let (seen, with_photo) = arrived(&server.url()).await;
    assert_each_once(&seen, COUNT);
    assert_eq!(with_photo, COUNT);
}
