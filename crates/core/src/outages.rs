//! Planned power cuts, beyond storing them: when to remind the resident
//! ([`reminders`]: the evening before at 20:00 and an hour before, Việt Nam
//! time) and the calendar export ([`calendar`], through [`crate::calendar`]).
//! Pure functions over the cached cuts and a clock; the store and the API put
//! them together.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use congdan_protocol::{Outage, OutageStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::CalendarEvent;

/// Local time of the evening reminder (the day before the cut).
const EVENING_HOUR: u32 = 20;
/// How long before a cut the last reminder comes.
const LAST_REMINDER: Duration = Duration::hours(1);

/// Which reminder of a cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReminderKind {
    /// 20:00 the evening before the cut's day.
    EveningBefore,
    /// One hour before the start.
    HourBefore,
}

/// One reminder to schedule: the OS notification on mobile, an in-app timer on desktop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutageReminder {
    /// When to remind (UTC).
    pub at: DateTime<Utc>,
    /// Which reminder.
    pub kind: ReminderKind,
    /// The cut it is about.
    pub outage: Outage,
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The reminders still ahead of `now` for the cuts that are not cancelled,
/// soonest first. A cut that starts before 20:00 the evening before would have
/// been reminded only gets its hour-before reminder.
pub fn reminders(cuts: &[Outage], now: DateTime<Utc>) -> Vec<OutageReminder> {
    let mut out = Vec::new();
    for cut in cuts.iter().filter(|c| c.status != OutageStatus::Cancelled) {
        let local_start = cut.start.with_timezone(&vietnam());
        let evening = (local_start.date_naive() - Duration::days(1))
            .and_time(NaiveTime::from_hms_opt(EVENING_HOUR, 0, 0).expect("20:00 exists"))
            .and_local_timezone(vietnam())
            .single()
            .map(|t| t.to_utc());
        let hour_before = cut.start.to_utc() - LAST_REMINDER;
        for (at, kind) in [
            (evening, ReminderKind::EveningBefore),
            (Some(hour_before), ReminderKind::HourBefore),
        ] {
            if let Some(at) = at.filter(|at| *at > now && *at < cut.start.to_utc()) {
                out.push(OutageReminder {
                    at,
                    kind,
                    outage: cut.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.outage.id.cmp(&b.outage.id)));
    out
}

/// An RFC 5545 calendar with one event per cut (cancelled ones as
/// `STATUS:CANCELLED`, so a calendar that imported them earlier drops them).
/// `UID`s are the cut ids, so importing again updates rather than duplicates.
pub fn calendar(cuts: &[Outage], now: DateTime<Utc>) -> String {
    let events: Vec<CalendarEvent> = cuts
        .iter()
        .map(|cut| CalendarEvent {
            uid: format!("{}@congdan", cut.id),
            summary: format!("Cắt điện: {}", cut.area),
            description: format!("{}\n{}", cut.reason, cut.utility),
            location: Some(cut.area.clone()),
            start: cut.start.to_utc(),
            end: Some(cut.end.to_utc()),
            cancelled: cut.status == OutageStatus::Cancelled,
        })
        .collect();
    crate::calendar::ics("Lịch cắt điện", &events, now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use congdan_protocol::OutageSource;

    use super::*;

    fn cut(id: &str, day: u32, hour: u32) -> Outage {
        let start = vietnam()
            .with_ymd_and_hms(2026, 6, day, hour, 0, 0)
            .unwrap();
        Outage {
            id: format!("{id}@00001"),
            cut: id.to_owned(),
            unit: "00001".to_owned(),
            utility: "Điện lực Thành phố Bảo Lộc".to_owned(),
            area: "Phường 1, Bảo Lộc; tổ 3".to_owned(),
            start,
            end: start + Duration::hours(3),
            reason: "Bảo trì, sửa chữa lưới điện".to_owned(),
            status: OutageStatus::Scheduled,
            source: OutageSource::Schedule,
        }
    }

    fn local(day: u32, hour: u32) -> DateTime<Utc> {
        vietnam()
            .with_ymd_and_hms(2026, 6, day, hour, 0, 0)
            .unwrap()
            .to_utc()
    }

    #[test]
    fn the_evening_before_and_an_hour_before_still_ahead() {
        let mut cancelled = cut("c", 25, 9);
        cancelled.status = OutageStatus::Cancelled;
        let cuts = [cut("a", 25, 8), cut("b", 24, 13), cancelled];
        let at = |r: &OutageReminder| (r.outage.cut.clone(), r.kind, r.at);
        let all: Vec<_> = reminders(&cuts, local(24, 10)).iter().map(at).collect();
        assert_eq!(
            all,
            [
                ("b".to_owned(), ReminderKind::HourBefore, local(24, 12)),
                ("a".to_owned(), ReminderKind::EveningBefore, local(24, 20)),
                ("a".to_owned(), ReminderKind::HourBefore, local(25, 7)),
            ]
        );
        // After the evening reminder only the last one is left.
        assert_eq!(reminders(&cuts, local(24, 21)).len(), 1);
    }

    #[test]
    fn the_calendar_is_rfc_5545_with_one_event_per_cut() {
        let mut cancelled = cut("c", 25, 9);
        cancelled.status = OutageStatus::Cancelled;
        let text = calendar(&[cut("a", 25, 8), cancelled], local(24, 10));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("VERSION:2.0\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert!(text.contains("UID:a@00001@congdan\r\n"));
        // 08:00 in Việt Nam is 01:00 UTC.
        assert!(text.contains("DTSTART:20260625T010000Z\r\n"), "{text}");
        assert!(text.contains("STATUS:CANCELLED\r\n"));
        // Commas and semicolons in text are escaped (RFC 5545 §3.3.11).
        assert!(text.contains("Phường 1\\, Bảo Lộc\\; tổ 3"), "{text}");
        // No line is longer than 75 octets.
        assert!(text.split("\r\n").all(|line| line.len() <= 75), "{text}");
    }
}
