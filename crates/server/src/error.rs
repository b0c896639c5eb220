//! The one error type of the HTTP layer, [`AppError`], and how it becomes a
//! `{code, message}` JSON answer.
//!
//! The status and code of every error are chosen here, in [`AppError::status`]
//! and [`AppError::code`]. Messages are Vietnamese and safe to show a user;
//! internal causes are logged with `tracing` and never sent. This module does
//! not decide when an error happens.

use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congdan_protocol::ErrorBody;

use crate::storage::StorageError;
use crate::storage::announcements::AnnouncementConflict;
use crate::storage::requests::Conflict;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A query parameter is missing or malformed.
    #[error("bad query parameter `{param}`")]
    BadParam {
        /// Name of the parameter.
        param: &'static str,
    },
    /// The query string itself could not be read.
    #[error("bad query string: {0}")]
    BadQuery(#[from] QueryRejection),
    /// `unit` names no known administrative unit.
    #[error("unknown unit")]
    UnknownUnit,
    /// The requested item does not exist.
    #[error("not found")]
    NotFound,
    /// No route matches the path.
    #[error("no such route")]
    NoRoute,
    /// The storage failed; the cause is logged, not sent.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Missing or unknown bearer token.
    #[error("unauthorized")]
    Unauthorized,
    /// Wrong username or password.
    #[error("bad credentials")]
    BadCredentials,
    /// Authenticated but outside the account's unit or role.
    #[error("forbidden")]
    Forbidden,
    /// The body or a header is invalid; the message says which (Vietnamese).
    #[error("invalid input")]
    Invalid(&'static str),
    /// A domain refusal from storage.
    #[error(transparent)]
    Conflict(#[from] Conflict),
    /// The upload is larger than allowed.
    #[error("too large")]
    TooLarge,
    /// `Upload-Offset` differs from the stored offset.
    #[error("upload offset mismatch, server has {0}")]
    OffsetMismatch(u64),
    /// The finished upload is not an accepted image.
    #[error("not an image")]
    NotImage,
    /// The finished upload was announced as a PDF and is not one.
    #[error("not a PDF")]
    NotPdf,
    /// The request body is over the route's limit (or could not be read).
    #[error("request body too large")]
    BodyTooLarge,
    /// Too many calls from one client address; retry after this many seconds.
    #[error("rate limited, retry after {0} s")]
    RateLimited(u64),
    /// Authenticated, but the account's role may not do this.
    #[error("role forbidden")]
    RoleForbidden,
    /// Too many failed logins for the username or from the address; retry
    /// after this many seconds.
    #[error("login locked, retry after {0} s")]
    LoginLocked(u64),
    /// A refusal about an announcement.
    #[error(transparent)]
    Announcement(#[from] AnnouncementConflict),
}

impl AppError {
    /// HTTP status of this error: the only place that decides it.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadParam { .. } | AppError::BadQuery(_) => StatusCode::BAD_REQUEST,
            AppError::UnknownUnit | AppError::NotFound | AppError::NoRoute => StatusCode::NOT_FOUND,
            AppError::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::RoleForbidden => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Announcement(AnnouncementConflict::NotFound) => StatusCode::NOT_FOUND,
            AppError::Announcement(AnnouncementConflict::OtherAuthor) => StatusCode::FORBIDDEN,
            AppError::Conflict(Conflict::IdempotencyMismatch)
            | AppError::NotImage
            | AppError::NotPdf
            | AppError::Announcement(AnnouncementConflict::Attachment(_)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Announcement(_) => StatusCode::CONFLICT,
            AppError::Conflict(Conflict::NotFound) => StatusCode::NOT_FOUND,
            AppError::Conflict(Conflict::UnknownMedia(_)) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) | AppError::OffsetMismatch(_) => StatusCode::CONFLICT,
            AppError::TooLarge | AppError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited(_) | AppError::LoginLocked(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// Stable machine-readable code sent as `ErrorBody::code`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadParam { .. } | AppError::BadQuery(_) => "bad_request",
            AppError::UnknownUnit => "unknown_unit",
            AppError::NotFound | AppError::NoRoute => "not_found",
            AppError::Storage(_) => "internal",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::Forbidden
            | AppError::RoleForbidden
            | AppError::Announcement(AnnouncementConflict::OtherAuthor) => "forbidden",
            AppError::Announcement(AnnouncementConflict::NotFound) => "not_found",
            AppError::Announcement(AnnouncementConflict::Attachment(_)) => "invalid_input",
            AppError::Announcement(_) => "wrong_state",
            AppError::LoginLocked(_) => "login_locked",
            AppError::Invalid(_) => "invalid_input",
            AppError::Conflict(Conflict::IdempotencyMismatch) => "idempotency_mismatch",
            AppError::Conflict(Conflict::NotFound) => "not_found",
            AppError::Conflict(Conflict::UnknownMedia(_)) => "invalid_input",
            AppError::Conflict(Conflict::WrongState(_)) => "wrong_state",
            AppError::Conflict(Conflict::AlreadySupported) => "already_supported",
            AppError::TooLarge | AppError::BodyTooLarge => "too_large",
            AppError::OffsetMismatch(_) => "offset_mismatch",
            AppError::NotImage => "not_an_image",
            AppError::NotPdf => "not_a_pdf",
            AppError::RateLimited(_) => "rate_limited",
        }
    }

    /// Vietnamese message, safe to show to a user.
    pub fn message(&self) -> String {
        match self {
            AppError::BadParam { param: "since" } => {
                "Tham số since không hợp lệ: phải là số nguyên không âm.".to_owned()
            }
            AppError::BadParam { param: "limit" } => {
                "Tham số limit không hợp lệ: phải là số nguyên dương.".to_owned()
            }
            AppError::BadParam { param: "unit" } => {
                "Thiếu hoặc sai tham số unit (mã đơn vị hành chính).".to_owned()
            }
            AppError::BadParam { param: "q" } => {
                "Hãy nhập nội dung cần tìm (tối đa 500 ký tự).".to_owned()
            }
            AppError::BadParam { param } => format!("Tham số {param} không hợp lệ."),
            AppError::BadQuery(_) => "Chuỗi tham số của yêu cầu không hợp lệ.".to_owned(),
            AppError::UnknownUnit => "Không tìm thấy đơn vị hành chính này.".to_owned(),
            AppError::NotFound => "Không tìm thấy nội dung được yêu cầu.".to_owned(),
            AppError::NoRoute => "Đường dẫn không tồn tại.".to_owned(),
            AppError::Storage(_) => "Máy chủ gặp sự cố. Vui lòng thử lại sau.".to_owned(),
            AppError::Unauthorized => "Cần đăng nhập hoặc mã thiết bị hợp lệ.".to_owned(),
            AppError::BadCredentials => "Sai tên đăng nhập hoặc mật khẩu.".to_owned(),
            AppError::Forbidden => "Tài khoản không có quyền với đơn vị này.".to_owned(),
            AppError::RoleForbidden => {
                "Vai trò của tài khoản không được làm thao tác này.".to_owned()
            }
            AppError::LoginLocked(seconds) => format!(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {} phút.",
                seconds.div_ceil(60)
            ),
            AppError::Announcement(AnnouncementConflict::NotFound) => {
                "Không tìm thấy thông báo.".to_owned()
            }
            AppError::Announcement(AnnouncementConflict::OtherAuthor) => {
                "Thông báo này do người khác soạn.".to_owned()
            }
            AppError::Announcement(AnnouncementConflict::Attachment(_)) => {
                "Tệp đính kèm chưa tải lên xong hoặc đã thuộc về nội dung khác.".to_owned()
            }
            AppError::Announcement(AnnouncementConflict::WrongState(status)) => format!(
                "Thông báo đang ở trạng thái «{}», không làm được thao tác này.",
                status_vi(*status)
            ),
            AppError::Invalid(message) => (*message).to_owned(),
            AppError::Conflict(Conflict::IdempotencyMismatch) => {
                "Idempotency-Key đã được dùng cho một yêu cầu khác.".to_owned()
            }
            AppError::Conflict(Conflict::NotFound) => "Không tìm thấy phản ánh.".to_owned(),
            AppError::Conflict(Conflict::UnknownMedia(_)) => {
                "Ảnh chưa tải xong hoặc đã được dùng.".to_owned()
            }
            AppError::Conflict(Conflict::WrongState(_)) => {
                "Phản ánh không ở trạng thái cho phép thao tác này.".to_owned()
            }
            AppError::Conflict(Conflict::AlreadySupported) => {
                "Thiết bị này đã báo «tôi cũng gặp».".to_owned()
            }
            AppError::TooLarge => "Tệp quá lớn (tối đa 8 MB).".to_owned(),
            AppError::OffsetMismatch(_) => "Vị trí tải lên không khớp với máy chủ.".to_owned(),
            AppError::NotImage => "Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ.".to_owned(),
            AppError::NotPdf => "Tệp không phải PDF hợp lệ.".to_owned(),
            AppError::BodyTooLarge => "Nội dung yêu cầu quá lớn.".to_owned(),
            AppError::RateLimited(seconds) => {
                format!("Quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau {seconds} giây.")
            }
        }
    }

    /// The JSON body of this error.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code().to_owned(),
            message: self.message(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Storage(cause) = &self {
            tracing::error!(error = %cause, "storage failure while serving a request");
        }
        let mut response = error_response(self.status(), &self.body());
        if let AppError::OffsetMismatch(offset) = &self {
            response
                .headers_mut()
                .insert("upload-offset", HeaderValue::from(*offset));
        }
        if let AppError::RateLimited(seconds) | AppError::LoginLocked(seconds) = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
        response
    }
}

/// Vietnamese name of an announcement's status.
fn status_vi(status: congdan_protocol::announcements::AnnouncementStatus) -> &'static str {
    use congdan_protocol::announcements::AnnouncementStatus as S;
    match status {
        S::Draft => "bản nháp",
        S::Submitted => "chờ duyệt",
        S::Returned => "bị trả lại",
        S::Published => "đã đăng",
    }
}

/// The value of a JSON body, or the error to answer: 413 `too_large` when the
/// body could not be buffered (over the route's limit; nested limit layers
/// do not always keep the 413 status in the rejection), 400 otherwise.
pub fn json_body<T>(
    body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, AppError> {
    match body {
        Ok(axum::Json(value)) => Ok(value),
        Err(axum::extract::rejection::JsonRejection::BytesRejection(_)) => {
            Err(AppError::BodyTooLarge)
        }
        Err(_) => Err(AppError::Invalid("Nội dung JSON không hợp lệ.")),
    }
}

/// A JSON error answer with `status`; used by [`AppError`] and by the layer
/// that gives bodies to errors produced by middleware (timeouts, 405, 413).
pub fn error_response(status: StatusCode, body: &ErrorBody) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialize an error body");
            status.into_response()
        }
    }
}

/// Body for an error answer made by middleware that has no JSON body of its own.
pub fn middleware_error_body(status: StatusCode) -> ErrorBody {
    let (code, message) = match status {
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            ("unavailable", "Máy chủ đang bận, vui lòng thử lại sau.")
        }
        StatusCode::METHOD_NOT_ALLOWED => ("bad_request", "Phương thức không được hỗ trợ."),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "Nội dung yêu cầu quá lớn."),
        s if s.is_client_error() => ("bad_request", "Yêu cầu không hợp lệ."),
        _ => ("internal", "Máy chủ gặp sự cố. Vui lòng thử lại sau."),
    };
    ErrorBody {
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_check::is_nfc_like;

    mod unicode_check {
        /// Precomposed Vietnamese letters contain no combining marks (U+0300–U+036F).
        pub fn is_nfc_like(s: &str) -> bool {
            !s.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c))
        }
    }

    #[test]
    fn every_error_has_status_code_and_vietnamese_message() {
        let errors = [
            AppError::BadParam { param: "since" },
            AppError::BadParam { param: "limit" },
            AppError::BadParam { param: "unit" },
            AppError::UnknownUnit,
            AppError::NotFound,
            AppError::NoRoute,
            AppError::Storage(StorageError::Worker("x".into())),
            AppError::RateLimited(12),
        ];
        for e in errors {
            let body = e.body();
            assert!(!body.message.is_empty());
            assert!(is_nfc_like(&body.message), "{}", body.message);
            assert!(e.status().is_client_error() || e.status().is_server_error());
        }
        let internal = AppError::Storage(StorageError::Worker("secret detail".into()));
        assert!(!internal.message().contains("secret"));
        assert_eq!(internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
