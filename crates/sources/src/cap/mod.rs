//! CAP 1.2 alerts (OASIS Common Alerting Protocol): [`parse`] reads one
//! `<alert>` document and checks it against the specification's rules, and
//! [`write()`] emits one that validates against the OASIS schema.
//!
//! Reading is namespace-aware (a `cap:` prefix or a default namespace, matched
//! on the URI, never on the tag text), capped at [`MAX_CAP_BYTES`], and refuses
//! DTDs and entities (see `tree.rs`). Checked: the required elements of
//! `alert`, `info` and `area`; every enumeration; the date-time form CAP
//! demands (`2026-06-24T08:00:00+07:00`, UTC written `-00:00`); `references`
//! triples; `restriction`/`addresses` for restricted and private alerts;
//! polygons (closed, ≥ 4 points, coordinates in range) and circles. An
//! enveloped XML signature (`ds:Signature` after the last `info`) is accepted
//! and noted in [`CapAlert::signed`]; it is NOT verified here (that needs the
//! raw bytes and the sender's certificate).
//!
//! Matching areas to units and storing alerts belong to the server.

mod tree;
mod write;

use chrono::{DateTime, FixedOffset};
use congdan_protocol::{Category, Certainty, Severity, Urgency};
use regex::Regex;

use crate::SourceError;
use tree::Element;
pub use write::write;

/// The CAP 1.2 namespace URI.
pub const CAP_NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";
/// The XML signature namespace URI.
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Largest alert accepted (1 MiB; the real ones are 2–10 KB).
pub const MAX_CAP_BYTES: usize = 1024 * 1024;

/// One `<alert>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CapAlert {
    /// `<identifier>`: unique for the sender.
    pub identifier: String,
    /// `<sender>`.
    pub sender: String,
    /// `<sent>`.
    pub sent: DateTime<FixedOffset>,
    /// `<status>`: Actual, Exercise, System, Test or Draft.
    pub status: String,
    /// `<msgType>`: Alert, Update, Cancel, Ack or Error.
    pub msg_type: String,
    /// `<scope>`: Public, Restricted or Private.
    pub scope: String,
    /// `<references>` as (sender, identifier, sent) triples.
    pub references: Vec<(String, String, String)>,
    /// The `<info>` blocks, in order (one per language, usually).
    pub infos: Vec<CapInfo>,
    /// Whether an enveloped `ds:Signature` is present (never verified here).
    pub signed: bool,
}

/// One `<info>` block.
#[derive(Debug, Clone, PartialEq)]
pub struct CapInfo {
    /// `<language>` (default `en-US`, as CAP says).
    pub language: String,
    /// `<category>` (one or more).
    pub categories: Vec<Category>,
    /// `<event>`.
    pub event: String,
    /// `<urgency>`.
    pub urgency: Urgency,
    /// `<severity>`.
    pub severity: Severity,
    /// `<certainty>`.
    pub certainty: Certainty,
    /// `<effective>`.
    pub effective: Option<DateTime<FixedOffset>>,
    /// `<onset>`.
    pub onset: Option<DateTime<FixedOffset>>,
    /// `<expires>`.
    pub expires: Option<DateTime<FixedOffset>>,
    /// `<senderName>`.
    pub sender_name: Option<String>,
    /// `<headline>`.
    pub headline: Option<String>,
    /// `<description>`.
    pub description: Option<String>,
    /// `<instruction>`.
    pub instruction: Option<String>,
    /// `<area>` blocks.
    pub areas: Vec<CapArea>,
}

/// One `<area>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CapArea {
    /// `<areaDesc>`.
    pub desc: String,
    /// `<polygon>`s as (lat, lon) points, closed (first = last).
    pub polygons: Vec<Vec<(f64, f64)>>,
    /// `<circle>`s as (lat, lon, radius in km).
    pub circles: Vec<(f64, f64, f64)>,
    /// `<geocode>` (valueName, value) pairs.
    pub geocodes: Vec<(String, String)>,
}

/// The enumerations of the `alert` block.
const STATUS: [&str; 5] = ["Actual", "Exercise", "System", "Test", "Draft"];
const MSG_TYPE: [&str; 5] = ["Alert", "Update", "Cancel", "Ack", "Error"];
const SCOPE: [&str; 3] = ["Public", "Restricted", "Private"];

/// Why an alert is refused: where (a byte offset and element) and what.
fn invalid(element: &Element, reason: impl Into<String>) -> SourceError {
    SourceError::InvalidCap {
        position: format!("byte {} (<{}>)", element.offset, element.name),
        reason: reason.into(),
    }
}

/// Reads and checks one CAP 1.2 alert.
///
/// Errors: [`SourceError::TooLarge`], [`SourceError::Encoding`] (not UTF-8)
/// and [`SourceError::InvalidCap`] naming the byte offset and the element.
pub fn parse(bytes: &[u8]) -> Result<CapAlert, SourceError> {
    if bytes.len() > MAX_CAP_BYTES {
        return Err(SourceError::TooLarge {
            size: bytes.len(),
            limit: MAX_CAP_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| SourceError::Encoding {
        position: format!("byte {}", e.valid_up_to()),
    })?;
    let root =
        tree::read(text.trim_start_matches('\u{feff}')).map_err(|e| SourceError::InvalidCap {
            position: format!("byte {}", e.offset),
            reason: e.reason,
        })?;
    if root.ns != CAP_NS || root.name != "alert" {
        return Err(invalid(
            &root,
            format!("the root is not a CAP 1.2 <alert> in namespace {CAP_NS}"),
        ));
    }
    alert(&root)
}

/// Text of a required child, or the refusal naming it.
fn required(parent: &Element, name: &str) -> Result<String, SourceError> {
    parent
        .text_of(CAP_NS, name)
        .ok_or_else(|| invalid(parent, format!("<{name}> is required")))
}

/// A value that must be one of `allowed`.
fn one_of(parent: &Element, name: &str, allowed: &[&str]) -> Result<String, SourceError> {
    let value = required(parent, name)?;
    if allowed.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(invalid(
            parent,
            format!("<{name}> must be one of {}", allowed.join(", ")),
        ))
    }
}

/// A CAP enumeration value of `parent`'s child `name`.
fn enumerated<T>(
    parent: &Element,
    name: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T, SourceError>
where
    T: Copy,
{
    let value = required(parent, name)?;
    parse(&value).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
        invalid(
            parent,
            format!("<{name}> must be one of {}", names.join(", ")),
        )
    })
}

/// CAP's date-time: `YYYY-MM-DDThh:mm:ss` and an explicit `±hh:mm` offset (no `Z`).
fn cap_time(text: &str) -> Option<DateTime<FixedOffset>> {
    static FORM: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let form = FORM.get_or_init(|| {
        Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$").expect("the pattern is fixed")
    });
    if !form.is_match(text) {
        return None;
    }
    DateTime::parse_from_rfc3339(text).ok()
}

/// An optional date-time child.
fn time_of(parent: &Element, name: &str) -> Result<Option<DateTime<FixedOffset>>, SourceError> {
    match parent.text_of(CAP_NS, name) {
        None => Ok(None),
        Some(text) => cap_time(&text).map(Some).ok_or_else(|| {
            invalid(
                parent,
                format!("<{name}> is not a CAP date-time (e.g. 2026-06-24T08:00:00+07:00)"),
            )
        }),
    }
}

/// Identifiers and senders may not hold spaces, commas, `<` or `&` (CAP 1.2 §3.2.1).
fn plain_token(parent: &Element, name: &str, value: &str) -> Result<(), SourceError> {
    if value.contains(|c: char| c.is_whitespace() || matches!(c, ',' | '<' | '&')) {
        return Err(invalid(
            parent,
            format!("<{name}> may not contain spaces, commas, < or &"),
        ));
    }
    Ok(())
}

fn alert(root: &Element) -> Result<CapAlert, SourceError> {
    let identifier = required(root, "identifier")?;
    plain_token(root, "identifier", &identifier)?;
    let sender = required(root, "sender")?;
    plain_token(root, "sender", &sender)?;
    let sent = time_of(root, "sent")?.ok_or_else(|| invalid(root, "<sent> is required"))?;
    let status = one_of(root, "status", &STATUS)?;
    let msg_type = one_of(root, "msgType", &MSG_TYPE)?;
    let scope = one_of(root, "scope", &SCOPE)?;
    if scope == "Restricted" && root.text_of(CAP_NS, "restriction").is_none() {
        return Err(invalid(root, "a Restricted alert needs <restriction>"));
    }
    if scope == "Private" && root.text_of(CAP_NS, "addresses").is_none() {
        return Err(invalid(root, "a Private alert needs <addresses>"));
    }
    let mut references = Vec::new();
    if let Some(text) = root.text_of(CAP_NS, "references") {
        for triple in text.split_whitespace() {
            let parts: Vec<&str> = triple.split(',').collect();
            match parts.as_slice() {
                [s, i, t] if !s.is_empty() && !i.is_empty() && cap_time(t).is_some() => {
                    references.push(((*s).to_owned(), (*i).to_owned(), (*t).to_owned()));
                }
                _ => {
                    return Err(invalid(
                        root,
                        "<references> must be sender,identifier,sent triples",
                    ));
                }
            }
        }
    }
    // Updates and cancellations without <references> are allowed by the schema
    // (real senders omit them); the server then matches by identifier only.
    let infos = root
        .all(CAP_NS, "info")
        .map(info)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CapAlert {
        identifier,
        sender,
        sent,
        status,
        msg_type,
        scope,
        references,
        infos,
        signed: root.first(DSIG_NS, "Signature").is_some(),
    })
}

fn info(element: &Element) -> Result<CapInfo, SourceError> {
    let categories = element
        .all(CAP_NS, "category")
        .map(|c| {
            Category::parse(c.text.trim()).ok_or_else(|| {
                invalid(element, "<category> must be one of Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if categories.is_empty() {
        return Err(invalid(element, "<category> is required"));
    }
    Ok(CapInfo {
        language: element
            .text_of(CAP_NS, "language")
            .unwrap_or_else(|| "en-US".to_owned()),
        categories,
        event: required(element, "event")?,
        urgency: enumerated(
            element,
            "urgency",
            Urgency::parse,
            Urgency::ALL,
            Urgency::as_str,
        )?,
        severity: enumerated(
            element,
            "severity",
            Severity::parse,
            Severity::ALL,
            Severity::as_str,
        )?,
        certainty: enumerated(
            element,
            "certainty",
            Certainty::parse,
            Certainty::ALL,
            Certainty::as_str,
        )?,
        effective: time_of(element, "effective")?,
        onset: time_of(element, "onset")?,
        expires: time_of(element, "expires")?,
        sender_name: element.text_of(CAP_NS, "senderName"),
        headline: element.text_of(CAP_NS, "headline"),
        description: element.text_of(CAP_NS, "description"),
        instruction: element.text_of(CAP_NS, "instruction"),
        areas: element
            .all(CAP_NS, "area")
            .map(area)
            .collect::<Result<Vec<_>, _>>()?,
    })
}

/// A "lat,lon" pair in range.
fn point(text: &str) -> Option<(f64, f64)> {
    let (lat, lon) = text.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

fn area(element: &Element) -> Result<CapArea, SourceError> {
    let desc = required(element, "areaDesc")?;
    let mut polygons = Vec::new();
    for polygon in element.all(CAP_NS, "polygon") {
        let points: Option<Vec<(f64, f64)>> = polygon.text.split_whitespace().map(point).collect();
        match points {
            Some(points) if points.len() >= 4 && points.first() == points.last() => {
                polygons.push(points);
            }
            _ => {
                return Err(invalid(
                    polygon,
                    "a polygon is at least 4 lat,lon points in range, the first repeated last",
                ));
            }
        }
    }
    let mut circles = Vec::new();
    for circle in element.all(CAP_NS, "circle") {
        let parsed = circle
            .text
            .trim()
            .split_once(' ')
            .and_then(|(centre, radius)| {
                let (lat, lon) = point(centre)?;
                let radius: f64 = radius.trim().parse().ok()?;
                (radius >= 0.0 && radius.is_finite()).then_some((lat, lon, radius))
            });
        circles.push(parsed.ok_or_else(|| invalid(circle, "a circle is `lat,lon radius_km`"))?);
    }
    let geocodes = element
        .all(CAP_NS, "geocode")
        .map(
            |g| match (g.text_of(CAP_NS, "valueName"), g.text_of(CAP_NS, "value")) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err(invalid(g, "a geocode needs <valueName> and <value>")),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CapArea {
        desc,
        polygons,
        circles,
        geocodes,
    })
}

#[cfg(test)]
mod tests;
