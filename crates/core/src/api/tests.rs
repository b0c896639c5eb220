//! `Core` end to end over a recorded-answer transport (no server binary).

use std::collections::HashMap;
use std::sync::Mutex;

use congdan_protocol::{NewsItem, Page, Procedure, Unit, UnitLevel};
use serde::Serialize;

use super::*;
use crate::ErrorCode;
use crate::store::news::tests::item;
use crate::store::procedures::tests::procedure;
use crate::sync::{Answer, Call, MediaFile, Method, Request, Response, Transport};

/// Answers by `path?query` key; records every request it saw.
#[derive(Default)]
struct Fake {
    answers: Mutex<HashMap<String, Result<Response, ErrorCode>>>,
    images: HashMap<String, Option<MediaFile>>,
    seen: Mutex<Vec<Request>>,
    /// The answer to `POST /api/v1/check`; none: the transport cannot send.
    check: Mutex<Option<Result<Answer, ErrorCode>>>,
    /// Bodies of the checks sent.
    checks: Mutex<Vec<serde_json::Value>>,
}

/// The answer key of a request: path and query, without `limit` (page sizes
/// adapt to the link; see `sync::pages`).
fn key(path: &str, query: &[(&str, &str)]) -> String {
    let q: Vec<String> = query
        .iter()
        .filter(|(k, _)| *k != "limit")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{path}?{}", q.join("&"))
}

fn page<T: Serialize>(
    items: Vec<T>,
    deleted: &[&str],
    next: &str,
    more: bool,
    etag: &str,
) -> Response {
    let page = Page {
        items,
        deleted: deleted.iter().map(|s| s.to_string()).collect(),
        next: next.into(),
        more,
    };
    Response {
        status: 200,
        etag: Some(etag.into()),
        body: serde_json::to_vec(&page).unwrap(),
    }
}

fn not_modified() -> Response {
    Response {
        status: 304,
        etag: None,
        body: vec![],
    }
}

impl Fake {
    fn answer(&self, path: &str, query: &[(&str, &str)], r: Result<Response, ErrorCode>) {
        self.answers.lock().unwrap().insert(key(path, query), r);
    }
    fn requests(&self) -> Vec<Request> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

impl Transport for Fake {
    async fn get(&self, request: &Request) -> Result<Response, Error> {
        self.seen.lock().unwrap().push(request.clone());
        let q: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let k = key(&request.path, &q);
        match self.answers.lock().unwrap().get(&k) {
            Some(Ok(r)) => Ok(r.clone()),
            // Open311 lists and announcements default to empty, so content
            // tests need not script them.
            None if request.path.starts_with("/open311/")
                || request.path == "/api/v1/announcements" =>
            {
                Ok(Response {
                    status: 200,
                    etag: None,
                    body: b"[]".to_vec(),
                })
            }
            // So do the home unit's (small) power-cut, alert and bulletin feeds.
            None if ["/api/v1/outages", "/api/v1/alerts", "/api/v1/bulletins"]
                .contains(&request.path.as_str()) =>
            {
                Ok(Response {
                    status: 200,
                    etag: None,
                    body: br#"{"items":[],"deleted":[],"next":"0","more":false}"#.to_vec(),
                })
            }
            Some(Err(ErrorCode::Offline)) | None => Err(Error::Offline {
                resource: request.resource.into(),
                reason: format!("no answer for {k}"),
            }),
            Some(Err(_)) => Err(Error::Internal { reason: k }),
        }
    }

    async fn send(&self, call: &Call) -> Result<Answer, Error> {
        let cannot = || Error::Internal {
            reason: format!("cannot send {:?} {}", call.method, call.path),
        };
        if (call.method, call.path.as_str()) != (Method::Post, CHECK) {
            return Err(cannot());
        }
        let body = serde_json::from_slice(&call.body).unwrap();
        self.checks.lock().unwrap().push(body);
        match self.check.lock().unwrap().clone() {
            Some(Ok(answer)) => Ok(answer),
            Some(Err(_)) => Err(Error::Offline {
                resource: call.resource.into(),
                reason: "dropped".into(),
            }),
            None => Err(cannot()),
        }
    }

    async fn fetch_media(
        &self,
        url: &str,
        _patience: std::time::Duration,
    ) -> Result<Option<MediaFile>, Error> {
        match self.images.get(url) {
            Some(i) => Ok(i.clone()),
            None => Err(Error::Offline {
                resource: "media".into(),
                reason: "no image".into(),
            }),
        }
    }
}

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

const UNITS: &str = "/api/v1/units";
const PROCS: &str = "/api/v1/procedures";
const NEWS: &str = "/api/v1/news";
const CHECK: &str = "/api/v1/check";

fn open() -> (Core, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(&dir.path().join("profile.sqlite")).unwrap();
    (core, dir)
}

fn first_sync_answers(fake: &Fake) {
    fake.answer(
        UNITS,
        &[("since", "0")],
        Ok(page(
            vec![
                unit("01", "Thành phố Hà Nội", "Thành phố", None),
                unit("89", "Tỉnh An Giang", "Tỉnh", None),
                unit("99999", "Xã Cũ", "Xã", Some("89")),
            ],
            &[],
            "3",
            true,
            "W/\"units-5\"",
        )),
    );
    fake.answer(
        UNITS,
        &[("since", "3")],
        Ok(page(
            vec![unit("00004", "Phường Ba Đình", "Phường", Some("01"))],
            &["99999"],
            "5",
            false,
            "W/\"units-5\"",
        )),
    );
    fake.answer(
        PROCS,
        &[("since", "0")],
        Ok(page(
            vec![
                procedure("1.000001", "Đăng ký khai sinh", "Hộ tịch", &["Cấp xã"]),
                procedure(
                    "1.000002",
                    "Cấp lại thẻ Căn cước",
                    "Cấp, quản lý căn cước",
                    &["Cấp tỉnh"],
                ),
            ],
            &[],
            "2",
            false,
            "W/\"procedures-2\"",
        )),
    );
}

#[tokio::test]
async fn sync_pages_304_news_images_and_offline() {
    let (core, _dir) = open();
    assert_eq!(
        core.sync(&|_| {}).await.unwrap_err().code(),
        ErrorCode::NotConfigured
    );
    assert_eq!(
        core.set_server_url("ftp://x").unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    core.set_server_url("http://127.0.0.1:9/").unwrap();
    assert_eq!(
        core.server_url().unwrap().as_deref(),
        Some("http://127.0.0.1:9")
    );

    let mut fake = Fake::default();
    first_sync_answers(&fake);
    let progress = Mutex::new(Vec::new());
    let report = core
        .sync_with(&fake, false, &|p| progress.lock().unwrap().push(p))
        .await
        .unwrap();
    let paged: Vec<ResourceReport> = report
        .resources
        .iter()
        .filter(|r| r.resource != "services")
        .cloned()
        .collect();
    assert_eq!(
        paged,
        [
            ResourceReport {
                resource: "units".into(),
                pages: 2,
                items: 4,
                deleted: 1,
                not_modified: false
            },
            ResourceReport {
                resource: "procedures".into(),
                pages: 1,
                items: 2,
                deleted: 0,
                not_modified: false
            }
        ]
    );
    let progress = progress.into_inner().unwrap();
    assert_eq!(progress.len(), 6, "{progress:?}");
    assert!(progress[2].done && progress[2].resource == "units");
    // Documents report once, when complete (issue 12: a listener sees every part).
    assert!(progress[3].done && progress[3].resource == "services");
    let names: Vec<_> = core
        .provinces()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code)
        .collect();
    assert_eq!(names, ["89", "01"]);
    assert!(
        core.communes("89").await.unwrap().is_empty(),
        "tombstone applied"
    );
    assert_eq!(core.news(10).unwrap_err().code(), ErrorCode::NotConfigured);

    // Home unit: must be a commune.
    assert_eq!(
        core.set_home_unit("01").await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    let home = core.set_home_unit("00004").await.unwrap();
    assert_eq!(home.province_name, "Thành phố Hà Nội");
    assert_eq!(core.home_unit().unwrap(), Some(home));

    // Second sync: 304s with the stored ETags, then news and images.
    fake.requests();
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    fake.answer(PROCS, &[("since", "2")], Ok(not_modified()));
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "0")],
        Ok(page(
            vec![
                item("a", 1, Some("http://img/a.png")),
                item("b", 2, Some("http://img-down/b.png")),
                NewsItem {
                    // An article's own pictures are saved too, not only the lead image.
                    body_html: r#"<p>Ảnh</p><img src="http://img/c-body.png">"#.into(),
                    ..item("c", 3, None)
                },
            ],
            &[],
            "8",
            false,
            "W/\"news-8\"",
        )),
    );
    fake.images.insert(
        "http://img/a.png".into(),
        Some(MediaFile {
            mime: "image/png".into(),
            bytes: b"PNG".to_vec(),
        }),
    );
    fake.images.insert(
        "http://img/c-body.png".into(),
        Some(MediaFile {
            mime: "image/png".into(),
            bytes: b"BODY".to_vec(),
        }),
    );
    let report = core.sync_with(&fake, false, &|_| {}).await.unwrap();
    // The home unit's news first, the catalogue last (issue 12).
    let order: Vec<&str> = report
        .resources
        .iter()
        .map(|r| r.resource.as_str())
        .collect();
    // Alerts first (issue 9), then news, power cuts, bulletins, units.
    assert_eq!(
        order[..5],
        ["alerts", "news", "outages", "bulletins", "units"]
    );
    assert_eq!(order.last(), Some(&"procedures"));
    assert_eq!(report.resources[1].items, 3);
    assert!(report.resources[4].not_modified);
    assert!(report.resources.last().unwrap().not_modified);
    let seen: Vec<Request> = fake
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.starts_with("/api/v1/")
                && ![
                    "/api/v1/holidays",
                    "/api/v1/outages",
                    "/api/v1/alerts",
                    "/api/v1/bulletins",
                    "/api/v1/announcements",
                ]
                .contains(&r.path.as_str())
        })
        .collect();
    assert_eq!(seen[0].path, NEWS);
    assert_eq!(seen[0].if_none_match, None);
    assert_eq!(seen[1].if_none_match.as_deref(), Some("W/\"units-5\""));
    assert_eq!(seen[2].if_none_match.as_deref(), Some("W/\"procedures-2\""));

    let list = core.news(10).unwrap();
    let ids: Vec<_> = list.items.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["c", "b", "a"]);
    assert!(list.freshness.synced_at.is_some() && !list.freshness.offline);
    assert_eq!(core.news_item("b").unwrap().item.title, "Tiêu đề b");
    assert_eq!(
        core.news_item("zz").unwrap_err().code(),
        ErrorCode::NotFound
    );
    let media = core.media("http://img/a.png").unwrap().unwrap();
    assert_eq!(media.data_url, "data:image/png;base64,UE5H");
    assert!(core.media("http://img/c-body.png").unwrap().is_some());
    let usage = core.media_usage().unwrap();
    assert_eq!((usage.images, usage.budget_mb), (2, 100));
    assert_eq!(
        core.media("http://img-down/b.png").unwrap(),
        None,
        "failed image skipped"
    );

    // Offline: error and flag recorded, cursors kept, cached data still served.
    fake.answers.lock().unwrap().clear();
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Offline);
    assert_eq!(
        err.to_body().message,
        "Không có kết nối mạng. Đang hiển thị dữ liệu đã lưu."
    );
    let status = core.status().unwrap();
    assert!(status.offline);
    assert_eq!(status.last_error.unwrap().code, "offline");
    assert_eq!(
        status.resources.iter().map(|r| r.count).collect::<Vec<_>>(),
        [0, 3, 0, 0, 3, 2],
        "alerts, news, outages, bulletins, units, procedures"
    );
    assert!(core.news(10).unwrap().freshness.offline);
    assert_eq!(
        core.search_procedures(&ProcedureQuery::default())
            .unwrap()
            .total,
        2
    );

    // Back online: 304 everywhere clears the error and flag.
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    fake.answer(PROCS, &[("since", "2")], Ok(not_modified()));
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "8")],
        Ok(not_modified()),
    );
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let status = core.status().unwrap();
    assert!(!status.offline);
    assert_eq!(status.last_error, None);
}

/// A JSON answer to a call.
fn answer(status: u16, body: &str) -> Result<Answer, ErrorCode> {
    Ok(Answer {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    })
}

#[tokio::test]
async fn one_check_skips_the_unchanged_feeds_and_a_refused_one_pulls_them_all() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    assert!(
        fake.checks.lock().unwrap().is_empty(),
        "nothing to check yet"
    );
    fake.requests();

    // The catalogue changed, the units did not: only the catalogue is asked.
    *fake.check.lock().unwrap() = Some(answer(200, r#"{"changed":[1]}"#));
    fake.answer(
        PROCS,
        &[("since", "2")],
        Ok(page(
            vec![procedure(
                "1.000003",
                "Đăng ký kết hôn",
                "Hộ tịch",
                &["Cấp xã"],
            )],
            &[],
            "3",
            false,
            "W/\"procedures-3\"",
        )),
    );
    let progress = Mutex::new(Vec::new());
    let report = core
        .sync_with(&fake, false, &|p| progress.lock().unwrap().push(p))
        .await
        .unwrap();
    assert_eq!(
        std::mem::take(&mut *fake.checks.lock().unwrap()),
        [serde_json::json!({"feeds": [
            {"resource": "units", "etag": "W/\"units-5\""},
            {"resource": "procedures", "etag": "W/\"procedures-2\""},
        ]})]
    );
    let asked: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(!asked.contains(&UNITS.to_owned()), "{asked:?}");
    assert!(asked.contains(&PROCS.to_owned()), "{asked:?}");
    let feeds: Vec<(&str, bool)> = report
        .resources
        .iter()
        .filter(|r| ["units", "procedures"].contains(&r.resource.as_str()))
        .map(|r| (r.resource.as_str(), r.not_modified))
        .collect();
    assert_eq!(feeds, [("units", true), ("procedures", false)]);
    let progress = progress.into_inner().unwrap();
    assert!(
        progress.iter().any(|p| p.resource == "units" && p.done),
        "{progress:?}"
    );
    assert_eq!(
        core.search_procedures(&ProcedureQuery::default())
            .unwrap()
            .total,
        3
    );

    // An older server without the check: every feed is pulled as before.
    *fake.check.lock().unwrap() = Some(answer(404, r#"{"code":"not_found","message":"x"}"#));
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    fake.answer(PROCS, &[("since", "3")], Ok(not_modified()));
    let report = core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let asked: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(asked.contains(&UNITS.to_owned()) && asked.contains(&PROCS.to_owned()));
    assert!(
        report
            .resources
            .iter()
            .any(|r| r.resource == "units" && r.not_modified)
    );
    // So does an unreadable answer.
    *fake.check.lock().unwrap() = Some(answer(200, "{"));
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    assert_eq!(
        fake.requests().iter().filter(|r| r.path == UNITS).count(),
        1
    );

    // A link that fails under the check fails the sync, as a pull would.
    *fake.check.lock().unwrap() = Some(Err(ErrorCode::Offline));
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Offline);
    assert!(core.status().unwrap().offline);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.path != UNITS && r.path != PROCS)
    );
}

#[tokio::test]
async fn the_data_saver_leaves_images_and_the_catalogue_for_a_full_sync() {
    let (core, _dir) = open();
    core.set_data_saver(true).unwrap();
    assert!(core.data_saver().unwrap());
    let mut fake = Fake::default();
    first_sync_answers(&fake);
    let report = core.sync_with(&fake, false, &|_| {}).await.unwrap();
    assert!(report.deferred);
    assert!(report.resources.iter().all(|r| r.resource != "procedures"));
    assert!(
        fake.requests().iter().all(|r| r.path != PROCS),
        "no catalogue page asked"
    );
    core.set_home_unit("00004").await.unwrap();
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "0")],
        Ok(page(
            vec![item("a", 1, Some("http://img/a.png"))],
            &[],
            "8",
            false,
            "W/\"n\"",
        )),
    );
    fake.images.insert(
        "http://img/a.png".into(),
        Some(MediaFile {
            mime: "image/png".into(),
            bytes: b"PNG".to_vec(),
        }),
    );
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    assert_eq!(core.media("http://img/a.png").unwrap(), None, "images wait");

    // The user asks: everything comes.
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "8")],
        Ok(not_modified()),
    );
    let report = core
        .sync_planned(&fake, false, true, &|_| {})
        .await
        .unwrap();
    assert!(!report.deferred);
    assert!(core.media("http://img/a.png").unwrap().is_some());
    assert_eq!(
        core.search_procedures(&ProcedureQuery::default())
            .unwrap()
            .total,
        2
    );
}

#[tokio::test]
async fn a_retried_sync_starts_where_the_failed_one_was_cut() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    core.set_home_unit("00004").await.unwrap();
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    fake.answer(PROCS, &[("since", "2")], Ok(not_modified()));
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "0")],
        Ok(page(
            vec![item("a", 1, None)],
            &[],
            "8",
            false,
            "W/\"news-8\"",
        )),
    );
    // The link drops at the service list: what came before it is done.
    let services = "/open311/v2/services.json";
    fake.answer(services, &[], Err(ErrorCode::Offline));
    fake.requests();
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Offline);
    let asked = |fake: &Fake| -> Vec<String> {
        let mut paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
        paths.dedup();
        paths
    };
    assert!(asked(&fake).contains(&UNITS.to_owned()));

    // The retry goes straight to the service list, then on to the rest.
    fake.answer(services, &[], json_answer(Vec::<u8>::new()));
    let report = core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let paths = asked(&fake);
    for done in [UNITS, NEWS, "/api/v1/alerts", "/api/v1/outages"] {
        assert!(
            !paths.contains(&done.to_owned()),
            "{done} asked again: {paths:?}"
        );
    }
    assert_eq!(paths.first().map(String::as_str), Some(services));
    assert!(paths.contains(&PROCS.to_owned()), "{paths:?}");
    assert!(report.resources.iter().all(|r| r.resource != "units"));

    // That sync completed: the next one checks everything again.
    fake.answer(
        NEWS,
        &[("unit", "00004"), ("since", "8")],
        Ok(not_modified()),
    );
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let paths = asked(&fake);
    assert!(paths.contains(&UNITS.to_owned()) && paths.contains(&NEWS.to_owned()));
}

/// Issue 12: on the flapping link a quick catalogue page doubled the next one, the
/// doubled page was cut before its answer began (which shrinks nothing), and every
/// later sync began with a page too big for an up period. Only a size that arrived is
/// kept; a grown one is only tried.
#[tokio::test]
async fn a_grown_page_size_is_kept_only_once_a_page_of_that_size_arrived() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    crate::store::settings::keep_learned(&core.writer(), "page_limit.procedures", 5u32);
    // A full page of 5 at once (fast: it grows), then the link drops.
    let five = (1..=5)
        .map(|i| {
            procedure(
                &format!("1.00000{i}"),
                "Đăng ký khai sinh",
                "Hộ tịch",
                &["Cấp xã"],
            )
        })
        .collect();
    fake.answer(
        PROCS,
        &[("since", "0")],
        Ok(page(five, &[], "5", true, "W/\"p-5\"")),
    );
    fake.answer(PROCS, &[("since", "5")], Err(ErrorCode::Offline));
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Offline);
    let limits: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == PROCS)
        .filter_map(|r| {
            r.query
                .into_iter()
                .find(|(k, _)| *k == "limit")
                .map(|(_, v)| v)
        })
        .collect();
    assert_eq!(limits, ["5", "10"], "a quick full page doubles the next");
    let kept: Option<u32> =
        crate::store::settings::learned(&core.writer(), "page_limit.procedures");
    assert_eq!(kept, Some(5), "the size that arrived, not the one tried");
}

#[tokio::test]
async fn service_forms_that_arrived_before_a_cut_are_not_asked_again() {
    use crate::store::services::tests::service;
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    let (a, form_a) = service("a");
    let (b, form_b) = service("b");
    let list = "/open311/v2/services.json";
    fake.answer(
        list,
        &[],
        Ok(Response {
            status: 200,
            etag: Some("W/\"list-1\"".into()),
            body: serde_json::to_vec(&vec![a, b]).unwrap(),
        }),
    );
    fake.answer("/open311/v2/services/a.json", &[], json_answer(form_a));
    fake.answer("/open311/v2/services/b.json", &[], Err(ErrorCode::Offline));
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Offline);
    assert!(
        core.services().unwrap().is_empty(),
        "half a list is not shown"
    );
    fake.requests();

    // The link is back: the list staged moments ago and form a are kept; only
    // form b is asked for.
    fake.answer("/open311/v2/services/b.json", &[], json_answer(form_b));
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let seen = fake.requests();
    assert!(
        seen.iter().all(|r| r.path != list),
        "the list again: {seen:?}"
    );
    let forms: Vec<&str> = seen
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| p.starts_with("/open311/v2/services/"))
        .collect();
    assert_eq!(forms, ["/open311/v2/services/b.json"]);
    assert_eq!(core.services().unwrap().len(), 2);
    assert_eq!(core.service_definition("a").unwrap().service_code, "a");
    assert_eq!(core.service_definition("b").unwrap().service_code, "b");
}

#[tokio::test]
async fn closing_the_core_leaves_no_write_ahead_log_behind() {
    let (core, dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let wal = dir.path().join("profile.sqlite-wal");
    assert!(wal.exists(), "a sync writes through the WAL");
    drop(core);
    assert!(!wal.exists(), "the WAL outlived the Core");
}

#[tokio::test]
async fn a_failed_page_keeps_the_cursor_of_the_last_stored_one() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    // Page 2 of units fails with a 503.
    fake.answer(
        UNITS,
        &[("since", "3")],
        Ok(Response {
            status: 503,
            etag: None,
            body: vec![],
        }),
    );
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ServerUnavailable);
    assert_eq!(core.provinces().await.unwrap().len(), 2, "page 1 kept");
    let status = core.status().unwrap();
    assert!(status.offline);
    assert_eq!(status.last_error.unwrap().code, "server_unavailable");
    // The next sync resumes after page 1.
    first_sync_answers(&fake);
    fake.requests();
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let seen = fake.requests();
    assert_eq!(seen[0].query[0], ("since", "3".to_string()));
    assert_eq!(core.communes("01").await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_body_is_bad_response_and_stores_nothing() {
    let (core, _dir) = open();
    let fake = Fake::default();
    fake.answer(
        UNITS,
        &[("since", "0")],
        Ok(Response {
            status: 200,
            etag: None,
            body: b"{\"items\":[{\"code\":1}]".to_vec(),
        }),
    );
    let err = core.sync_with(&fake, false, &|_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::BadResponse);
    let status = core.status().unwrap();
    assert!(!status.offline);
    assert_eq!(status.last_error.unwrap().code, "bad_response");
    assert!(core.provinces().await.unwrap().is_empty());
}

#[tokio::test]
async fn checklist_survives_resync_and_validates() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    assert_eq!(core.set_document_checked("1.000001", 1, true).unwrap(), [1]);
    assert_eq!(
        core.set_document_checked("1.000001", 2, true)
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        core.set_document_checked("9.9", 0, true)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    // The procedure changes upstream and is pulled again.
    let mut changed: Procedure = procedure(
        "1.000001",
        "Đăng ký khai sinh (mới)",
        "Hộ tịch",
        &["Cấp xã"],
    );
    changed.decision = "2/QĐ-BTP".into();
    fake.answer(
        PROCS,
        &[("since", "2")],
        Ok(page(vec![changed], &[], "3", false, "W/\"procedures-3\"")),
    );
    fake.answer(UNITS, &[("since", "5")], Ok(not_modified()));
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let detail = core.procedure("1.000001").unwrap();
    assert_eq!(detail.procedure.decision, "2/QĐ-BTP");
    assert_eq!(detail.checked, [1]);
    assert!(detail.freshness.synced_at.is_some());
    assert_eq!(
        core.procedure("0.0").unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn search_facets_and_changing_home_unit_resets_news() {
    let (core, _dir) = open();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    let r = core
        .search_procedures(&ProcedureQuery {
            text: "cap lai can cuoc".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].code, "1.000002");
    let r = core
        .search_procedures(&ProcedureQuery {
            text: String::new(),
            level: Some("Cấp xã".into()),
            field: Some(String::new()),
            limit: 0,
        })
        .unwrap();
    assert_eq!(
        r.hits.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(),
        ["1.000001"]
    );
    let f = core.procedure_facets().unwrap();
    assert_eq!(f.levels.len(), 2);
    assert_eq!(f.fields.len(), 2);

    core.set_home_unit("00004").await.unwrap();
    {
        let conn = core.writer();
        crate::store::news::upsert(&conn, &[item("x", 1, None)]).unwrap();
        crate::store::sync_state::advance(&conn, "news", "00004", "9", None).unwrap();
    }
    // Same unit again: nothing reset.
    core.set_home_unit("00004").await.unwrap();
    assert_eq!(core.news(0).unwrap().items.len(), 1);
    // Simulate another commune, then switch: news and cursor are gone.
    {
        let conn = core.writer();
        crate::store::units::upsert(
            &conn,
            &[unit("00008", "Phường Ngọc Hà", "Phường", Some("01"))],
        )
        .unwrap();
    }
    core.set_home_unit("00008").await.unwrap();
    assert!(core.news(0).unwrap().items.is_empty());
    let conn = core.writer();
    assert_eq!(
        crate::store::sync_state::get(&conn, "news", "00004")
            .unwrap()
            .cursor,
        "0"
    );
    let _unused: Option<NewsItem> = None;
}

/// Cuts every answer partway through its body, recording the page sizes asked for.
#[derive(Default)]
struct Cutting {
    limits: Mutex<Vec<String>>,
}

impl Transport for Cutting {
    async fn get(&self, request: &Request) -> Result<Response, Error> {
        if let Some((_, limit)) = request.query.iter().find(|(k, _)| *k == "limit") {
            self.limits.lock().unwrap().push(limit.clone());
        }
        Err(Error::Interrupted {
            resource: request.resource.into(),
            reason: "cut".into(),
        })
    }

    async fn fetch_media(
        &self,
        _url: &str,
        _patience: std::time::Duration,
    ) -> Result<Option<MediaFile>, Error> {
        Ok(None)
    }
}

/// Issue 12: a page cut in flight is asked for in halves from then on (kept across
/// syncs); a link that is simply down leaves the page size alone.
#[tokio::test]
async fn a_cut_page_is_asked_for_in_halves_and_a_down_link_changes_nothing() {
    let (core, _dir) = open();
    let cutting = Cutting::default();
    for _ in 0..2 {
        let err = core.sync_with(&cutting, false, &|_| {}).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Offline);
    }
    assert_eq!(*cutting.limits.lock().unwrap(), ["1000", "500"]);

    let down = Fake::default();
    for _ in 0..2 {
        core.sync_with(&down, false, &|_| {}).await.unwrap_err();
    }
    let limits: Vec<String> = down
        .requests()
        .iter()
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| *k == "limit")
                .unwrap()
                .1
                .clone()
        })
        .collect();
    assert_eq!(limits, ["250", "250"]);
}

fn json_answer(value: impl Serialize) -> Result<Response, ErrorCode> {
    Ok(Response {
        status: 200,
        etag: None,
        body: serde_json::to_vec(&value).unwrap(),
    })
}

/// Issue 12: a new device chooses its commune before any sync, fetching only
/// the units it shows or needs.
#[tokio::test]
async fn an_empty_device_asks_the_server_for_just_the_units_it_needs() {
    let (core, _dir) = open();
    let fake = Fake::default();
    let ba_dinh = unit("00004", "Phường Ba Đình", "Phường", Some("01"));
    let ha_noi = unit("01", "Thành phố Hà Nội", "Thành phố", None);
    let an_giang = unit("89", "Tỉnh An Giang", "Tỉnh", None);
    fake.answer("/api/v1/units/00004", &[], json_answer(&ba_dinh));
    fake.answer("/api/v1/units/01", &[], json_answer(&ha_noi));
    fake.answer(
        "/api/v1/units/99999",
        &[],
        Ok(Response {
            status: 404,
            etag: None,
            body: br#"{"code":"not_found","message":"x"}"#.to_vec(),
        }),
    );

    // Without a server the store answers alone.
    assert_eq!(
        core.set_home_unit_with(None::<&Fake>, "00004")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let home = core.set_home_unit_with(Some(&fake), "00004").await.unwrap();
    assert_eq!(home.province_name, "Thành phố Hà Nội");
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v1/units/00004", "/api/v1/units/01"]);
    assert_eq!(core.home_unit().unwrap(), Some(home));
    // Stored now: no second request.
    core.set_home_unit_with(Some(&fake), "00004").await.unwrap();
    assert!(fake.requests().is_empty());
    // A stored province is no home unit, and is not asked for again.
    assert_eq!(
        core.set_home_unit_with(Some(&fake), "01")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert!(fake.requests().is_empty());
    assert_eq!(
        core.set_home_unit_with(Some(&fake), "99999")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    // Unknown to the store and the network is down: say so.
    assert_eq!(
        core.set_home_unit_with(Some(&fake), "00008")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Offline
    );

    // Onboarding lists: the provinces, then the communes of the chosen one.
    fake.answer("/api/v1/provinces", &[], json_answer([&ha_noi, &an_giang]));
    fake.answer(
        "/api/v1/provinces/01/communes",
        &[],
        json_answer([
            &ba_dinh,
            &unit("00008", "Phường Ngọc Hà", "Phường", Some("01")),
        ]),
    );
    let provinces = core.provinces_with(Some(&fake)).await.unwrap();
    let codes: Vec<&str> = provinces.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, ["89", "01"], "sorted by name");
    assert_eq!(
        core.communes_with(Some(&fake), "01").await.unwrap().len(),
        2
    );
    // Offline: what the store holds, or the error when it holds nothing.
    fake.answers.lock().unwrap().clear();
    assert_eq!(core.provinces_with(Some(&fake)).await.unwrap().len(), 2);
    assert_eq!(
        core.communes_with(Some(&fake), "89")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Offline
    );
    let status = core.status().unwrap();
    assert!(
        status.resources.iter().all(|r| r.synced_at.is_none()),
        "no feed moved"
    );
}

#[test]
fn core_is_send_sync_and_clone_and_sync_future_is_send() {
    fn assert_traits<T: Send + Sync + Clone>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_traits::<Core>();
    let (core, _dir) = open();
    let progress = |_: SyncProgress| {};
    let future = core.sync(&progress);
    assert_send(&future);
}

#[test]
fn models_serialize_camel_case() {
    let json = serde_json::to_value(HomeUnit {
        code: "00004".into(),
        name: "Phường Ba Đình".into(),
        province_code: "01".into(),
        province_name: "Thành phố Hà Nội".into(),
    })
    .unwrap();
    assert_eq!(json["provinceCode"], "01");
    let json = serde_json::to_value(ResourceReport {
        resource: "units".into(),
        pages: 1,
        items: 2,
        deleted: 0,
        not_modified: true,
    })
    .unwrap();
    assert_eq!(json["notModified"], true);
}

#[test]
fn newer_database_is_refused_by_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Core::open(&path).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Storage);
}

#[tokio::test]
async fn opening_screen_recent_saved_and_a_prepared_index() {
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(crate::FakeClock::new(chrono::Utc::now()));
    let core = Core::open_with(
        &dir.path().join("profile.sqlite"),
        CoreOptions {
            clock: clock.clone(),
            ..CoreOptions::default()
        },
    )
    .unwrap();
    let fake = Fake::default();
    first_sync_answers(&fake);
    core.sync_with(&fake, false, &|_| {}).await.unwrap();
    core.prepare_search().unwrap();
    let version = core.read(crate::store::procedures::version).unwrap();
    assert!(
        core.inner.search.current(version).is_some(),
        "built ahead of the first search"
    );

    let home = core.procedure_home().unwrap();
    assert_eq!(home.total, 2);
    assert!(
        home.popular.is_empty(),
        "none of the most-asked codes is held"
    );
    assert!(
        home.events.is_empty(),
        "events with nothing held are left out"
    );
    assert!(home.recent.is_empty() && home.saved.is_empty());

    core.procedure("1.000001").unwrap();
    clock.advance(std::time::Duration::from_secs(60));
    core.procedure("1.000002").unwrap();
    clock.advance(std::time::Duration::from_secs(60));
    core.procedure("1.000001").unwrap();
    core.set_procedure_saved("1.000002", true).unwrap();
    assert_eq!(
        core.set_procedure_saved("9.999999", true)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    let home = core.procedure_home().unwrap();
    let codes = |hits: &[ProcedureHit]| hits.iter().map(|h| h.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&home.recent), ["1.000001", "1.000002"]);
    assert_eq!(codes(&home.saved), ["1.000002"]);
    assert!(core.procedure("1.000002").unwrap().saved);
    core.set_procedure_saved("1.000002", false).unwrap();
    assert!(core.procedure_home().unwrap().saved.is_empty());
}
