//! Units fetched one by one or list by list, for a device that has not pulled the
//! unit feed yet (issue 12): choosing a commune on an empty device needs the
//! commune and its province, and the onboarding lists need the provinces, then the
//! communes of one province, not all 3,355 units.
//!
//! These are plain GETs of small snapshots (`/api/v1/units/{code}`,
//! `/api/v1/provinces`, `/api/v1/provinces/{code}/communes`), not change feeds: no
//! cursor moves, and the unit feed later brings the same units again. Storing what
//! comes back is the caller's business.

use congdan_protocol::Unit;
use serde::de::DeserializeOwned;

use super::machine::Request;
use super::transport::Transport;
use crate::Error;

/// Whether `code` can be put in a path as it is (unit codes are digits).
fn is_plain_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 16 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// GETs `path` and decodes a 200 body; `None` on 404. Errors: `offline`,
/// `server_unavailable`, `bad_response`.
async fn get_json<T: DeserializeOwned, Tr: Transport>(
    transport: &Tr,
    path: String,
) -> Result<Option<T>, Error> {
    let request = Request {
        resource: "units",
        path,
        query: Vec::new(),
        if_none_match: None,
    };
    let response = transport.get(&request).await?;
    match response.status {
        200 => serde_json::from_slice(&response.body)
            .map(Some)
            .map_err(|e| Error::BadResponse {
                resource: "units".into(),
                reason: format!("unparseable unit answer: {e}"),
            }),
        404 => Ok(None),
        status @ 500..=599 => Err(Error::ServerUnavailable {
            resource: "units".into(),
            status,
        }),
        status => Err(Error::BadResponse {
            resource: "units".into(),
            reason: format!("unexpected HTTP status {status}"),
        }),
    }
}

/// The unit `code`, or `None` when the server does not know it. Errors:
/// `offline`, `server_unavailable`, `bad_response`.
pub async fn unit<T: Transport>(transport: &T, code: &str) -> Result<Option<Unit>, Error> {
    if !is_plain_code(code) {
        return Ok(None);
    }
    let unit: Option<Unit> = get_json(transport, format!("/api/v1/units/{code}")).await?;
    match unit {
        Some(u) if u.code != code => Err(Error::BadResponse {
            resource: "units".into(),
            reason: "the server answered with another unit".into(),
        }),
        other => Ok(other),
    }
}

/// Every province. Errors: `offline`, `server_unavailable`, `bad_response`.
pub async fn provinces<T: Transport>(transport: &T) -> Result<Vec<Unit>, Error> {
    Ok(get_json(transport, "/api/v1/provinces".into())
        .await?
        .unwrap_or_default())
}

/// The communes of province `code`; `None` when the server knows no such province.
/// Errors: `offline`, `server_unavailable`, `bad_response`.
pub async fn communes<T: Transport>(transport: &T, code: &str) -> Result<Option<Vec<Unit>>, Error> {
    if !is_plain_code(code) {
        return Ok(None);
    }
    get_json(transport, format!("/api/v1/provinces/{code}/communes")).await
}

/// The server's health answer (`GET /api/v1/health`), checked before a profile
/// is pointed at a new address; `None` when the address answers 404 there (not
/// a Cổng Dân server). Errors: `offline`, `server_unavailable`, `bad_response`.
pub async fn health<T: Transport>(
    transport: &T,
) -> Result<Option<congdan_protocol::Health>, Error> {
    get_json(transport, "/api/v1/health".into()).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use crate::sync::{MediaFile, Response};
    use std::sync::Mutex;

    /// Answers every GET with one recorded response and remembers the paths.
    struct OneAnswer {
        status: u16,
        body: &'static str,
        paths: Mutex<Vec<String>>,
    }

    impl OneAnswer {
        fn new(status: u16, body: &'static str) -> OneAnswer {
            OneAnswer {
                status,
                body,
                paths: Mutex::new(Vec::new()),
            }
        }
    }

    impl Transport for OneAnswer {
        async fn get(&self, request: &Request) -> Result<Response, Error> {
            self.paths.lock().unwrap().push(request.path.clone());
            Ok(Response {
                status: self.status,
                etag: None,
                body: self.body.as_bytes().to_vec(),
            })
        }

        async fn fetch_media(
            &self,
            _url: &str,
            _patience: std::time::Duration,
        ) -> Result<Option<MediaFile>, Error> {
            Ok(None)
        }
    }

    const BA_DINH: &str = r#"{"code":"00004","name":"Phường Ba Đình","level":"commune","parent":"01","kind":"Phường"}"#;

    #[tokio::test]
    async fn one_unit_by_code() {
        let t = OneAnswer::new(200, BA_DINH);
        let unit = unit(&t, "00004").await.unwrap().unwrap();
        assert_eq!(unit.parent.as_deref(), Some("01"));
        assert_eq!(*t.paths.lock().unwrap(), ["/api/v1/units/00004"]);
        assert_eq!(
            super::unit(&t, "00008").await.unwrap_err().code(),
            ErrorCode::BadResponse,
            "another unit than asked for"
        );
        let missing = OneAnswer::new(404, r#"{"code":"not_found","message":"x"}"#);
        assert_eq!(super::unit(&missing, "99999").await.unwrap(), None);
        assert_eq!(super::unit(&missing, "../x").await.unwrap(), None);
        assert_eq!(
            missing.paths.lock().unwrap().len(),
            1,
            "odd codes are not sent"
        );
        let down = OneAnswer::new(503, "");
        assert_eq!(
            super::unit(&down, "00004").await.unwrap_err().code(),
            ErrorCode::ServerUnavailable
        );
    }

    #[tokio::test]
    async fn lists_of_provinces_and_communes() {
        let t = OneAnswer::new(200, "[]");
        assert!(provinces(&t).await.unwrap().is_empty());
        assert_eq!(communes(&t, "01").await.unwrap(), Some(vec![]));
        assert_eq!(
            *t.paths.lock().unwrap(),
            ["/api/v1/provinces", "/api/v1/provinces/01/communes"]
        );
        let missing = OneAnswer::new(404, "{}");
        assert_eq!(communes(&missing, "77").await.unwrap(), None);
        let garbage = OneAnswer::new(200, "<html>");
        assert_eq!(
            provinces(&garbage).await.unwrap_err().code(),
            ErrorCode::BadResponse
        );
    }
}
