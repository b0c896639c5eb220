//! `GET discovery.{fmt}` (the endpoint's absolute URL, from the configured public
//! base URL), `GET services.{fmt}` and `GET services/{code}.{fmt}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::{TimeZone, Utc};
use congdan_protocol::open311::{Discovery, Endpoint, Service};

use super::{Failure, Format, OPEN311_PREFIX, reply};
use crate::AppState;
use crate::routes::Routes;

/// Routes of this module.
pub fn router() -> Routes {
    Routes::new()
        .route("/discovery.json", get(discovery))
        .route("/discovery.xml", get(discovery))
        .route("/services.json", get(list))
        .route("/services.xml", get(list))
        .route("/services/{file}", get(definition))
}

async fn discovery(State(state): State<AppState>, format: Format) -> Response {
    let changeset = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let body = Discovery {
        changeset,
        contact: "Ủy ban nhân dân phường — bộ phận Một cửa".to_owned(),
        key_service: "Xin khóa api_key cho ứng dụng của bạn tại UBND phường.".to_owned(),
        endpoints: vec![Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2".to_owned(),
            url: state.config.public_url.join(OPEN311_PREFIX),
            changeset,
            kind: "production".to_owned(),
            formats: vec!["application/json".to_owned(), "text/xml".to_owned()],
        }],
    };
    reply(StatusCode::OK, format, "discovery", &body)
}

async fn list(State(state): State<AppState>, format: Format) -> Response {
    match state.storage.services().await {
        Ok(records) => {
            let services: Vec<Service> = records.into_iter().map(|r| r.service).collect();
            reply(StatusCode::OK, format, "services", &services)
        }
        Err(e) => Failure::from(e).render(format),
    }
}

async fn definition(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return Failure::new(StatusCode::NOT_FOUND, "Đường dẫn Open311 không tồn tại.")
            .render(Format::Json);
    };
    match state.storage.service(code.to_owned()).await {
        Ok(Some(record)) => reply(
            StatusCode::OK,
            format,
            "service_definition",
            &record.definition,
        ),
        Ok(None) => Failure::new(
            StatusCode::NOT_FOUND,
            "Không có dịch vụ với mã này (service_code).",
        )
        .render(format),
        Err(e) => Failure::from(e).render(format),
    }
}
