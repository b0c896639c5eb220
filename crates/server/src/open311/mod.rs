//! Open311 GeoReport v2 under `/open311/v2/`: discovery, services, service
//! definitions, requests (create, search, by id), tokens, the mySociety
//! `servicerequestupdates` extension, and the photos of requests.
//!
//! Every answer is JSON or XML by the path's suffix (`.json`/`.xml`); errors are
//! Open311's `[{code, description}]` (XML `<errors><error>…`), never the content
//! API's `{code, message}`. Storage comes from [`crate::storage`]; the
//! `/api/v1` resident and officer endpoints live elsewhere.

pub mod body;
pub mod catalogue;
mod requests;
pub use requests::{PUBLIC_POSITION_DECIMALS, agency_name, public_coordinate};
mod services;
pub mod triage;
pub mod validate;
pub mod xml;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congdan_protocol::open311::{Open311Code, Open311Error};
use serde::Serialize;

use crate::routes::Routes;
use crate::storage::StorageError;
use crate::storage::requests::Conflict;

/// Prefix of the Open311 API.
pub const OPEN311_PREFIX: &str = "/open311/v2";

/// `Content-Type` of `.json` answers.
pub const JSON_TYPE: &str = "application/json; charset=utf-8";
/// `Content-Type` of `.xml` answers, as GeoReport v2 names it.
pub const XML_TYPE: &str = "text/xml; charset=utf-8";

/// The Open311 router, to be nested under [`OPEN311_PREFIX`]. Body limits are
/// set by the caller: `requests.{format}` takes photos. GET answers carry a
/// body-hash ETag and honour `If-None-Match` ([`crate::revalidate`]).
pub fn router() -> Routes {
    services::router().merge(requests::router()).map(|router| {
        router
            .layer(axum::middleware::from_fn(crate::revalidate::etag_from_body))
            .fallback(no_route)
    })
}

/// Routes that accept large bodies (multipart photos), for the body-limit layer.
pub fn upload_router() -> Routes {
    requests::upload_router()
        .map(|router| router.layer(axum::middleware::from_fn(crate::revalidate::etag_from_body)))
}

async fn no_route(format: Format) -> Response {
    Failure::new(StatusCode::NOT_FOUND, "Đường dẫn Open311 không tồn tại.").render(format)
}

/// Answer format, from the path suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json` (also the default).
    Json,
    /// `.xml`.
    Xml,
}

impl Format {
    /// The format named by a path's suffix (JSON when there is none).
    pub fn of_path(path: &str) -> Format {
        if path.ends_with(".xml") {
            Format::Xml
        } else {
            Format::Json
        }
    }

    /// Split `name.json` / `name.xml` into the name and its format.
    pub fn split(segment: &str) -> Option<(&str, Format)> {
        if let Some(name) = segment.strip_suffix(".json") {
            Some((name, Format::Json))
        } else {
            segment.strip_suffix(".xml").map(|name| (name, Format::Xml))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Format::of_path(parts.uri.path()))
    }
}

/// Render `value` in `format` with `status`; `root` names the XML root element.
pub fn reply<T: Serialize>(status: StatusCode, format: Format, root: &str, value: &T) -> Response {
    let json = match serde_json::to_value(value) {
        Ok(json) => json,
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize an Open311 body");
            return Failure::internal().render(format);
        }
    };
    match format {
        Format::Json => match serde_json::to_vec(&json) {
            Ok(bytes) => (
                status,
                [(header::CONTENT_TYPE, HeaderValue::from_static(JSON_TYPE))],
                bytes,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "cannot write an Open311 JSON body");
                status.into_response()
            }
        },
        Format::Xml => match xml::to_xml(root, &json) {
            Ok(bytes) => (
                status,
                [(header::CONTENT_TYPE, HeaderValue::from_static(XML_TYPE))],
                bytes,
            )
                .into_response(),
            Err(e) => {
                tracing::error!(error = %e, "cannot write an Open311 XML body");
                status.into_response()
            }
        },
    }
}

/// An Open311 error answer: HTTP status plus one `{code, description}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// HTTP status (400, 403, 404, 409, 413, 422, 500).
    pub status: StatusCode,
    /// Vietnamese description.
    pub description: String,
}

impl Failure {
    /// An error with `status` and a Vietnamese description.
    pub fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
        }
    }

    /// 400 with a description naming what is wrong.
    pub fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    /// 500 with a generic message.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Máy chủ gặp sự cố. Vui lòng thử lại sau.",
        )
    }

    /// The body: a one-element list.
    pub fn body(&self) -> Vec<Open311Error> {
        vec![Open311Error {
            code: Open311Code::Number(u32::from(self.status.as_u16())),
            description: self.description.clone(),
        }]
    }

    /// The answer in `format`.
    pub fn render(&self, format: Format) -> Response {
        reply(self.status, format, "errors", &self.body())
    }
}

impl From<StorageError> for Failure {
    fn from(cause: StorageError) -> Self {
        tracing::error!(error = %cause, "storage failure while serving Open311");
        Failure::internal()
    }
}

impl From<Conflict> for Failure {
    fn from(conflict: Conflict) -> Self {
        match conflict {
            Conflict::IdempotencyMismatch => Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Idempotency-Key đã được dùng cho một yêu cầu khác.",
            ),
            Conflict::UnknownMedia(_) => Failure::bad(
                "media_ids: ảnh chưa tải xong, không tồn tại hoặc đã dùng cho phản ánh khác.",
            ),
            Conflict::NotFound => Failure::new(StatusCode::NOT_FOUND, "Không tìm thấy phản ánh."),
            Conflict::WrongState(_) => Failure::new(
                StatusCode::CONFLICT,
                "Phản ánh không ở trạng thái cho phép thao tác này.",
            ),
            Conflict::AlreadySupported => {
                Failure::new(StatusCode::CONFLICT, "Thiết bị này đã báo «tôi cũng gặp».")
            }
        }
    }
}

/// Give an Open311 body to error answers made by middleware (413, 405, timeouts).
pub fn middleware_failure(status: StatusCode, path: &str) -> Response {
    let description = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Nội dung gửi lên quá lớn (ảnh tối đa 8 MB).",
        StatusCode::METHOD_NOT_ALLOWED => "Phương thức không được hỗ trợ.",
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            "Máy chủ đang bận, vui lòng thử lại sau."
        }
        s if s.is_client_error() => "Yêu cầu không hợp lệ.",
        _ => "Máy chủ gặp sự cố. Vui lòng thử lại sau.",
    };
    Failure::new(status, description).render(Format::of_path(path))
}
