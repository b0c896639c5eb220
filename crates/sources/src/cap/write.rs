//! Emitting a [`CapAlert`] as a CAP 1.2 document, elements in the order the
//! OASIS schema's sequences demand, text escaped by quick-xml's writer.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{CAP_NS, CapAlert, CapArea, CapInfo};

type Out = Writer<Vec<u8>>;

fn text(w: &mut Out, name: &str, value: &str) {
    let _ = w.write_event(Event::Start(BytesStart::new(name)));
    let _ = w.write_event(Event::Text(BytesText::new(value)));
    let _ = w.write_event(Event::End(BytesEnd::new(name)));
}

fn open(w: &mut Out, name: &str) {
    let _ = w.write_event(Event::Start(BytesStart::new(name)));
}

fn close(w: &mut Out, name: &str) {
    let _ = w.write_event(Event::End(BytesEnd::new(name)));
}

/// The alert as a UTF-8 CAP 1.2 document with the default namespace.
/// (Writing into a `Vec` cannot fail, so the writer's results are ignored.)
pub fn write(alert: &CapAlert) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let mut root = BytesStart::new("alert");
    root.push_attribute(("xmlns", CAP_NS));
    let _ = w.write_event(Event::Start(root));
    text(&mut w, "identifier", &alert.identifier);
    text(&mut w, "sender", &alert.sender);
    text(&mut w, "sent", &alert.sent.to_rfc3339());
    text(&mut w, "status", &alert.status);
    text(&mut w, "msgType", &alert.msg_type);
    text(&mut w, "scope", &alert.scope);
    if !alert.references.is_empty() {
        let refs: Vec<String> = alert
            .references
            .iter()
            .map(|(s, i, t)| format!("{s},{i},{t}"))
            .collect();
        text(&mut w, "references", &refs.join(" "));
    }
    for info in &alert.infos {
        write_info(&mut w, info);
    }
    close(&mut w, "alert");
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn write_info(w: &mut Out, info: &CapInfo) {
    open(w, "info");
    text(w, "language", &info.language);
    for category in &info.categories {
        text(w, "category", category.as_str());
    }
    text(w, "event", &info.event);
    text(w, "urgency", info.urgency.as_str());
    text(w, "severity", info.severity.as_str());
    text(w, "certainty", info.certainty.as_str());
    for (name, at) in [
        ("effective", info.effective),
        ("onset", info.onset),
        ("expires", info.expires),
    ] {
        if let Some(at) = at {
            text(w, name, &at.to_rfc3339());
        }
    }
    for (name, value) in [
        ("senderName", &info.sender_name),
        ("headline", &info.headline),
        ("description", &info.description),
        ("instruction", &info.instruction),
    ] {
        if let Some(value) = value {
            text(w, name, value);
        }
    }
    for area in &info.areas {
        write_area(w, area);
    }
    close(w, "info");
}

fn write_area(w: &mut Out, area: &CapArea) {
    open(w, "area");
    text(w, "areaDesc", &area.desc);
    for polygon in &area.polygons {
        let points: Vec<String> = polygon
            .iter()
            .map(|(lat, lon)| format!("{lat},{lon}"))
            .collect();
        text(w, "polygon", &points.join(" "));
    }
    for (lat, lon, radius) in &area.circles {
        text(w, "circle", &format!("{lat},{lon} {radius}"));
    }
    for (name, value) in &area.geocodes {
        open(w, "geocode");
        text(w, "valueName", name);
        text(w, "value", value);
        close(w, "geocode");
    }
    close(w, "area");
}
