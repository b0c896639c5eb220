//! The error every command returns: `{ code, message }` for the UI.

use congdan_core::ErrorBody;
use serde::Serialize;

/// A core error as the UI receives it: a stable `code` and a Vietnamese `message`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct UiError(ErrorBody);

impl From<congdan_core::Error> for UiError {
    fn from(err: congdan_core::Error) -> Self {
        tracing::warn!(code = ?err.code(), error = %err, "command failed");
        Self(err.to_body())
    }
}
