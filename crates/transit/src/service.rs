//! Service days as GTFS defines them: which services run on a date (calendar.txt weekdays and
//! range, then calendar_dates.txt additions and removals), and how a time of a service day
//! (seconds after "noon minus 12 h", which may pass 24:00) becomes an instant in the feed's zone.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::error::TransitError;
use crate::network::Service;

/// A calendar date of the feed's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceDate(pub NaiveDate);

impl ServiceDate {
    /// The date as GTFS writes it, YYYYMMDD as a number.
    pub fn yyyymmdd(self) -> u32 {
        let d = self.0;
        d.year().max(0) as u32 * 10_000 + d.month() * 100 + d.day()
    }

    /// Parses a YYYYMMDD number; `None` for impossible dates.
    pub fn from_yyyymmdd(n: u32) -> Option<ServiceDate> {
        NaiveDate::from_ymd_opt((n / 10_000) as i32, (n / 100) % 100, n % 100).map(ServiceDate)
    }

    /// The day before.
    pub fn pred(self) -> ServiceDate {
        ServiceDate(self.0.pred_opt().unwrap_or(self.0))
    }

    /// The day after.
    pub fn succ(self) -> ServiceDate {
        ServiceDate(self.0.succ_opt().unwrap_or(self.0))
    }

    /// Bit of this date's weekday in [`Service::weekdays`] (Monday = bit 0).
    pub fn weekday_bit(self) -> u8 {
        1 << self.0.weekday().num_days_from_monday()
    }

    /// The instant `seconds` after this service day's reference time (noon minus 12 h, which is
    /// midnight except on days when clocks change) in `tz`.
    pub fn instant(self, tz: Tz, seconds: i64) -> DateTime<Tz> {
        let noon = self
            .0
            .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
        let noon = tz
            .from_local_datetime(&noon)
            .earliest()
            .unwrap_or_else(|| tz.from_utc_datetime(&noon));
        noon - chrono::Duration::hours(12) + chrono::Duration::seconds(seconds)
    }

    /// The service date and seconds of that service day for an instant in `tz`
    /// (the calendar date of the instant, so always below 24 h plus a clock change).
    pub fn of_instant(at: DateTime<Tz>) -> (ServiceDate, i64) {
        let date = ServiceDate(at.date_naive());
        let base = date.instant(at.timezone(), 0);
        (date, (at - base).num_seconds())
    }

    /// This date shifted by `days` (may be negative).
    pub fn plus_days(self, days: i64) -> ServiceDate {
        let d = if days >= 0 {
            self.0.checked_add_days(Days::new(days as u64))
        } else {
            self.0.checked_sub_days(Days::new(days.unsigned_abs()))
        };
        ServiceDate(d.unwrap_or(self.0))
    }
}

/// Parses an IANA zone name such as `Asia/Ho_Chi_Minh`.
pub fn zone(name: &str) -> Result<Tz, TransitError> {
    name.parse::<Tz>()
        .map_err(|_| TransitError::TimeZone(name.to_string()))
}

impl Service {
    /// Whether trips of this service run on `date`: removed dates win, then added dates, then
    /// the weekday inside the calendar range.
    pub fn runs_on(&self, date: ServiceDate) -> bool {
        let n = date.yyyymmdd();
        if self.removed.contains(&n) {
            return false;
        }
        if self.added.contains(&n) {
            return true;
        }
        self.start <= n && n <= self.end && self.weekdays & date.weekday_bit() != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays_2025() -> Service {
        Service {
            id: "T2-T6".into(),
            weekdays: 0b0011111,
            start: 20250101,
            end: 20271231,
            added: vec![20251004],   // a Saturday made a working day
            removed: vec![20250902], // National Day, a Tuesday
        }
    }

    fn date(n: u32) -> ServiceDate {
        ServiceDate::from_yyyymmdd(n).expect("valid test date")
    }

    #[test]
    fn weekday_service_runs_monday_not_sunday() {
        let s = weekdays_2025();
        assert!(s.runs_on(date(20251201))); // Monday
        assert!(!s.runs_on(date(20251207))); // Sunday
    }

    #[test]
    fn calendar_dates_remove_and_add_days() {
        let s = weekdays_2025();
        assert!(!s.runs_on(date(20250902)), "removed by calendar_dates");
        assert!(s.runs_on(date(20250903)));
        assert!(
            s.runs_on(date(20251004)),
            "a Saturday added by calendar_dates"
        );
    }

    #[test]
    fn outside_the_range_nothing_runs() {
        let s = weekdays_2025();
        assert!(!s.runs_on(date(20241231)));
        assert!(!s.runs_on(date(20280103)));
    }

    #[test]
    fn times_past_midnight_belong_to_the_next_calendar_day() {
        let tz = zone("Asia/Ho_Chi_Minh").expect("known zone");
        let at = date(20251201).instant(tz, 24 * 3600 + 30 * 60);
        assert_eq!(at.to_rfc3339(), "2025-12-02T00:30:00+07:00");
        assert_eq!(ServiceDate::of_instant(at), (date(20251202), 1800));
    }

    #[test]
    fn service_day_starts_at_noon_minus_twelve_hours_on_a_clock_change() {
        // 2025-03-09 in Los Angeles: clocks jump from 02:00 to 03:00, so noon-12h is 23:00 the day before.
        let tz = zone("America/Los_Angeles").expect("known zone");
        let at = date(20250309).instant(tz, 6 * 3600);
        assert_eq!(at.to_rfc3339(), "2025-03-09T06:00:00-07:00");
        let base = date(20250309).instant(tz, 0);
        assert_eq!(base.to_rfc3339(), "2025-03-08T23:00:00-08:00");
    }
}
