//! Issue 13, privacy: public lists carry no contact data or internal notes and a
//! rounded position; stored photos lose their metadata; uploads need
//! credentials and are cleaned up when orphaned; body limits per route; the
//! device registration rate limit.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::Request;
use chrono::{DateTime, Duration, Utc};
use congdan_server::{AppState, ServerConfig, app};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Answer, TestApp, test_app};

const APP_KEY: &str = "congdan-demo-key";

/// A request in commune 00001 with contact details at an exact position.
const FORM: &str = "api_key=congdan-demo-key&service_code=ha-tang-giao-thong&lat=21.034149&long=105.837251\
&description=%E1%BB%94%20g%C3%A0&attribute[loai_hu_hong]=o-ga&attribute[nguy_hiem]=co\
&unit=00001&email=an.nguyen%40example.vn&first_name=Nguyen&last_name=Thi-An-Rieng&phone=0912345678";

const INTERNAL_NOTE: &str = "Gọi lại cho chị An, nhà số 12 ngõ 5";
const PUBLIC_NOTE: &str = "Đã cử đội kiểm tra hiện trường.";

struct Env {
    t: TestApp,
    app: Router,
    state: AppState,
    now: Arc<Mutex<DateTime<Utc>>>,
}

async fn env_with(config: ServerConfig) -> Env {
    let t = test_app().await;
    t.seed_units().await;
    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    let now = Arc::new(Mutex::new(Utc::now()));
    let clock_now = Arc::clone(&now);
    let state = AppState::new(t.storage.clone())
        .with_config(config)
        .with_clock(Arc::new(move || *clock_now.lock().unwrap()));
    Env {
        app: app(state.clone()),
        t,
        state,
        now,
    }
}

async fn env() -> Env {
    env_with(ServerConfig::default()).await
}

impl Env {
    async fn call(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn send(
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
        self.call(request.body(Body::from(body)).unwrap()).await
    }

    async fn device(&self) -> String {
        let answer = self.send("POST", "/api/v1/devices", &[], Vec::new()).await;
        assert_eq!(answer.status, 201);
        format!("Bearer {}", answer.json()["token"].as_str().unwrap())
    }

    async fn officer(&self) -> String {
        let now = *self.now.lock().unwrap();
        congdan_server::accounts::add_account(
            self.t.storage.as_ref(),
            "canbo.00001",
            "mat-khau-dai",
            "Trần Thị B",
            congdan_protocol::Role::Officer,
            "00001",
            now,
        )
        .await
        .unwrap();
        let login = self
            .json_post(
                "/api/v1/auth/login",
                "",
                json!({"username": "canbo.00001", "password": "mat-khau-dai"}),
            )
            .await;
        assert_eq!(login.status, 200);
        format!("Bearer {}", login.json()["token"].as_str().unwrap())
    }

    async fn json_post(&self, uri: &str, auth: &str, body: Value) -> Answer {
        let mut headers = vec![("content-type", "application/json")];
        if !auth.is_empty() {
            headers.push(("authorization", auth));
        }
        self.send("POST", uri, &headers, serde_json::to_vec(&body).unwrap())
            .await
    }

    async fn upload_status(&self, id: &str) -> u16 {
        self.send("HEAD", &format!("/api/v1/uploads/{id}"), &[], Vec::new())
            .await
            .status
            .as_u16()
    }

    fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap();
        *now += by;
    }
}

fn text(answer: &Answer) -> String {
    String::from_utf8_lossy(&answer.body).into_owned()
}

fn assert_private_data_absent(body: &str) {
    for secret in [
        "0912345678",
        "an.nguyen",
        "Thi-An-Rieng",
        "\"first_name\"",
        "<first_name>",
        "device_id",
        "email",
        "phone",
        INTERNAL_NOTE,
        "21.034149",
        "105.837251",
    ] {
        assert!(
            !body.contains(secret),
            "{secret:?} in public answer: {body}"
        );
    }
}

#[tokio::test]
async fn public_views_hide_contact_data_and_internal_notes_and_round_the_position() {
    let e = env().await;
    let device = e.device().await;
    let created = e
        .send(
            "POST",
            "/open311/v2/requests.json",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("authorization", &device),
            ],
            FORM.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", text(&created));
    let id = created.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let officer = e.officer().await;
    let status = format!("/api/v1/officer/requests/{id}/status");
    let internal = e
        .json_post(
            &status,
            &officer,
            json!({"status": "received", "note": INTERNAL_NOTE}),
        )
        .await;
    assert_eq!(internal.status, 200, "{}", text(&internal));
    let public = e
        .json_post(
            &status,
            &officer,
            json!({"status": "in_progress", "note": PUBLIC_NOTE, "note_public": true}),
        )
        .await;
    assert_eq!(public.status, 200, "{}", text(&public));

    // Public Open311 answers, JSON and XML.
    for uri in [
        "/open311/v2/requests.json".to_owned(),
        "/open311/v2/requests.xml".to_owned(),
        format!("/open311/v2/requests/{id}.json"),
        format!("/open311/v2/requests/{id}.xml"),
        "/open311/v2/servicerequestupdates.json".to_owned(),
        "/open311/v2/servicerequestupdates.xml".to_owned(),
    ] {
        let answer = e.send("GET", &uri, &[], Vec::new()).await;
        assert_eq!(answer.status, 200, "{uri}");
        let body = text(&answer);
        assert_private_data_absent(&body);
        if uri.contains("requests") && !uri.contains("updates") {
            assert!(body.contains("21.034"), "{uri}: {body}");
            assert!(body.contains("105.837"), "{uri}: {body}");
            assert!(body.contains(PUBLIC_NOTE), "{uri}: {body}");
        } else {
            assert!(body.contains(PUBLIC_NOTE), "{uri}: {body}");
        }
    }
    let one = e
        .send(
            "GET",
            &format!("/open311/v2/requests/{id}.json"),
            &[],
            Vec::new(),
        )
        .await
        .json();
    assert_eq!(one[0]["lat"], 21.034);
    assert_eq!(one[0]["long"], 105.837);

    // The reporter's device sees the exact place, and internal notes as empty steps.
    let mine = e
        .send(
            "GET",
            "/api/v1/my/requests",
            &[("authorization", &device)],
            Vec::new(),
        )
        .await;
    assert_eq!(mine.status, 200);
    let body = text(&mine);
    assert!(!body.contains(INTERNAL_NOTE), "{body}");
    let item = &mine.json()["items"][0];
    assert_eq!(item["request"]["lat"], 21.034149);
    assert_eq!(item["request"]["long"], 105.837251);
    let timeline = item["timeline"].as_array().unwrap();
    assert_eq!(timeline[1]["internal"], true);
    assert_eq!(timeline[1]["note"], "");
    assert_eq!(timeline[2]["note"], PUBLIC_NOTE);

    // Officers see everything.
    let list = e
        .send(
            "GET",
            "/api/v1/officer/requests",
            &[("authorization", &officer)],
            Vec::new(),
        )
        .await;
    let view = &list.json()[0];
    assert_eq!(view["request"]["lat"], 21.034149);
    assert_eq!(view["phone"], "0912345678");
    assert_eq!(view["timeline"][1]["note"], INTERNAL_NOTE);
    assert_eq!(view["timeline"][1]["internal"], true);
}

/// A JPEG with a hand-written APP1 EXIF segment (orientation 6) carrying a
/// made-up GPS text, as a phone camera would leave it.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 8, |x, _| {
        if x < 8 {
            image::Rgb([250, 0, 0])
        } else {
            image::Rgb([0, 0, 250])
        }
    });
    let mut plain = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut plain, 95,
    ))
    .unwrap();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&[b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0]);
    app1.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    app1.extend_from_slice(&[0, 0, 0, 0]);
    app1.extend_from_slice(b"GPSLatitude 21.034149 secret-place");
    let len = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn has(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Create an upload (announced as PNG), send it whole, return its id.
async fn upload(e: &Env, auth: (&str, &str), bytes: &[u8]) -> String {
    let len = bytes.len().to_string();
    let create = e
        .send(
            "POST",
            "/api/v1/uploads",
            &[("upload-length", &len), ("content-type", "image/png"), auth],
            Vec::new(),
        )
        .await;
    assert_eq!(create.status, 201, "{}", text(&create));
    let id = create.json()["id"].as_str().unwrap().to_owned();
    let patch = e
        .send(
            "PATCH",
            &format!("/api/v1/uploads/{id}"),
            &[("upload-offset", "0")],
            bytes.to_vec(),
        )
        .await;
    assert_eq!(patch.status, 204, "{}", text(&patch));
    id
}

#[tokio::test]
async fn uploads_need_credentials_and_are_stored_without_exif() {
    let e = env().await;
    let photo = jpeg_with_exif();
    assert!(has(&photo, b"Exif") && has(&photo, b"secret-place"));
    let len = photo.len().to_string();
    let headers = [
        ("upload-length", len.as_str()),
        ("content-type", "image/jpeg"),
    ];
    let anonymous = e
        .send("POST", "/api/v1/uploads", &headers, Vec::new())
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["code"], "unauthorized");
    let bad_token = [headers[0], headers[1], ("authorization", "Bearer sai")];
    assert_eq!(
        e.send("POST", "/api/v1/uploads", &bad_token, Vec::new())
            .await
            .status,
        401
    );
    let bad_key = e
        .send("POST", "/api/v1/uploads?api_key=sai", &headers, Vec::new())
        .await;
    assert_eq!(bad_key.status, 401);
    let by_query = e
        .send(
            "POST",
            &format!("/api/v1/uploads?api_key={APP_KEY}"),
            &headers,
            Vec::new(),
        )
        .await;
    assert_eq!(by_query.status, 201);

    let device = e.device().await;
    let id = upload(&e, ("authorization", &device), &photo).await;
    let head = e
        .send("HEAD", &format!("/api/v1/uploads/{id}"), &[], Vec::new())
        .await;
    assert_eq!(head.headers["upload-offset"], len.as_str());
    assert_eq!(head.headers["upload-length"], len.as_str());

    let form = format!("{FORM}&media_ids={id}");
    let created = e
        .send(
            "POST",
            "/open311/v2/requests.json",
            &[("content-type", "application/x-www-form-urlencoded")],
            form.into_bytes(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", text(&created));
    let media = e
        .send("GET", &format!("/open311/v2/media/{id}"), &[], Vec::new())
        .await;
    assert_eq!(media.status, 200);
    // Announced as PNG, stored as what the bytes are.
    assert_eq!(media.headers["content-type"], "image/jpeg");
    assert_eq!(media.headers["x-content-type-options"], "nosniff");
    assert!(!has(&media.body, b"Exif"));
    assert!(!has(&media.body, b"secret-place"));
    let back = image::load_from_memory(&media.body).unwrap();
    // Orientation 6 was applied to the pixels: 16×8 became 8×16.
    assert_eq!((back.width(), back.height()), (8, 16));
}

fn multipart(form: &str, photo: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XyZpRiVaCy";
    let mut body = Vec::new();
    for (name, value) in serde_urlencoded::from_str::<Vec<(String, String)>>(form).unwrap() {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\ncontent-type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn multipart_photos_lose_exif_and_oversized_bodies_are_413_before_decoding() {
    let e = env_with(ServerConfig {
        max_upload_body_bytes: 20_000,
        ..ServerConfig::default()
    })
    .await;
    let (kind, body) = multipart(FORM, &jpeg_with_exif());
    let created = e
        .send(
            "POST",
            "/open311/v2/requests.json",
            &[("content-type", &kind)],
            body,
        )
        .await;
    assert_eq!(created.status, 201, "{}", text(&created));
    let id = created.json()[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = e
        .send(
            "GET",
            &format!("/open311/v2/requests/{id}.json"),
            &[],
            Vec::new(),
        )
        .await
        .json();
    let link = request[0]["media_url"].as_str().unwrap();
    let path = &link[link.find("/open311").unwrap()..];
    let media = e.send("GET", path, &[], Vec::new()).await;
    assert_eq!(media.headers["content-type"], "image/jpeg");
    assert!(!has(&media.body, b"secret-place"));

    // Too large, with and without Content-Length: Open311 413 error body.
    let mut big = jpeg_with_exif();
    big.resize(30_000, 0);
    let (kind, body) = multipart(FORM, &big);
    let length = body.len().to_string();
    for headers in [
        vec![
            ("content-type", kind.as_str()),
            ("content-length", length.as_str()),
        ],
        vec![("content-type", kind.as_str())],
    ] {
        let answer = e
            .send("POST", "/open311/v2/requests.json", &headers, body.clone())
            .await;
        assert_eq!(answer.status, 413, "{}", text(&answer));
        assert_eq!(answer.json()[0]["code"], 413);
    }
}

#[tokio::test]
async fn orphan_uploads_expired_sessions_and_old_idempotency_records_are_cleaned() {
    let e = env().await;
    let device = e.device().await;
    let png = {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let orphan = upload(&e, ("authorization", &device), &png).await;
    let kept = upload(&e, ("x-api-key", APP_KEY), &png).await;
    let form = format!("{FORM}&media_ids={kept}");
    let created = e
        .send(
            "POST",
            "/open311/v2/requests.json",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("idempotency-key", "0b0e1c2a-1111-4222-8333-444455556666"),
            ],
            form.into_bytes(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", text(&created));
    let _officer = e.officer().await;

    // Within 24 h nothing goes.
    e.advance(Duration::hours(23));
    let report = congdan_server::cleanup::run_once(&e.state).await.unwrap();
    assert_eq!(report.uploads, 0);
    assert_eq!(report.sessions, 1, "the 12 h session expired");
    assert_eq!(e.upload_status(&orphan).await, 200);

    e.advance(Duration::hours(2));
    let report = congdan_server::cleanup::run_once(&e.state).await.unwrap();
    assert_eq!(report.uploads, 1);
    assert_eq!(report.idempotency, 0);
    assert_eq!(e.upload_status(&orphan).await, 404);
    let media = e
        .send("GET", &format!("/open311/v2/media/{kept}"), &[], Vec::new())
        .await;
    assert_eq!(media.status, 200, "an attached photo stays");

    e.advance(Duration::days(7));
    let report = congdan_server::cleanup::run_once(&e.state).await.unwrap();
    assert!(report.idempotency >= 1, "{report:?}");
}

fn at(addr: [u8; 4], mut request: Request<Body>) -> Request<Body> {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((addr, 40000))));
    request
}

#[tokio::test]
async fn device_registration_has_a_small_body_limit_and_a_rate_limit_per_address() {
    let e = env_with(ServerConfig {
        registrations_per_minute: 5,
        ..ServerConfig::default()
    })
    .await;
    let big = serde_json::to_vec(&json!({ "pad": "x".repeat(100_000) })).unwrap();
    let length = big.len().to_string();
    for with_length in [true, false] {
        let mut request =
            Request::post("/api/v1/devices").header("content-type", "application/json");
        if with_length {
            request = request.header("content-length", &length);
        }
        let answer = e
            .call(at(
                [10, 0, 0, 9],
                request.body(Body::from(big.clone())).unwrap(),
            ))
            .await;
        assert_eq!(answer.status, 413, "{with_length}: {}", text(&answer));
        assert_eq!(answer.json()["code"], "too_large");
    }
    let login = e
        .json_post(
            "/api/v1/auth/login",
            "",
            json!({"username": "x".repeat(10_000), "password": "y"}),
        )
        .await;
    assert_eq!(login.status, 413);

    let register = |addr: [u8; 4]| {
        at(
            addr,
            Request::post("/api/v1/devices")
                .body(Body::empty())
                .unwrap(),
        )
    };
    for _ in 0..5 {
        assert_eq!(e.call(register([10, 0, 0, 1])).await.status, 201);
    }
    let refused = e.call(register([10, 0, 0, 1])).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json()["code"], "rate_limited");
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(e.call(register([10, 0, 0, 2])).await.status, 201);
    e.advance(Duration::seconds(i64::try_from(wait).unwrap()));
    assert_eq!(e.call(register([10, 0, 0, 1])).await.status, 201);
}

#[test]
fn public_coordinates_are_rounded_to_three_decimals() {
    use congdan_server::open311::public_coordinate;
    assert_eq!(public_coordinate(21.034149), 21.034);
    assert_eq!(public_coordinate(105.8375), 105.838);
    assert_eq!(public_coordinate(-0.0004), -0.0);
}
