//! RFC 5545 calendars (`.ics`) through `icalendar`, one-off events only: the
//! one writer behind the calendar exports of planned power cuts and of
//! announcements' events, and the one atomic file write both use.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

/// One event to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable id (`UID`), so importing again updates rather than duplicates.
    pub uid: String,
    /// Title.
    pub summary: String,
    /// Text.
    pub description: String,
    /// Place, if known.
    pub location: Option<String>,
    /// Start.
    pub start: DateTime<Utc>,
    /// End, if known (an announcement gives only a start).
    pub end: Option<DateTime<Utc>>,
    /// Marked `STATUS:CANCELLED`, so a calendar that imported it drops it.
    pub cancelled: bool,
}

/// A calendar named `name` with `events`, stamped `now`.
pub fn ics(name: &str, events: &[CalendarEvent], now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for item in events {
        let mut event = Event::new();
        event
            .uid(&item.uid)
            .summary(&item.summary)
            .description(&item.description)
            .starts(item.start)
            .timestamp(now)
            .status(if item.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(place) = &item.location {
            event.location(place);
        }
        if let Some(end) = item.end {
            event.ends(end);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// Writes `bytes` to `dir/name`, replacing it atomically; the file's path.
/// Used for calendars and for announcement files the user saves.
/// Errors: `internal` (the file could not be written).
pub fn write_file(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf, crate::Error> {
    let path = dir.join(name);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| crate::Error::Internal {
        reason: format!("cannot write {name}: {e}"),
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_event_without_an_end_is_a_valid_rfc_5545_event() {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 0).unwrap();
        let text = ics(
            "Thông báo",
            &[CalendarEvent {
                uid: "a@congdan".into(),
                summary: "Làm căn cước".into(),
                description: "Mang căn cước cũ".into(),
                location: Some("Nhà văn hoá".into()),
                start,
                end: None,
                cancelled: false,
            }],
            start,
        );
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        for line in [
            "BEGIN:VEVENT",
            "UID:a@congdan",
            "SUMMARY:Làm căn cước",
            "LOCATION:Nhà văn hoá",
            "DTSTART:20261208T013000Z",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ] {
            assert!(text.contains(&format!("{line}\r\n")), "{line} in {text}");
        }
        assert!(!text.contains("DTEND"), "{text}");
    }
}
