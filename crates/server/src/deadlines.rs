//! Deadlines of service requests in working hours of a Vietnamese commune
//! office: Monday to Friday, 07:30–11:30 and 13:30–17:00, Asia/Ho_Chi_Minh
//! (UTC+7 all year, no daylight saving, so a fixed offset is exact).
//!
//! Pure functions only: no clock, no storage. Public holidays (Tết, 30/4, 2/9…)
//! are not known here yet and count as working days.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday,
};

/// Offset of Asia/Ho_Chi_Minh (UTC+7).
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Working periods of a day, local time: morning and afternoon (lunch break between).
fn periods() -> [(NaiveTime, NaiveTime); 2] {
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("constant office hours are valid");
    [(at(7, 30), at(11, 30)), (at(13, 30), at(17, 0))]
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The moment `hours` working hours after `start`. Time outside working hours
/// (nights, lunch, weekends) does not count; a start outside working hours counts
/// from the next opening.
pub fn add_working_hours(start: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
    let offset = vietnam_offset();
    let mut now: NaiveDateTime = start.with_timezone(&offset).naive_local();
    let mut left = Duration::hours(i64::from(hours));
    // Bounded: at most `hours` / 7.5 working days plus weekends; the guard only stops
    // an impossible endless loop.
    for _ in 0..100_000 {
        let day = now.date();
        if !is_weekend(day) {
            for (open, close) in periods() {
                let open = day.and_time(open);
                let close = day.and_time(close);
                if now < open {
                    now = open;
                }
                if now < close {
                    let available = close - now;
                    if left <= available {
                        return local_to_utc(now + left, offset);
                    }
                    left -= available;
                    now = close;
                }
            }
        }
        now = day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN);
    }
    local_to_utc(now, offset)
}

fn local_to_utc(local: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    (local - Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// A local (UTC+7) time as UTC.
    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        vietnam_offset()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    // 2026-03-02 is a Monday.
    #[test]
    fn within_one_morning() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 8, 0), 2),
            local(2026, 3, 2, 10, 0)
        );
    }

    #[test]
    fn lunch_break_does_not_count() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 11, 0), 1),
            local(2026, 3, 2, 14, 0)
        );
        // Sent during lunch: counts from 13:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 12, 15), 4),
            local(2026, 3, 3, 8, 0)
        );
    }

    #[test]
    fn eight_hours_spill_into_the_next_day() {
        // 08:00–11:30 (3.5 h) + 13:30–17:00 (3.5 h) = 7 h, then 1 h on Tuesday.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 8, 0), 8),
            local(2026, 3, 3, 8, 30)
        );
    }

    #[test]
    fn weekends_are_skipped() {
        // Friday 16:00 + 4 h: 1 h on Friday, 3 h on Monday from 07:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 6, 16, 0), 4),
            local(2026, 3, 9, 10, 30)
        );
        // Sent on Saturday: counts from Monday 07:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 7, 9, 0), 4),
            local(2026, 3, 9, 11, 30)
        );
        // Sunday night.
        assert_eq!(
            add_working_hours(local(2026, 3, 8, 23, 59), 1),
            local(2026, 3, 9, 8, 30)
        );
    }

    #[test]
    fn evening_and_early_morning_start_at_next_opening() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 18, 0), 1),
            local(2026, 3, 3, 8, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 3, 6, 0), 1),
            local(2026, 3, 3, 8, 30)
        );
    }

    #[test]
    fn ends_exactly_at_closing() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 13, 30), 3),
            local(2026, 3, 2, 16, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 4),
            local(2026, 3, 2, 11, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 0),
            local(2026, 3, 2, 7, 30)
        );
    }

    #[test]
    fn utc_input_is_converted() {
        // 01:00 UTC is 08:00 in Hà Nội.
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        assert_eq!(
            add_working_hours(start, 1),
            Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_long_deadline_spans_weeks() {
        // 75 h = 10 working days = two full weeks: Monday 07:30 -> Friday 17:00 of the next week.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 75),
            local(2026, 3, 13, 17, 0)
        );
    }
}
