//! Checking a `POST requests` form against Open311 and the service's
//! definition: API key, location, contact fields, `attribute[CODE]` answers by
//! datatype and list keys, and the Cổng Dân extensions (`media_ids`, `unit`,
//! `village`). Pure: no storage, no clock.

use chrono::DateTime;
use congdan_protocol::open311::{Datatype, MAX_DESCRIPTION_CHARS};
use congdan_protocol::requests::MAX_MEDIA_PER_REQUEST;

use super::Failure;
use crate::storage::requests::ServiceRecord;

const MAX_TEXT: usize = 5000;
const MAX_LINE: usize = 500;
const MAX_NAME: usize = 100;

/// The form fields in the order sent (names may repeat for list attributes).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The single value of `name` (blank counts as absent); a repeated field is an error.
    pub fn one(&self, name: &str) -> Result<Option<&str>, Failure> {
        let mut found = self.0.iter().filter(|(key, _)| key == name);
        let first = found.next();
        if found.next().is_some() {
            return Err(Failure::bad(format!("Trường {name} bị gửi nhiều lần.")));
        }
        Ok(first
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty()))
    }

    fn text(&self, name: &str, max: usize) -> Result<Option<String>, Failure> {
        match self.one(name)? {
            Some(value) if value.chars().count() > max => {
                Err(Failure::bad(format!("Trường {name} dài quá {max} ký tự.")))
            }
            other => Ok(other.map(str::to_owned)),
        }
    }
}

/// A checked form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub long: Option<f64>,
    /// `address_string`.
    pub address: Option<String>,
    /// `address_id`.
    pub address_id: Option<String>,
    /// `zipcode`.
    pub zipcode: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `first_name`.
    pub first_name: Option<String>,
    /// `last_name`.
    pub last_name: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `account_id`.
    pub account_id: Option<String>,
    /// `device_id`.
    pub device_id: Option<String>,
    /// `media_url`.
    pub media_url: Option<String>,
    /// `media_ids` (extension).
    pub media_ids: Vec<String>,
    /// `unit` (extension).
    pub unit: Option<String>,
    /// `village` (extension).
    pub village: Option<String>,
    /// Attribute answers `(code, value)`.
    pub attributes: Vec<(String, String)>,
}

/// The `api_key` a POST came with (403 when there is none); the caller checks
/// it against the stored keys ([`crate::api_keys::check`]). The body's field
/// wins; some clients send the key in the query string instead.
pub fn given_api_key<'a>(body: &'a Fields, query: &'a Fields) -> Result<&'a str, Failure> {
    let given = match body.one("api_key")? {
        Some(key) => Some(key),
        None => query.one("api_key")?,
    };
    given.filter(|key| !key.is_empty()).ok_or_else(bad_api_key)
}

/// The Open311 answer to a missing, unknown or revoked `api_key`.
pub fn bad_api_key() -> Failure {
    Failure::new(axum::http::StatusCode::FORBIDDEN, "Thiếu hoặc sai api_key.")
}

fn coordinate(fields: &Fields, name: &str, limit: f64) -> Result<Option<f64>, Failure> {
    let Some(text) = fields.one(name)? else {
        return Ok(None);
    };
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && (-limit..=limit).contains(&value) => Ok(Some(value)),
        _ => Err(Failure::bad(format!(
            "Tọa độ {name} không hợp lệ: phải là số trong khoảng -{limit} đến {limit}."
        ))),
    }
}

/// The code of an `attribute[CODE]` or `attribute[CODE][]` field name, and whether it is a list.
fn attribute_code(name: &str) -> Option<(&str, bool)> {
    let rest = name.strip_prefix("attribute[")?;
    if let Some(code) = rest.strip_suffix("][]") {
        return Some((code, true));
    }
    rest.strip_suffix(']').map(|code| (code, false))
}

fn check_attributes(
    fields: &Fields,
    service: &ServiceRecord,
) -> Result<Vec<(String, String)>, Failure> {
    let definition = &service.definition.attributes;
    let mut answers: Vec<(String, String)> = Vec::new();
    for (name, value) in &fields.0 {
        let Some((code, _)) = attribute_code(name) else {
            continue;
        };
        if !definition.iter().any(|a| a.code == code) {
            return Err(Failure::bad(format!(
                "attribute[{code}] không có trong mẫu của dịch vụ này."
            )));
        }
        let value = value.trim();
        if !value.is_empty() {
            answers.push((code.to_owned(), value.to_owned()));
        }
    }
    for attribute in definition.iter().filter(|a| a.variable) {
        let given: Vec<&str> = answers
            .iter()
            .filter(|(code, _)| *code == attribute.code)
            .map(|(_, value)| value.as_str())
            .collect();
        let label = &attribute.description;
        let code = &attribute.code;
        if given.is_empty() {
            if attribute.required {
                return Err(Failure::bad(format!("Thiếu attribute[{code}] ({label}).")));
            }
            continue;
        }
        if attribute.datatype != Datatype::Multivaluelist && given.len() > 1 {
            return Err(Failure::bad(format!(
                "attribute[{code}] chỉ nhận một giá trị."
            )));
        }
        for value in given {
            let ok = match attribute.datatype {
                Datatype::String => value.chars().count() <= MAX_LINE && !value.contains('\n'),
                Datatype::Text => value.chars().count() <= MAX_TEXT,
                Datatype::Number => value.parse::<f64>().is_ok_and(f64::is_finite),
                Datatype::Datetime => DateTime::parse_from_rfc3339(value).is_ok(),
                Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                    attribute.values.iter().any(|v| v.key == value)
                }
            };
            if !ok {
                return Err(Failure::bad(format!(
                    "attribute[{code}] ({label}) không hợp lệ: {}.",
                    attribute.datatype_description
                )));
            }
        }
    }
    Ok(answers)
}

/// Check every field except `api_key` and `service_code` (checked before, to pick `service`).
pub fn check(
    fields: &Fields,
    service: &ServiceRecord,
    inline_media: usize,
) -> Result<Checked, Failure> {
    let lat = coordinate(fields, "lat", 90.0)?;
    let long = coordinate(fields, "long", 180.0)?;
    if lat.is_some() != long.is_some() {
        return Err(Failure::bad("Cần gửi cả lat và long."));
    }
    let address = fields.text("address_string", MAX_LINE)?;
    let address_id = fields.text("address_id", MAX_LINE)?;
    if lat.is_none() && address.is_none() && address_id.is_none() {
        return Err(Failure::bad(
            "Cần vị trí: lat và long, hoặc address_string, hoặc address_id.",
        ));
    }
    let email = fields.text("email", MAX_NAME)?;
    if email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        return Err(Failure::bad("Địa chỉ email không hợp lệ."));
    }
    let phone = fields.text("phone", 20)?;
    if phone.as_deref().is_some_and(|p| {
        !p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-'))
    }) {
        return Err(Failure::bad("Số điện thoại không hợp lệ."));
    }
    let media_ids: Vec<String> = fields
        .one("media_ids")?
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if media_ids.len() + inline_media > MAX_MEDIA_PER_REQUEST {
        return Err(Failure::bad(format!(
            "Tối đa {MAX_MEDIA_PER_REQUEST} ảnh cho một phản ánh."
        )));
    }
    let media_url = fields.text("media_url", 2000)?;
    if media_url
        .as_deref()
        .is_some_and(|u| !(u.starts_with("http://") || u.starts_with("https://")))
    {
        return Err(Failure::bad("media_url phải là địa chỉ http(s)."));
    }
    Ok(Checked {
        lat,
        long,
        address,
        address_id,
        zipcode: fields.text("zipcode", 20)?,
        description: fields.text("description", MAX_DESCRIPTION_CHARS)?,
        email,
        first_name: fields.text("first_name", MAX_NAME)?,
        last_name: fields.text("last_name", MAX_NAME)?,
        phone,
        account_id: fields.text("account_id", MAX_NAME)?,
        device_id: fields.text("device_id", MAX_NAME)?,
        media_url,
        media_ids,
        unit: fields.text("unit", 20)?,
        village: fields.text("village", MAX_NAME)?,
        attributes: check_attributes(fields, service)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open311::catalogue;

    fn service(code: &str) -> ServiceRecord {
        catalogue::services()
            .into_iter()
            .find(|s| s.service.service_code == code)
            .unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn accepts_a_full_form() {
        let f = fields(&[
            ("lat", "21.03"),
            ("long", "105.85"),
            ("attribute[loai][]", "rac-thai"),
            ("attribute[loai][]", "mui-hoi"),
            ("attribute[thoi_diem]", "2026-03-02T08:00:00+07:00"),
        ]);
        let checked = check(&f, &service("ve-sinh-moi-truong"), 0).unwrap();
        assert_eq!(checked.attributes.len(), 3);
    }

    #[test]
    fn rejects_bad_inputs() {
        let s = service("ha-tang-giao-thong");
        let ok = [
            ("attribute[loai_hu_hong]", "o-ga"),
            ("attribute[nguy_hiem]", "co"),
        ];
        let cases: Vec<Vec<(&str, &str)>> = vec![
            vec![],                                                            // no location
            vec![("lat", "91"), ("long", "0")],                                // lat range
            vec![("lat", "10"), ("long", "-181")],                             // long range
            vec![("lat", "abc"), ("long", "1")],                               // not a number
            vec![("lat", "10")],                                               // lat without long
            vec![("address_string", "x"), ("attribute[kich_thuoc]", "nhiều")], // number
            vec![("address_string", "x"), ("attribute[khong_co]", "1")],       // unknown attribute
            vec![("address_string", "x"), ("email", "không-phải-email")],
            vec![("address_string", "x"), ("media_ids", "a,b,c,d,e,f")],
        ];
        for case in cases {
            let mut pairs = case.clone();
            pairs.extend(ok);
            assert!(check(&fields(&pairs), &s, 0).is_err(), "{case:?}");
        }
        // Required attribute missing, wrong list key, two values for a single list.
        for bad in [
            vec![("address_string", "x"), ("attribute[nguy_hiem]", "co")],
            vec![
                ("address_string", "x"),
                ("attribute[loai_hu_hong]", "khong-co"),
                ("attribute[nguy_hiem]", "co"),
            ],
            vec![
                ("address_string", "x"),
                ("attribute[loai_hu_hong]", "o-ga"),
                ("attribute[loai_hu_hong]", "cong"),
                ("attribute[nguy_hiem]", "co"),
            ],
        ] {
            assert!(check(&fields(&bad), &s, 0).is_err(), "{bad:?}");
        }
        let dt = service("chung-thuc-ban-sao");
        let bad_date = fields(&[
            ("address_string", "x"),
            ("attribute[loai_giay_to]", "CCCD"),
            ("attribute[ngay_hen]", "mai"),
        ]);
        assert!(check(&bad_date, &dt, 0).is_err());
    }

    #[test]
    fn api_key_is_required() {
        let none = fields(&[]);
        assert_eq!(
            given_api_key(&fields(&[("api_key", "k")]), &none).unwrap(),
            "k"
        );
        assert_eq!(given_api_key(&none, &none).unwrap_err().status, 403);
        assert_eq!(
            given_api_key(&fields(&[("api_key", "")]), &none)
                .unwrap_err()
                .status,
            403
        );
    }

    #[test]
    fn api_key_from_the_query_string_when_the_body_has_none() {
        let none = fields(&[]);
        assert_eq!(
            given_api_key(&none, &fields(&[("api_key", "k")])).unwrap(),
            "k"
        );
        // The body's key is the one checked when both are sent.
        assert_eq!(
            given_api_key(&fields(&[("api_key", "x")]), &fields(&[("api_key", "k")])).unwrap(),
            "x"
        );
    }

    #[test]
    fn description_is_limited_to_4000_characters() {
        let s = service("hoi-dap-thu-tuc");
        let at_limit = "ễ".repeat(MAX_DESCRIPTION_CHARS);
        let over = "ễ".repeat(MAX_DESCRIPTION_CHARS + 1);
        let form = |text: &str| {
            fields(&[
                ("address_string", "x"),
                ("attribute[cau_hoi]", "y"),
                ("description", text),
            ])
        };
        assert_eq!(
            check(&form(&at_limit), &s, 0)
                .unwrap()
                .description
                .as_deref(),
            Some(at_limit.as_str())
        );
        let refused = check(&form(&over), &s, 0).unwrap_err();
        assert_eq!(refused.status, 400);
        assert!(refused.description.contains("description"));
    }
}
