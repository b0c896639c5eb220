//! The system notification of an alert, a reminder or an answer: shown by the
//! OS (tauri-plugin-notification), so it reaches the user when the window is
//! hidden or minimised, where a webview's own `Notification` does not exist.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::{Notification, NotificationExt};

/// Shows `title` and `body` as a system notification. `false` when this
/// platform or session has no notification service (the UI's banner then
/// stands alone); never an error, since the in-app text is always shown too.
#[tauri::command(async)]
#[tracing::instrument(skip_all)]
pub fn notify<R: Runtime>(app: AppHandle<R>, title: String, body: String) -> bool {
    if app.try_state::<Notification<R>>().is_none() {
        return false;
    }
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => true,
        Err(err) => {
            tracing::debug!(error = %err, "no system notification");
            false
        }
    }
}
