//! Deadlines of service requests, and the working time left before one, in working hours of a Vietnamese commune
//! office: Monday to Friday, 07:30–11:30 and 13:30–17:00, Asia/Ho_Chi_Minh
//! (UTC+7 all year, no daylight saving, so a fixed offset is exact).
//!
//! Public holidays and the government's day swaps come from a
//! [`HolidayCalendar`] (the `holidays` table): a listed day off does not count
//! even on a weekday, and a swapped working Saturday counts.
//!
//! Pure functions only: no clock, no storage.

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, NaiveTime, Utc};

use crate::holidays::HolidayCalendar;

/// Offset of Asia/Ho_Chi_Minh (UTC+7).
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Working periods of a day, local time: morning and afternoon (lunch break between).
fn periods() -> [(NaiveTime, NaiveTime); 2] {
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("constant office hours are valid");
    [(at(7, 30), at(11, 30)), (at(13, 30), at(17, 0))]
}

/// The moment `hours` working hours after `start`. Time outside working hours
/// (nights, lunch, weekends, days off in `calendar`) does not count; a start
/// outside working hours counts from the next opening.
pub fn add_working_hours(
    start: DateTime<Utc>,
    hours: u32,
    calendar: &HolidayCalendar,
) -> DateTime<Utc> {
    let offset = vietnam_offset();
    let mut now: NaiveDateTime = start.with_timezone(&offset).naive_local();
    let mut left = Duration::hours(i64::from(hours));
    // Bounded: at most `hours` / 7.5 working days plus weekends and holidays; the
    // guard only stops an impossible endless loop.
    for _ in 0..100_000 {
        let day = now.date();
        if calendar.is_working_day(day) {
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

/// Working minutes from `from` to `to` (0 when `to` is not after `from`): what
/// "còn 3 giờ làm việc" counts. Same windows and `calendar` as
/// [`add_working_hours`], so the minutes left at the start of a request are its
/// deadline's hours.
pub fn working_minutes_between(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    calendar: &HolidayCalendar,
) -> i64 {
    let offset = vietnam_offset();
    let from = from.with_timezone(&offset).naive_local();
    let to = to.with_timezone(&offset).naive_local();
    let mut total = Duration::zero();
    let mut day = from.date();
    while day.and_time(NaiveTime::MIN) < to {
        if calendar.is_working_day(day) {
            for (open, close) in periods() {
                let start = day.and_time(open).max(from);
                let end = day.and_time(close).min(to);
                if end > start {
                    total += end - start;
                }
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    total.num_minutes()
}

fn local_to_utc(local: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    (local - Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::holidays::{HolidayCalendar, builtin};
    use chrono::TimeZone;

    fn none() -> HolidayCalendar {
        HolidayCalendar::none()
    }

    #[test]
    fn minutes_left_count_only_working_time_and_undo_a_deadline() {
        let cal = HolidayCalendar::from_iter(builtin());
        // Friday 2027-02-04 16:00 local, before Tết Đinh Mùi.
        let start = local(2027, 2, 4, 16, 0);
        let due = add_working_hours(start, 8, &cal);
        assert_eq!(working_minutes_between(start, due, &cal), 8 * 60);
        // Over Tết nothing is counted: from the first day off to the day back.
        assert_eq!(
            working_minutes_between(local(2027, 2, 5, 8, 0), local(2027, 2, 12, 7, 30), &cal),
            0
        );
        // Lunch and evening do not count; a past deadline has nothing left.
        let none = none();
        assert_eq!(
            working_minutes_between(local(2026, 3, 2, 11, 0), local(2026, 3, 2, 14, 0), &none),
            60
        );
        assert_eq!(working_minutes_between(due, start, &cal), 0);
    }

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
            add_working_hours(local(2026, 3, 2, 8, 0), 2, &none()),
            local(2026, 3, 2, 10, 0)
        );
    }

    #[test]
    fn lunch_break_does_not_count() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 11, 0), 1, &none()),
            local(2026, 3, 2, 14, 0)
        );
        // Sent during lunch: counts from 13:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 12, 15), 4, &none()),
            local(2026, 3, 3, 8, 0)
        );
    }

    #[test]
    fn eight_hours_spill_into_the_next_day() {
        // 08:00–11:30 (3.5 h) + 13:30–17:00 (3.5 h) = 7 h, then 1 h on Tuesday.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 8, 0), 8, &none()),
            local(2026, 3, 3, 8, 30)
        );
    }

    #[test]
    fn weekends_are_skipped() {
        // Friday 16:00 + 4 h: 1 h on Friday, 3 h on Monday from 07:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 6, 16, 0), 4, &none()),
            local(2026, 3, 9, 10, 30)
        );
        // Sent on Saturday: counts from Monday 07:30.
        assert_eq!(
            add_working_hours(local(2026, 3, 7, 9, 0), 4, &none()),
            local(2026, 3, 9, 11, 30)
        );
        // Sunday night.
        assert_eq!(
            add_working_hours(local(2026, 3, 8, 23, 59), 1, &none()),
            local(2026, 3, 9, 8, 30)
        );
    }

    #[test]
    fn evening_and_early_morning_start_at_next_opening() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 18, 0), 1, &none()),
            local(2026, 3, 3, 8, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 3, 6, 0), 1, &none()),
            local(2026, 3, 3, 8, 30)
        );
    }

    #[test]
    fn ends_exactly_at_closing() {
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 13, 30), 3, &none()),
            local(2026, 3, 2, 16, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 4, &none()),
            local(2026, 3, 2, 11, 30)
        );
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 0, &none()),
            local(2026, 3, 2, 7, 30)
        );
    }

    #[test]
    fn utc_input_is_converted() {
        // 01:00 UTC is 08:00 in Hà Nội.
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        assert_eq!(
            add_working_hours(start, 1, &none()),
            Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_long_deadline_spans_weeks() {
        // 75 h = 10 working days = two full weeks: Monday 07:30 -> Friday 17:00 of the next week.
        assert_eq!(
            add_working_hours(local(2026, 3, 2, 7, 30), 75, &none()),
            local(2026, 3, 13, 17, 0)
        );
    }

    #[test]
    fn a_request_filed_before_tet_2027_is_due_after_the_holiday() {
        let cal = HolidayCalendar::from_iter(builtin());
        // Thursday 4/2/2027 16:00, the last working afternoon before Tết Đinh Mùi:
        // 1 h on Thursday, then nothing until Friday 12/2 (5/2 and 8–11/2 are off),
        // where 7 of the 7.5 working hours are used.
        assert_eq!(
            add_working_hours(local(2027, 2, 4, 16, 0), 8, &cal),
            local(2027, 2, 12, 16, 30)
        );
        // Without the table the same request would be due during Tết.
        assert_eq!(
            add_working_hours(local(2027, 2, 4, 16, 0), 8, &none()),
            local(2027, 2, 5, 16, 30)
        );
        // Filed during the holiday: counts from the first working morning.
        assert_eq!(
            add_working_hours(local(2027, 2, 9, 10, 0), 1, &cal),
            local(2027, 2, 12, 8, 30)
        );
    }

    #[test]
    fn a_swapped_saturday_counts_and_a_swapped_friday_does_not() {
        let cal = HolidayCalendar::from_iter(builtin());
        // Wednesday 31/12/2025 16:00 + 8 h: 1 h on Wednesday; Thursday 1/1 (Tết
        // Dương lịch) and Friday 2/1 (swapped) are off; Monday 5/1 gives the other 7.
        assert_eq!(
            add_working_hours(local(2025, 12, 31, 16, 0), 8, &cal),
            local(2026, 1, 5, 16, 30)
        );
        // Friday 9/1/2026 16:00 + 2 h: 1 h on Friday, 1 h on the worked Saturday 10/1.
        assert_eq!(
            add_working_hours(local(2026, 1, 9, 16, 0), 2, &cal),
            local(2026, 1, 10, 8, 30)
        );
        // An ordinary Saturday a week later does not count.
        assert_eq!(
            add_working_hours(local(2026, 1, 16, 16, 0), 2, &cal),
            local(2026, 1, 19, 8, 30)
        );
    }

    #[test]
    fn gio_to_taken_on_monday_and_30_4_and_1_5() {
        let cal = HolidayCalendar::from_iter(builtin());
        // Friday 24/4/2026 16:00 + 8 h: Monday 27/4 (Giỗ Tổ taken) is off, so
        // the other 7 h fall on Tuesday.
        assert_eq!(
            add_working_hours(local(2026, 4, 24, 16, 0), 8, &cal),
            local(2026, 4, 28, 16, 30)
        );
        // Wednesday 29/4 16:00 + 2 h: Thursday 30/4 and Friday 1/5 are off.
        assert_eq!(
            add_working_hours(local(2026, 4, 29, 16, 0), 2, &cal),
            local(2026, 5, 4, 8, 30)
        );
    }
}
