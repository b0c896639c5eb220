//! Reading the body of `POST requests.{fmt}`: form-encoded or multipart
//! (`media` photos), the one place outside bytes from any client are parsed
//! before validation ([`super::validate`]). Bounded before parsing; photos are
//! only size-checked here (decoding comes after the API key is checked).
//! Public so that the fuzz target `open311_form` drives the same code.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use super::Failure;
use super::validate::Fields;

/// Largest form-encoded body.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// A body as received.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// Text fields in the order sent.
    pub fields: Fields,
    /// `media` photos as sent (at most 8 MiB each, not yet decoded).
    pub photos: Vec<Vec<u8>>,
    /// The raw parts (names and bytes), which the idempotency fingerprint hashes.
    pub parts: Vec<Vec<u8>>,
}

/// Reads a form or multipart body: its fields, the photos as sent (checked
/// for size only: they are decoded after the API key is checked, so an
/// anonymous POST never costs an image decode), and the raw parts for the
/// idempotency hash. A form body over [`MAX_FORM_BYTES`] or a multipart body
/// over `limit` bytes is 413; anything unreadable is 400.
pub async fn read_body(request: Request, limit: usize) -> Result<Received, Failure> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "Nội dung gửi lên quá lớn.")
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| Failure::bad("Nội dung phải là application/x-www-form-urlencoded."))?;
        return Ok(Received {
            fields: Fields(pairs),
            photos: Vec::new(),
            parts: vec![bytes.to_vec()],
        });
    }
    // The whole body is read (bounded) before any part is parsed or any photo
    // decoded, so an oversized body is refused with 413 having decoded nothing.
    let (head, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "Nội dung gửi lên quá lớn."))?;
    let request = Request::from_parts(head, Body::from(bytes));
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| Failure::bad("Nội dung multipart/form-data không hợp lệ."))?;
    let mut pairs = Vec::new();
    let mut photos = Vec::new();
    let mut parts = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(Failure::new(
                    e.status(),
                    "Nội dung multipart không đọc được hoặc quá lớn.",
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some() || name == "media";
        let bytes = field.bytes().await.map_err(|e| {
            Failure::new(
                e.status(),
                "Nội dung multipart không đọc được hoặc quá lớn.",
            )
        })?;
        parts.push(name.clone().into_bytes());
        parts.push(bytes.to_vec());
        if is_file {
            if name != "media" {
                return Err(Failure::bad("Chỉ nhận tệp ở trường media."));
            }
            if u64::try_from(bytes.len()).unwrap_or(u64::MAX)
                > congdan_protocol::requests::MAX_UPLOAD_BYTES
            {
                return Err(Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Ảnh quá lớn (tối đa 8 MB).",
                ));
            }
            photos.push(bytes.to_vec());
        } else {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| Failure::bad("Trường văn bản phải là UTF-8."))?;
            pairs.push((name, text));
        }
    }
    Ok(Received {
        fields: Fields(pairs),
        photos,
        parts,
    })
}

/// [`read_body`] over bytes already in memory, sent with `content_type`: the
/// entry point of the `open311_form` fuzz target and its corpus replay.
pub async fn read_bytes(
    content_type: &str,
    bytes: Vec<u8>,
    limit: usize,
) -> Result<Received, Failure> {
    let request = Request::builder()
        .method("POST")
        .uri("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .map_err(|_| Failure::bad("Content-Type không hợp lệ."))?;
    read_body(request, limit).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open311::{catalogue, validate};

    /// The multipart boundary the fuzz target and the seeds use.
    const BOUNDARY: &str = "congdan-fuzz";

    /// What the `open311_form` target does with one input: the first byte picks
    /// form or multipart, the rest is the body; a body that reads is checked
    /// against every service's form. Only answers, never a panic.
    async fn drive(data: &[u8]) {
        let Some((&pick, body)) = data.split_first() else {
            return;
        };
        let content_type = if pick % 2 == 0 {
            "application/x-www-form-urlencoded".to_owned()
        } else {
            format!("multipart/form-data; boundary={BOUNDARY}")
        };
        let Ok(received) = read_bytes(&content_type, body.to_vec(), 1 << 20).await else {
            return;
        };
        let _ = validate::given_api_key(&received.fields, &Fields::default());
        for service in catalogue::services() {
            let _ = validate::check(&received.fields, &service, received.photos.len());
        }
    }

    #[tokio::test]
    async fn a_real_form_and_a_real_multipart_body_read_back() {
        let form = b"api_key=k&service_code=chieu-sang-cong-cong&description=C%E1%BB%99t+%C4%91%C3%A8n&lat=21.03&long=105.83";
        let got = read_bytes("application/x-www-form-urlencoded", form.to_vec(), 1 << 20)
            .await
            .unwrap();
        assert_eq!(got.fields.one("description").unwrap(), Some("Cột đèn"));
        let multipart = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nỔ gà\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\n\
             Content-Type: image/png\r\n\r\nPNGDATA\r\n--{BOUNDARY}--\r\n"
        );
        let got = read_bytes(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart.into_bytes(),
            1 << 20,
        )
        .await
        .unwrap();
        assert_eq!(got.fields.one("description").unwrap(), Some("Ổ gà"));
        assert_eq!(got.photos, vec![b"PNGDATA".to_vec()]);
        let too_big = vec![b'a'; MAX_FORM_BYTES + 1];
        let refused = read_bytes("application/x-www-form-urlencoded", too_big, 1 << 20).await;
        assert_eq!(refused.unwrap_err().status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    /// A short replay of the `open311_form` fuzz corpus (issue 12): the seeds
    /// (real requests) and every input that once crashed, through [`drive`].
    #[tokio::test]
    async fn fuzz_corpus_replays_without_panic() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/corpus/open311_form"
        );
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            drive(&std::fs::read(&path).unwrap()).await;
            n += 1;
        }
        assert!(n > 0, "empty corpus");
    }
}
