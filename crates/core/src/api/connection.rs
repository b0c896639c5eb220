//! Which server and Open311 key the profile uses (for the Settings screen and
//! `congdan status`), and pointing the profile at another server only after
//! that server answered its health check.
//!
//! The key itself never leaves the core: the UI sees a fingerprint, the first
//! 8 hex digits of its SHA-256, the same one `congdan-server api-key list`
//! prints beside the key's name. Does not own: storing the URL (`api::sync`),
//! HTTP (`sync::lookup::health`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Core;
use super::sync::normalize_url;
use crate::Error;
use crate::store::settings;
use crate::sync::{Transport, lookup};

/// The server and key a profile uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    /// Server base URL, e.g. `https://congdan.example.vn`; `None` when none is set.
    pub server_url: Option<String>,
    /// Whether that URL is the one built into the app (`CONGDAN_SERVER_URL`)
    /// rather than one the user chose.
    pub server_built_in: bool,
    /// First 8 hex digits of the SHA-256 of the Open311 key, as
    /// `congdan-server api-key list` shows them; never the key. `None`: no key.
    pub api_key_fingerprint: Option<String>,
    /// Whether the key is the one built into the app (`CONGDAN_API_KEY`).
    pub api_key_built_in: bool,
}

/// The fingerprint of an API key shown instead of the key.
pub fn key_fingerprint(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Core {
    /// The server and key this profile uses (stored, else built in). Reads
    /// only. Errors: `storage`.
    pub fn connection(&self) -> Result<ConnectionInfo, Error> {
        let stored_url = self.read(settings::server_url)?;
        let stored_key = self.read(|c| settings::get(c, settings::API_KEY))?;
        Ok(ConnectionInfo {
            server_built_in: stored_url.is_none() && settings::DEFAULT_SERVER_URL.is_some(),
            server_url: self.server_url()?,
            api_key_built_in: stored_key.is_none() && settings::DEFAULT_API_KEY.is_some(),
            api_key_fingerprint: self.api_key()?.as_deref().map(key_fingerprint),
        })
    }

    /// Checks that `url` is a Cổng Dân server (it answers `GET /api/v1/health`
    /// with `ok`), then stores it as [`Core::set_server_url`] does. Nothing is
    /// stored when the check fails. Writes: `settings`, `sync_state`. Errors:
    /// `invalid_input` (bad URL, or the check failed: the message says which,
    /// in Vietnamese), `storage`.
    pub async fn check_and_set_server_url(&self, url: &str) -> Result<ConnectionInfo, Error> {
        let normalized = normalize_url(url)?;
        let transport = self.http(&normalized)?;
        self.check_and_set_with(&normalized, &transport).await
    }

    /// [`Core::check_and_set_server_url`] over a given transport (tests).
    pub(crate) async fn check_and_set_with<T: Transport>(
        &self,
        normalized: &str,
        transport: &T,
    ) -> Result<ConnectionInfo, Error> {
        let failed = |reason: String| Error::InvalidInput {
            what: "server_check",
            reason,
        };
        match lookup::health(transport).await {
            Ok(Some(health)) if health.status == "ok" => {}
            Ok(_) => {
                return Err(failed(format!(
                    "{normalized} không phải máy chủ Cổng Dân (không trả lời kiểm tra /api/v1/health). \
                     Kiểm tra lại địa chỉ."
                )));
            }
            Err(e) if e.code() == crate::ErrorCode::BadResponse => {
                tracing::info!("server check: the answer is not a Cổng Dân health answer");
                return Err(failed(format!(
                    "{normalized} không phải máy chủ Cổng Dân (trả lời /api/v1/health không đúng). \
                     Kiểm tra lại địa chỉ."
                )));
            }
            Err(e) => {
                tracing::info!(code = e.code().as_str(), "server check failed");
                return Err(failed(format!(
                    "Không kết nối được tới máy chủ {normalized}. Kiểm tra địa chỉ và kết nối mạng rồi thử lại."
                )));
            }
        }
        self.set_server_url(normalized)?;
        self.connection()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{MediaFile, Request, Response};

    /// Answers every GET with one status and body, or fails as offline.
    struct Fixed(Option<(u16, &'static str)>);

    impl Transport for Fixed {
        async fn get(&self, _request: &Request) -> Result<Response, Error> {
            match self.0 {
                Some((status, body)) => Ok(Response {
                    status,
                    etag: None,
                    body: body.as_bytes().to_vec(),
                }),
                None => Err(Error::Offline {
                    resource: "health".into(),
                    reason: "refused".into(),
                }),
            }
        }

        async fn fetch_media(
            &self,
            _url: &str,
            _patience: std::time::Duration,
        ) -> Result<Option<MediaFile>, Error> {
            Ok(None)
        }
    }

    fn core() -> (tempfile::TempDir, Core) {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open_with(
            &dir.path().join("p.sqlite"),
            super::super::CoreOptions {
                secrets: Some(std::sync::Arc::new(crate::secrets::MemoryStore::new())),
                ..Default::default()
            },
        )
        .unwrap();
        (dir, core)
    }

    #[tokio::test]
    async fn a_server_is_saved_only_after_it_answers_its_health_check() {
        let (_dir, core) = core();
        let before = core.connection().unwrap();
        let url = "http://127.0.0.1:9";
        for (transport, says) in [
            (Fixed(None), "Không kết nối được"),
            (Fixed(Some((404, ""))), "không phải máy chủ Cổng Dân"),
            (Fixed(Some((200, "<html>"))), "không phải máy chủ Cổng Dân"),
        ] {
            let err = core.check_and_set_with(url, &transport).await.unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
            let message = err.to_body().message;
            assert!(message.contains(says) && message.contains(url), "{message}");
            assert_eq!(core.connection().unwrap(), before, "nothing stored");
        }
        let ok = Fixed(Some((200, r#"{"status":"ok","version":"0.1.0"}"#)));
        let info = core.check_and_set_with(url, &ok).await.unwrap();
        assert_eq!(info.server_url.as_deref(), Some(url));
        assert!(!info.server_built_in);
    }

    #[test]
    fn the_key_is_shown_as_a_fingerprint_only() {
        let (_dir, core) = core();
        core.set_api_key("congdan-demo-key").unwrap();
        let info = core.connection().unwrap();
        let shown = info.api_key_fingerprint.unwrap();
        assert_eq!(shown.len(), 8);
        assert_eq!(shown, key_fingerprint("congdan-demo-key"));
        assert!(
            !serde_json::to_string(&core.connection().unwrap())
                .unwrap()
                .contains("congdan-demo-key")
        );
    }
}
