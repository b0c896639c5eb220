//! Open311 GeoReport v2 JSON bodies served under `/open311/v2/` (with the
//! mySociety `servicerequestupdates` extension and a few Cổng Dân extensions),
//! shared by the server and the client core.
//!
//! Field names are the Open311 ones (snake_case) so that existing Open311
//! clients work unchanged. The XML rendering of the same bodies is the server's
//! business; this module is serde only and does no I/O.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `GET discovery.{fmt}`: where the endpoints are and which formats they speak.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Discovery {
    /// When this discovery document last changed.
    pub changeset: DateTime<Utc>,
    /// Who to contact about the API.
    pub contact: String,
    /// How to obtain an API key.
    pub key_service: String,
    /// The endpoints offered.
    pub endpoints: Vec<Endpoint>,
}

/// One endpoint of a discovery document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Endpoint {
    /// Specification URL, `http://wiki.open311.org/GeoReport_v2`.
    pub specification: String,
    /// Absolute base URL of the endpoint, e.g. `https://congdan.example.vn/open311/v2`
    /// (built from the server's configured public URL).
    pub url: String,
    /// When the endpoint last changed.
    pub changeset: DateTime<Utc>,
    /// `production` or `test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// MIME types offered (`text/xml`, `application/json`).
    pub formats: Vec<String>,
}

/// One service (category) a resident can send a request to (`GET services.{fmt}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Service {
    /// Stable code, e.g. `ha-tang-giao-thong`.
    pub service_code: String,
    /// Vietnamese name shown to residents.
    pub service_name: String,
    /// One-sentence description.
    pub description: String,
    /// True when the service has a definition with attributes (`GET services/{code}`).
    pub metadata: bool,
    /// `realtime`, `batch` or `blackbox` (how requests are created; ours are `realtime`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Comma-separated search keywords.
    pub keywords: String,
    /// Group the service belongs to, e.g. "Phản ánh hiện trường".
    pub group: String,
}

/// Datatype of a service attribute, as Open311 names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Datatype {
    /// One line of text.
    String,
    /// A decimal number.
    Number,
    /// An ISO 8601 date-time.
    Datetime,
    /// Multi-line text.
    Text,
    /// Exactly one key of `values`.
    Singlevaluelist,
    /// Any number of keys of `values` (sent as `attribute[CODE][]`).
    Multivaluelist,
}

/// One allowed value of a list attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttributeValue {
    /// Key sent back in `attribute[CODE]`.
    pub key: String,
    /// Vietnamese label.
    pub name: String,
}

/// One question of a service's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Attribute {
    /// False for informational attributes that take no answer.
    pub variable: bool,
    /// Code used in `attribute[CODE]`.
    pub code: String,
    /// Type of the answer.
    pub datatype: Datatype,
    /// Whether a request must answer it.
    pub required: bool,
    /// Hint on the expected format, in Vietnamese.
    pub datatype_description: String,
    /// Display order (ascending).
    pub order: u32,
    /// The question, in Vietnamese.
    pub description: String,
    /// Allowed values of list attributes (empty otherwise).
    pub values: Vec<AttributeValue>,
}

/// The form of one service (`GET services/{service_code}.{fmt}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceDefinition {
    /// The service this form belongs to.
    pub service_code: String,
    /// The questions, ordered by `order`.
    pub attributes: Vec<Attribute>,
}

/// Open311 `status`: only two values; the finer state is [`DetailedStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Status {
    /// Not yet closed.
    Open,
    /// Closed.
    Closed,
}

/// Cổng Dân extension `detailed_status`: the steps of the timeline residents see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DetailedStatus {
    /// Đã gửi: the server stored it.
    Submitted,
    /// Đã tiếp nhận: an officer accepted it.
    Received,
    /// Đang xử lý.
    InProgress,
    /// Đã trả lời: an official answer exists.
    Answered,
    /// Đã đóng.
    Closed,
}

impl DetailedStatus {
    /// Every status in timeline order.
    pub const ALL: [DetailedStatus; 5] = [
        DetailedStatus::Submitted,
        DetailedStatus::Received,
        DetailedStatus::InProgress,
        DetailedStatus::Answered,
        DetailedStatus::Closed,
    ];

    /// The wire name (`in_progress`), also used as `external_status_code`.
    pub fn as_str(self) -> &'static str {
        match self {
            DetailedStatus::Submitted => "submitted",
            DetailedStatus::Received => "received",
            DetailedStatus::InProgress => "in_progress",
            DetailedStatus::Answered => "answered",
            DetailedStatus::Closed => "closed",
        }
    }

    /// Parse a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Vietnamese label shown in the timeline.
    pub fn label(self) -> &'static str {
        match self {
            DetailedStatus::Submitted => "Đã gửi",
            DetailedStatus::Received => "Đã tiếp nhận",
            DetailedStatus::InProgress => "Đang xử lý",
            DetailedStatus::Answered => "Đã trả lời",
            DetailedStatus::Closed => "Đã đóng",
        }
    }

    /// The Open311 status this maps to: only `closed` is closed.
    pub fn status(self) -> Status {
        match self {
            DetailedStatus::Closed => Status::Closed,
            _ => Status::Open,
        }
    }
}

/// One service request as the public sees it (no name, email, phone or device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceRequest {
    /// Server-assigned id.
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: Status,
    /// Latest note of the handling unit (the official answer once answered).
    pub status_notes: Option<String>,
    /// Name of the service.
    pub service_name: String,
    /// Code of the service.
    pub service_code: String,
    /// What the resident wrote.
    pub description: Option<String>,
    /// The unit (agency) that handles it.
    pub agency_responsible: String,
    /// Information about handling, e.g. the promised time.
    pub service_notice: Option<String>,
    /// When it was received (UTC).
    pub requested_datetime: DateTime<Utc>,
    /// When it last changed.
    pub updated_datetime: DateTime<Utc>,
    /// Deadline in working hours of the unit.
    pub expected_datetime: Option<DateTime<Utc>>,
    /// Typed address.
    pub address: Option<String>,
    /// Address id from a gazetteer.
    pub address_id: Option<String>,
    /// Postal code.
    pub zipcode: Option<String>,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    pub long: Option<f64>,
    /// First photo URL: absolute in Open311 answers; server-relative
    /// (`/open311/v2/media/{id}`) in `/api/v1` answers, which are read by our client.
    pub media_url: Option<String>,
    /// Extension: the fine-grained status.
    pub detailed_status: DetailedStatus,
    /// Extension: display name of the officer handling it.
    pub officer: Option<String>,
    /// Extension: commune/ward code.
    pub unit: Option<String>,
    /// Extension: thôn / tổ dân phố.
    pub village: Option<String>,
    /// Extension: how many residents said "tôi cũng gặp".
    pub support_count: u32,
    /// Extension: every photo URL (absolute or relative as `media_url`).
    pub media_urls: Vec<String>,
}

/// One entry of `GET servicerequestupdates.{fmt}` (mySociety extension): a status
/// change or an official answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceRequestUpdate {
    /// Server-assigned id of the update.
    pub update_id: String,
    /// The request it belongs to.
    pub service_request_id: String,
    /// Open311 status after this update.
    pub status: Status,
    /// When it happened.
    pub updated_datetime: DateTime<Utc>,
    /// Note or official answer (may be empty).
    pub description: String,
    /// Photo attached to the update (absolute URL).
    pub media_url: Option<String>,
    /// The detailed status after the update (`received`, `answered`, …).
    pub external_status_code: String,
}

/// Answer of `POST requests.{fmt}` (one element of the answer array).
///
/// GeoReport v2 returns either the id (requests created synchronously, as ours
/// are) or a token to exchange for the id later (`GET tokens/{token}`), never
/// both: this server sends `service_request_id` and leaves `token` out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestCreated {
    /// The new request's id (we create requests synchronously).
    pub service_request_id: Option<String>,
    /// Handling information, e.g. the deadline.
    pub service_notice: Option<String>,
    /// Account id given by the client, echoed.
    pub account_id: Option<String>,
    /// Only from servers that create requests asynchronously (then instead of the
    /// id): exchange it with `GET tokens/{token}`. Never sent by this server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub token: Option<String>,
}

/// Longest `description` of a service request, in characters (GeoReport v2).
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

/// Answer of `GET tokens/{token}.{fmt}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequestToken {
    /// The request the token belongs to.
    pub service_request_id: String,
    /// The token itself.
    pub token: String,
}

/// Open311 error `code`: Open311 servers send a number (the HTTP status) or a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export)]
pub enum Open311Code {
    /// Numeric code (ours: the HTTP status).
    Number(u32),
    /// Textual code.
    Text(String),
}

/// One element of an Open311 error answer `[{code, description}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Open311Error {
    /// The code.
    pub code: Open311Code,
    /// Vietnamese description, safe to show a user.
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_map_to_open_or_closed() {
        for status in DetailedStatus::ALL {
            assert_eq!(DetailedStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert_eq!(DetailedStatus::Answered.status(), Status::Open);
        assert_eq!(DetailedStatus::Closed.status(), Status::Closed);
    }

    #[test]
    fn error_code_is_number_or_string() {
        let e: Vec<Open311Error> = serde_json::from_str(
            r#"[{"code":400,"description":"x"},{"code":"api_key","description":"y"}]"#,
        )
        .unwrap();
        assert_eq!(e[0].code, Open311Code::Number(400));
        assert_eq!(e[1].code, Open311Code::Text("api_key".into()));
    }
}
