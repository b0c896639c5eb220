//! The JSON payloads stored in `outbox.payload`, one shape per kind, and the
//! exact bytes each is sent as. Building the body from the stored payload is
//! deterministic, so every retry sends the same bytes under the same key and
//! the server's idempotency fingerprint matches.

use serde::{Deserialize, Serialize};

use crate::Error;

/// A photo upload: the draft photo's id and its announced size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadPayload {
    /// `draft_photos.id`.
    pub photo_id: String,
    /// MIME type sent as Content-Type.
    pub mime: String,
    /// Byte length sent as Upload-Length.
    pub length: u64,
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributePayload {
    /// Attribute code.
    pub code: String,
    /// Values.
    pub values: Vec<String>,
    /// True for `multivaluelist` (sent as `attribute[CODE][]`).
    pub multi: bool,
}

/// A service request, checked against the cached definition when saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestPayload {
    /// Service code.
    pub service_code: String,
    /// Service name (for lists while queued).
    pub service_name: String,
    /// Description.
    pub description: String,
    /// Answers.
    pub attributes: Vec<AttributePayload>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub long: Option<f64>,
    /// Typed address.
    pub address: Option<String>,
    /// Thôn / tổ dân phố.
    pub village: Option<String>,
    /// Home unit code at the time of writing.
    pub unit: Option<String>,
    /// Draft photo ids, in order.
    pub photo_ids: Vec<String>,
}

/// A rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPayload {
    /// Server id of the request.
    pub request_id: String,
    /// 1..=5.
    pub stars: u8,
    /// Optional comment.
    pub comment: Option<String>,
}

/// A reopening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReopenPayload {
    /// Server id of the request.
    pub request_id: String,
    /// Why.
    pub reason: String,
}

/// "Tôi cũng gặp".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPayload {
    /// Server id of the request.
    pub request_id: String,
}

/// A resident's acknowledgement of an announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckPayload {
    /// Announcement id.
    pub announcement_id: String,
    /// The answer.
    pub kind: congdan_protocol::announcements::AckKind,
    /// Why not.
    pub reason: Option<String>,
    /// The household's unit (home village or commune when written).
    pub unit: String,
}

/// An official's announcement draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftPayload {
    /// Announcement id (UUID chosen here).
    pub id: String,
    /// The draft as it will be sent (its attachments are filled in at send
    /// time from the uploads of `files`).
    pub draft: congdan_protocol::announcements::AnnouncementDraft,
    /// Photos and PDFs, in order: each is the upload row this row depends on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<DraftFile>,
}

/// One file of a draft: the stored bytes (`draft_photos.id`) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftFile {
    /// `draft_photos.id`.
    pub file_id: String,
    /// File name residents see.
    pub name: String,
}

/// Decodes a stored payload (a corrupt row is `storage`).
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::CorruptRow {
        what: "outbox payload",
        reason: e.to_string(),
    })
}

/// Encodes a payload.
pub fn encode<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal {
        reason: format!("outbox payload: {e}"),
    })
}

/// Formats a coordinate so the same value always gives the same text.
fn coordinate(v: f64) -> String {
    format!("{v:.7}")
}

/// The `application/x-www-form-urlencoded` body of `POST requests.json`.
pub fn request_form(
    p: &RequestPayload,
    api_key: &str,
    device_id: Option<&str>,
    media_ids: &[String],
) -> Vec<u8> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("api_key", api_key);
    form.append_pair("service_code", &p.service_code);
    form.append_pair("description", &p.description);
    if let (Some(lat), Some(long)) = (p.lat, p.long) {
        form.append_pair("lat", &coordinate(lat));
        form.append_pair("long", &coordinate(long));
    }
    if let Some(address) = &p.address {
        form.append_pair("address_string", address);
    }
    if let Some(unit) = &p.unit {
        form.append_pair("unit", unit);
    }
    if let Some(village) = &p.village {
        form.append_pair("village", village);
    }
    if let Some(device) = device_id {
        form.append_pair("device_id", device);
    }
    if !media_ids.is_empty() {
        form.append_pair("media_ids", &media_ids.join(","));
    }
    for a in &p.attributes {
        let name = if a.multi {
            format!("attribute[{}][]", a.code)
        } else {
            format!("attribute[{}]", a.code)
        };
        for v in &a.values {
            form.append_pair(&name, v);
        }
    }
    form.finish().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_deterministic_and_complete() {
        let p = RequestPayload {
            service_code: "a".into(),
            service_name: "A".into(),
            description: "Ổ gà & nước".into(),
            attributes: vec![
                AttributePayload {
                    code: "muc_do".into(),
                    values: vec!["nang".into()],
                    multi: false,
                },
                AttributePayload {
                    code: "loai".into(),
                    values: vec!["x".into(), "y".into()],
                    multi: true,
                },
            ],
            lat: Some(21.0),
            long: Some(105.8),
            address: None,
            village: Some("Tổ 3".into()),
            unit: Some("00004".into()),
            photo_ids: vec![],
        };
        let a = request_form(&p, "k", Some("dev"), &["m1".into(), "m2".into()]);
        assert_eq!(
            a,
            request_form(&p, "k", Some("dev"), &["m1".into(), "m2".into()])
        );
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&a).into_owned().collect();
        let get = |k: &str| {
            pairs
                .iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("description"), ["Ổ gà & nước"]);
        assert_eq!(get("lat"), ["21.0000000"]);
        assert_eq!(get("media_ids"), ["m1,m2"]);
        assert_eq!(get("attribute[loai][]"), ["x", "y"]);
        assert_eq!(get("attribute[muc_do]"), ["nang"]);
        assert_eq!(get("unit"), ["00004"]);
        assert_eq!(get("device_id"), ["dev"]);
    }
}
