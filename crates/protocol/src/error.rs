//! The error body every HTTP and IPC boundary returns.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `{ "code": "not_found", "message": "…" }`: a stable snake_case code that
/// programs act on, and a Vietnamese message that is safe to show a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `bad_request`.
    pub code: String,
    /// Human-readable message in Vietnamese.
    pub message: String,
}
