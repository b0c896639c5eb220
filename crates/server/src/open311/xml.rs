//! XML rendering of Open311 bodies: the JSON value of a body written as the
//! element tree Open311 XML clients expect (`<services><service>…`), with
//! quick-xml doing the writing and escaping.
//!
//! Lists take the singular of their parent as the element name of their items
//! (`attributes` → `attribute`); `null` becomes an empty element.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;

/// Writing XML into memory failed (it cannot in practice; reported, not unwrapped).
#[derive(Debug, thiserror::Error)]
#[error("cannot write XML: {0}")]
pub struct XmlError(#[from] std::io::Error);

/// Element name of the items of a list named `list`.
fn item_name(list: &str) -> &str {
    match list {
        "attributes" => "attribute",
        "values" => "value",
        "media_urls" => "media_url",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        "service_requests" => "request",
        "service_request_updates" => "request_update",
        "services" => "service",
        _ => "item",
    }
}

fn write_value(writer: &mut Writer<Vec<u8>>, name: &str, value: &Value) -> Result<(), XmlError> {
    match value {
        Value::Null => {
            writer.write_event(Event::Empty(BytesStart::new(name)))?;
        }
        Value::Object(map) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            for (key, field) in map {
                write_value(writer, key, field)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))?;
        }
        Value::Array(items) => {
            writer.write_event(Event::Start(BytesStart::new(name)))?;
            let item = item_name(name);
            for field in items {
                write_value(writer, item, field)?;
            }
            writer.write_event(Event::End(BytesEnd::new(name)))?;
        }
        Value::String(text) => write_text(writer, name, text)?,
        Value::Bool(flag) => write_text(writer, name, if *flag { "true" } else { "false" })?,
        Value::Number(number) => write_text(writer, name, &number.to_string())?,
    }
    Ok(())
}

fn write_text(writer: &mut Writer<Vec<u8>>, name: &str, text: &str) -> Result<(), XmlError> {
    writer.write_event(Event::Start(BytesStart::new(name)))?;
    writer.write_event(Event::Text(BytesText::new(text)))?;
    writer.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

/// The XML document of `value` under the root element `root` (a list root's
/// items are named after it, e.g. `services` → `service`).
pub fn to_xml(root: &str, value: &Value) -> Result<Vec<u8>, XmlError> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    write_value(&mut writer, root, value)?;
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_objects_and_escaping() {
        let xml = to_xml(
            "services",
            &json!([{"service_code": "a&b", "metadata": true, "group": null}]),
        )
        .unwrap();
        let text = String::from_utf8(xml).unwrap();
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(text.contains("<services><service><group/><metadata>true</metadata><service_code>a&amp;b</service_code></service></services>"), "{text}");
    }
}
