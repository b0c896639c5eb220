//! The one error type of the client core and its stable codes.
//!
//! Owns: [`Error`] (what went wrong, with context for logs) and [`ErrorCode`]
//! (the stable snake_case classifier the UI and the CLI act on), plus the
//! Vietnamese user-facing message of each code ([`Error::to_body`]).
//! Does not own: logging or presentation; callers decide how to show the body.

use congdan_protocol::ErrorBody;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable classification of every core error. Serialized snake_case; a code
/// is added only when the UI or a client acts on it, everything else is `internal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The server could not be reached (no network, DNS failure, refused, timed out).
    Offline,
    /// The server answered with a 5xx status.
    ServerUnavailable,
    /// The server answered something we cannot use (bad JSON, unexpected status, inconsistent page).
    BadResponse,
    /// The requested item is not in the local store (or the server does not know it).
    NotFound,
    /// The caller passed an invalid argument (bad URL, out-of-range index).
    InvalidInput,
    /// A required setting (server URL, home unit) is missing.
    NotConfigured,
    /// The local database failed or is from a newer version of the app.
    Storage,
    /// Anything else: a bug or an unexpected platform failure.
    Internal,
    /// The server refused a write for good (its reason is the message); the
    /// outbox row is set aside and the user must change and resend it.
    Rejected,
    /// The server does not know this device (401) or does not let it do this
    /// (403): the outbox registers the device again and retries.
    Unauthorized,
    /// An official tool was used without a live session (never logged in,
    /// logged out, expired, or revoked by an account change): log in again.
    NotLoggedIn,
    /// Wrong username or password at login.
    BadCredentials,
    /// Too many failed logins for the account or from this address: wait.
    LoginLocked,
    /// The account's role or unit does not allow this; nothing was changed.
    Forbidden,
    /// The item's state does not allow this (e.g. approving a draft).
    WrongState,
}

impl ErrorCode {
    /// The snake_case string used on the wire, e.g. `"server_unavailable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Offline => "offline",
            ErrorCode::ServerUnavailable => "server_unavailable",
            ErrorCode::BadResponse => "bad_response",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotConfigured => "not_configured",
            ErrorCode::Storage => "storage",
            ErrorCode::Internal => "internal",
            ErrorCode::Rejected => "rejected",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::NotLoggedIn => "not_logged_in",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::LoginLocked => "login_locked",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::WrongState => "wrong_state",
        }
    }

    /// The Vietnamese message shown to a user for this code.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::Offline => "Không có kết nối mạng. Đang hiển thị dữ liệu đã lưu.",
            ErrorCode::ServerUnavailable => {
                "Máy chủ không phản hồi. Vui lòng thử lại sau. Đang hiển thị dữ liệu đã lưu."
            }
            ErrorCode::BadResponse => "Máy chủ trả về dữ liệu không hợp lệ. Vui lòng thử lại sau.",
            ErrorCode::NotFound => "Không tìm thấy dữ liệu yêu cầu.",
            ErrorCode::InvalidInput => "Dữ liệu nhập vào không hợp lệ.",
            ErrorCode::NotConfigured => "Chưa cấu hình đủ để thực hiện thao tác này.",
            ErrorCode::Storage => "Lỗi cơ sở dữ liệu trên máy.",
            ErrorCode::Internal => "Đã xảy ra lỗi không mong muốn.",
            ErrorCode::Rejected => "Máy chủ từ chối yêu cầu.",
            ErrorCode::Unauthorized => {
                "Máy chủ chưa nhận ra thiết bị này; đang đăng ký lại và sẽ tự gửi lại."
            }
            ErrorCode::NotLoggedIn => {
                "Cần đăng nhập tài khoản cán bộ (phiên đã hết hạn hoặc chưa đăng nhập)."
            }
            ErrorCode::BadCredentials => "Sai tên đăng nhập hoặc mật khẩu.",
            ErrorCode::LoginLocked => "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau.",
            ErrorCode::Forbidden => {
                "Tài khoản không có quyền làm thao tác này; không có gì bị thay đổi."
            }
            ErrorCode::WrongState => "Trạng thái hiện tại không cho phép thao tác này.",
        }
    }
}

/// Everything that can go wrong in the client core. Variants carry the context
/// needed in logs (which resource, which key, which status); [`Error::code`]
/// classifies them for programs and [`Error::to_body`] for users.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The network failed while talking to the server about `resource`.
    #[error("offline while fetching {resource}: {reason}")]
    Offline {
        /// Resource or URL being fetched.
        resource: String,
        /// Transport-level reason (no personal data).
        reason: String,
    },
    /// The connection was lost, or stalled, partway through the server's answer
    /// about `resource`: a body cut mid-way. Its code is `offline`, as for
    /// [`Error::Offline`]; it is kept apart so that sync can tell a page too long
    /// for the link from a link that is down.
    #[error("connection lost partway through the answer for {resource}: {reason}")]
    Interrupted {
        /// Resource or URL being fetched.
        resource: String,
        /// Transport-level reason (no personal data).
        reason: String,
    },
    /// The server answered with a 5xx status.
    #[error("server unavailable while fetching {resource}: HTTP {status}")]
    ServerUnavailable {
        /// Resource being fetched.
        resource: String,
        /// HTTP status.
        status: u16,
    },
    /// The server answered with a body or status we cannot use.
    #[error("bad response for {resource}: {reason}")]
    BadResponse {
        /// Resource being fetched.
        resource: String,
        /// What was wrong.
        reason: String,
    },
    /// An item is missing.
    #[error("{what} not found: {key}")]
    NotFound {
        /// Kind of item ("procedure", "unit", "news item").
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// An argument was rejected.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which argument.
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A required setting is missing.
    #[error("not configured: {what}")]
    NotConfigured {
        /// Which setting ("server_url", "home_unit").
        what: &'static str,
    },
    /// SQLite failed.
    #[error("storage error during {context}: {source}")]
    Storage {
        /// The operation that failed, e.g. "procedures upsert".
        context: &'static str,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A stored value could not be decoded (corrupt cache row).
    #[error("corrupt stored {what}: {reason}")]
    CorruptRow {
        /// Which table or value.
        what: &'static str,
        /// Why it could not be read.
        reason: String,
    },
    /// The database was written by a newer version of the app.
    #[error("database schema version {found} is newer than this app knows ({known})")]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// Number of migrations this binary has.
        known: i64,
    },
    /// The platform credential store failed.
    #[error("secret store failure: {reason}")]
    Secret {
        /// What failed (no secret values).
        reason: String,
    },
    /// The operation is not available on this platform.
    #[error("unsupported on this platform: {what}")]
    Unsupported {
        /// What was asked for.
        what: &'static str,
    },
    /// The server refused a write for good (HTTP 4xx other than 408/409/425/429).
    #[error("server rejected {resource}: HTTP {status}")]
    Rejected {
        /// What was sent ("request", "upload").
        resource: &'static str,
        /// HTTP status.
        status: u16,
        /// The server's Vietnamese description, shown to the user.
        message: String,
    },
    /// The server does not know the device, or does not let it do this.
    #[error("unauthorized for {resource}: HTTP {status}")]
    Unauthorized {
        /// What was sent ("rating", "upload").
        resource: &'static str,
        /// HTTP status (401 or 403).
        status: u16,
    },
    /// The server refused an official's call (session, credentials, role or
    /// unit, state); `code` is one of the official codes and `message` the
    /// server's Vietnamese reason.
    #[error("official call {resource} refused: HTTP {status}")]
    Official {
        /// What was asked ("login", "announcement", "inbox").
        resource: &'static str,
        /// HTTP status.
        status: u16,
        /// `not_logged_in`, `bad_credentials`, `login_locked`, `forbidden` or `wrong_state`.
        code: ErrorCode,
        /// The server's message (Vietnamese), empty when it sent none.
        message: String,
    },
    /// A bug or unexpected condition.
    #[error("internal error: {reason}")]
    Internal {
        /// Description for logs.
        reason: String,
    },
}

impl Error {
    /// The resource (or URL) being fetched or sent when the error happened, for
    /// errors that come from the network or the server: where a sync stopped.
    pub fn resource(&self) -> Option<&str> {
        match self {
            Error::Offline { resource, .. }
            | Error::Interrupted { resource, .. }
            | Error::ServerUnavailable { resource, .. }
            | Error::BadResponse { resource, .. } => Some(resource),
            Error::Rejected { resource, .. }
            | Error::Unauthorized { resource, .. }
            | Error::Official { resource, .. } => Some(resource),
            _ => None,
        }
    }

    /// Whether the server could not be reached or could not answer (codes
    /// `offline`, `server_unavailable`): what was cached stays shown and the
    /// work is tried again later, unlike a refusal.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self.code(),
            ErrorCode::Offline | ErrorCode::ServerUnavailable
        )
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Offline { .. } | Error::Interrupted { .. } => ErrorCode::Offline,
            Error::ServerUnavailable { .. } => ErrorCode::ServerUnavailable,
            Error::BadResponse { .. } => ErrorCode::BadResponse,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::Rejected { .. } => ErrorCode::Rejected,
            Error::Unauthorized { .. } => ErrorCode::Unauthorized,
            Error::Official { code, .. } => *code,
            Error::NotConfigured { .. } => ErrorCode::NotConfigured,
            Error::Storage { .. } | Error::CorruptRow { .. } | Error::SchemaTooNew { .. } => {
                ErrorCode::Storage
            }
            // No client acts on "unsupported" yet, so it stays `internal` (STYLE §5).
            Error::Unsupported { .. } | Error::Secret { .. } | Error::Internal { .. } => {
                ErrorCode::Internal
            }
        }
    }

    /// The `{code, message}` body for a UI or a terminal: a Vietnamese message
    /// safe to show, more specific than the code's default where that helps.
    pub fn to_body(&self) -> ErrorBody {
        let code = self.code();
        let message = match self {
            Error::NotFound { what, .. } => format!("Không tìm thấy {}.", vietnamese_noun(what)),
            Error::NotConfigured { what: "server_url" } => {
                "Chưa đặt địa chỉ máy chủ. Hãy nhập địa chỉ máy chủ rồi thử lại.".to_string()
            }
            Error::NotConfigured { what: "home_unit" } => {
                "Chưa chọn xã/phường nơi bạn sống.".to_string()
            }
            Error::InvalidInput {
                what: "server_url", ..
            } => {
                "Địa chỉ máy chủ không hợp lệ (cần bắt đầu bằng http:// hoặc https://).".to_string()
            }
            Error::NotConfigured { what: "api_key" } => {
                "Chưa có khóa ứng dụng (api_key) để gửi phản ánh. Hãy nhập khóa do UBND cấp."
                    .to_string()
            }
            Error::NotConfigured {
                what: "api_key_refused",
            } => "Máy chủ không chấp nhận khóa ứng dụng (api_key). Hãy cập nhật khóa trong Cài \
                  đặt; phản ánh vẫn được giữ và sẽ gửi khi khóa đúng."
                .to_string(),
            // Made in Vietnamese by `Core::check_and_set_server_url`.
            Error::InvalidInput {
                what: "server_check",
                reason,
            } => reason.clone(),
            Error::SchemaTooNew { .. } => {
                "Dữ liệu trên máy được tạo bởi phiên bản ứng dụng mới hơn. Hãy cập nhật ứng dụng."
                    .to_string()
            }
            Error::Unsupported { .. } => "Thiết bị này chưa hỗ trợ chức năng này.".to_string(),
            Error::InvalidInput { what: "at", .. } => {
                "Thời điểm không hợp lệ (ví dụ đúng: 2025-12-01T07:30).".to_string()
            }
            Error::Rejected { message, .. } if !message.is_empty() => message.clone(),
            Error::Official { message, code, .. }
                if !message.is_empty() && *code != ErrorCode::NotLoggedIn =>
            {
                message.clone()
            }
            // Our own validation messages are Vietnamese and safe to show.
            Error::InvalidInput {
                what: "request",
                reason,
            } => reason.clone(),
            _ => code.message().to_string(),
        };
        ErrorBody {
            code: code.as_str().to_string(),
            message,
        }
    }

    /// Wraps a SQLite error with the operation it happened in.
    pub(crate) fn storage(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
        move |source| Error::Storage { context, source }
    }
}

/// The Vietnamese noun phrase for the kind of item in a not-found message.
fn vietnamese_noun(what: &str) -> &'static str {
    match what {
        "procedure" => "thủ tục hành chính",
        "unit" => "đơn vị hành chính",
        "news item" => "tin tức",
        "service" => "dịch vụ (hãy đồng bộ để tải danh sách dịch vụ)",
        "request" => "phản ánh",
        "bus stop" => "điểm dừng xe buýt",
        "bus route" => "tuyến xe buýt",
        "bus network" => "dữ liệu xe buýt của tỉnh/thành phố (hãy đồng bộ khi có mạng)",
        "announcement" => "thông báo",
        _ => "dữ liệu yêu cầu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_snake_case() {
        let json = serde_json::to_string(&ErrorCode::ServerUnavailable).unwrap();
        assert_eq!(json, "\"server_unavailable\"");
        for code in [
            ErrorCode::Offline,
            ErrorCode::BadResponse,
            ErrorCode::NotFound,
            ErrorCode::InvalidInput,
            ErrorCode::NotConfigured,
            ErrorCode::Storage,
            ErrorCode::Internal,
            ErrorCode::Rejected,
            ErrorCode::Unauthorized,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn bodies_are_vietnamese() {
        let offline = Error::Offline {
            resource: "units".into(),
            reason: "refused".into(),
        };
        assert_eq!(
            offline.to_body(),
            ErrorBody {
                code: "offline".into(),
                message: "Không có kết nối mạng. Đang hiển thị dữ liệu đã lưu.".into()
            }
        );
        let missing = Error::NotFound {
            what: "procedure",
            key: "1.000005".into(),
        };
        assert_eq!(missing.to_body().code, "not_found");
        assert!(missing.to_body().message.starts_with("Không tìm thấy"));
        let down = Error::ServerUnavailable {
            resource: "news".into(),
            status: 503,
        };
        assert!(down.to_body().message.starts_with("Máy chủ không phản hồi"));
        let too_new = Error::SchemaTooNew { found: 9, known: 1 };
        assert_eq!(too_new.to_body().code, "storage");
    }
}
