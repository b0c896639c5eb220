//! Shared fixtures: a temp database behind the real app, hand-made protocol
//! items, and a small GET helper.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{TimeZone, Utc};
use congdan_protocol::{Channel, LegalDoc, NewsItem, Procedure, RequiredDocument, Unit, UnitLevel};
use congdan_server::storage::{PgStorage, SqliteStorage, Storage};
use congdan_server::{AppState, app};
use tempfile::TempDir;
use tower::ServiceExt;

use crate::pg_cluster::PgCluster;

pub struct TestApp {
    pub storage: Arc<dyn Storage>,
    pub app: Router,
    engine: Engine,
}

/// The database behind a [`TestApp`], kept alive as long as it.
enum Engine {
    Sqlite(TempDir),
    Postgres(PgCluster),
}

/// The real app over an empty database: a SQLite file in a temporary
/// directory, or, when `CONGDAN_TEST_DB=postgres`, a throwaway PostgreSQL
/// cluster (`make test` runs this suite both ways).
pub async fn test_app() -> TestApp {
    let (storage, engine): (Arc<dyn Storage>, Engine) =
        if std::env::var("CONGDAN_TEST_DB").as_deref() == Ok("postgres") {
            let cluster =
                PgCluster::start().expect("CONGDAN_TEST_DB=postgres needs the PostgreSQL binaries");
            let storage = PgStorage::connect(cluster.url()).await.unwrap();
            (Arc::new(storage), Engine::Postgres(cluster))
        } else {
            let dir = tempfile::tempdir().unwrap();
            let storage = SqliteStorage::open(&dir.path().join("server.db")).unwrap();
            (Arc::new(storage), Engine::Sqlite(dir))
        };
    let app = app(AppState::new(storage.clone()));
    TestApp {
        storage,
        app,
        engine,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

impl TestApp {
    /// The stored Open311 token of request `id`, read from the database
    /// (no API serves it back).
    pub async fn stored_token(&self, id: &str) -> String {
        let id: i64 = id.parse().unwrap();
        match &self.engine {
            Engine::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("server.db"))
                .unwrap()
                .query_row("SELECT token FROM requests WHERE id = ?1", [id], |row| {
                    row.get(0)
                })
                .unwrap(),
            Engine::Postgres(cluster) => {
                let (client, connection) =
                    tokio_postgres::connect(cluster.url(), tokio_postgres::NoTls)
                        .await
                        .unwrap();
                tokio::spawn(connection);
                client
                    .query_one("SELECT token FROM requests WHERE id = $1", &[&id])
                    .await
                    .unwrap()
                    .get(0)
            }
        }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.get_with(uri, &[]).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Answer {
        self.send("GET", uri, headers, Vec::new()).await
    }

    /// POSTs `body` as JSON, with `bearer` as the session token when given.
    pub async fn post_json(
        &self,
        uri: &str,
        bearer: Option<&str>,
        body: serde_json::Value,
    ) -> Answer {
        let auth = bearer.map(|token| format!("Bearer {token}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("authorization", auth));
        }
        self.send("POST", uri, &headers, body.to_string().into_bytes())
            .await
    }

    /// Runs one request through the router and reads the whole answer.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Seed three provinces' worth of units: province 01 with communes 00001/00002, province 79.
    pub async fn seed_units(&self) {
        self.storage
            .upsert_units(vec![
                unit("01", None),
                unit("79", None),
                unit("00001", Some("01")),
                unit("00002", Some("01")),
                unit("26734", Some("79")),
            ])
            .await
            .unwrap();
    }
}

pub fn unit(code: &str, parent: Option<&str>) -> Unit {
    Unit {
        code: code.to_owned(),
        name: format!("Đơn vị {code}"),
        level: if parent.is_some() {
            UnitLevel::Commune
        } else {
            UnitLevel::Province
        },
        parent: parent.map(str::to_owned),
        kind: if parent.is_some() {
            "Phường"
        } else {
            "Tỉnh"
        }
        .to_owned(),
    }
}

pub fn procedure(code: &str, name: &str) -> Procedure {
    Procedure {
        code: code.to_owned(),
        name: name.to_owned(),
        decision: "361/QĐ-BTP".to_owned(),
        levels: vec!["Cấp xã".to_owned()],
        field: "Hộ tịch".to_owned(),
        applicants: "Công dân Việt Nam".to_owned(),
        authority: String::new(),
        agency: "Ủy ban nhân dân cấp xã".to_owned(),
        address: String::new(),
        issuer: "Bộ Tư pháp".to_owned(),
        steps: vec!["Nộp hồ sơ".to_owned(), "Nhận kết quả".to_owned()],
        channels: vec![Channel {
            mode: "Trực tiếp".to_owned(),
            duration: "3 Ngày làm việc".to_owned(),
            fee: "Miễn phí".to_owned(),
            description: String::new(),
        }],
        documents: vec![RequiredDocument {
            group: String::new(),
            name: "Tờ khai".to_owned(),
            copies: "1 bản chính".to_owned(),
        }],
        legal_basis: vec![LegalDoc {
            title: "Luật Hộ tịch".to_owned(),
            number: "60/2014/QH13".to_owned(),
        }],
        source_url: format!("https://dichvucong.gov.vn/p/{code}"),
        aliases: Vec::new(),
    }
}

pub fn news(id: &str, unit: &str) -> NewsItem {
    NewsItem {
        id: id.to_owned(),
        unit: unit.to_owned(),
        source: "Cổng thông tin".to_owned(),
        title: format!("Tin {id}"),
        summary: "Tóm tắt".to_owned(),
        body_html: "<p>Nội dung</p>".to_owned(),
        link: Some(format!("https://example.vn/{id}")),
        image: None,
        published_at: Utc.with_ymd_and_hms(2025, 7, 1, 8, 0, 0).unwrap(),
    }
}

/// A planned cut of `unit` on 24 June 2026 from `hour` to two hours later, from a schedule.
pub fn outage(cut: &str, unit: &str, hour: u32) -> congdan_protocol::Outage {
    let start = chrono::FixedOffset::east_opt(7 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 6, 24, hour, 0, 0)
        .unwrap();
    congdan_protocol::Outage {
        id: format!("{cut}@{unit}"),
        cut: cut.to_owned(),
        unit: unit.to_owned(),
        utility: "Điện lực Huyện Châu Phú".to_owned(),
        area: "Một phần xã Mỹ Đức".to_owned(),
        start,
        end: start + chrono::Duration::hours(2),
        reason: "Bảo trì, sửa chữa lưới điện".to_owned(),
        status: congdan_protocol::OutageStatus::Scheduled,
        source: congdan_protocol::OutageSource::Schedule,
    }
}

/// A Severe storm alert for `unit`, as an officer fills it in.
pub fn alert_input(unit: &str) -> congdan_protocol::AlertInput {
    congdan_protocol::AlertInput {
        units: vec![unit.to_owned()],
        category: congdan_protocol::Category::Met,
        event: "Bão số 3".to_owned(),
        urgency: congdan_protocol::Urgency::Immediate,
        severity: congdan_protocol::Severity::Severe,
        certainty: congdan_protocol::Certainty::Likely,
        headline: "Bão số 3 đổ bộ đêm nay".to_owned(),
        description: "Gió giật cấp 12.".to_owned(),
        instruction: "Ở trong nhà.".to_owned(),
        expires: None,
    }
}

/// A day's COVID-19 bulletin for `unit`, as an officer fills it in.
pub fn bulletin_input(unit: &str) -> congdan_protocol::BulletinInput {
    congdan_protocol::BulletinInput {
        date: chrono::NaiveDate::from_ymd_opt(2026, 6, 24).unwrap(),
        disease: "COVID-19".to_owned(),
        cases: vec![congdan_protocol::CaseCount {
            unit: unit.to_owned(),
            new_cases: 2,
            recovered: Some(1),
            deaths: None,
        }],
        places: vec![congdan_protocol::VaccinationPlace {
            name: "Trạm Y tế".to_owned(),
            address: "Đơn vị".to_owned(),
            lat: Some(21.03),
            lon: Some(105.84),
            hours: "7:30–11:30".to_owned(),
            vaccine: "AstraZeneca".to_owned(),
        }],
        note: String::new(),
    }
}

/// A small valid PNG photo.
pub fn png() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(8, 6, image::Rgb([10, 120, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
