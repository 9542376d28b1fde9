//! When a person may be messaged: their working days and quiet hours, in
//! their own time zone. Messages that fall outside the window are held until
//! it opens; nothing is dropped.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A person's delivery window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub tz: Tz,
    /// Local quiet hours `[start, end)`; may cross midnight (20:00–08:00).
    pub quiet: Option<(NaiveTime, NaiveTime)>,
    /// ISO weekdays (1 = Monday … 7 = Sunday) the person works.
    pub working_days: Vec<i16>,
}

impl Window {
    /// Always open, in UTC (channels have no quiet hours).
    pub fn always() -> Self {
        Window { tz: chrono_tz::UTC, quiet: None, working_days: vec![1, 2, 3, 4, 5, 6, 7] }
    }

    /// Whether `date` is one of the person's working days.
    pub fn works_on(&self, date: NaiveDate) -> bool {
        let iso = date.weekday().number_from_monday() as i16;
        self.working_days.is_empty() || self.working_days.contains(&iso)
    }

    fn is_quiet(&self, time: NaiveTime) -> bool {
        self.quiet.is_some_and(|quiet| in_quiet_hours(quiet, time))
    }

    /// Whether a message may go out at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.tz).naive_local();
        self.works_on(local.date()) && !self.is_quiet(local.time())
    }

    /// `at` when the window is open then, otherwise the first instant after
    /// `at` when it opens. Local times skipped by a DST change resolve to the
    /// first valid instant after them.
    pub fn next_open(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let mut candidate = at;
        // Two weeks of days is more than any window needs (one working day a week).
        for _ in 0..32 {
            let local = candidate.with_timezone(&self.tz).naive_local();
            if !self.works_on(local.date()) {
                candidate = self.instant(local.date().succ_opt().expect("date in range").and_time(NaiveTime::MIN));
                continue;
            }
            if self.is_quiet(local.time()) {
                let (_, end) = self.quiet.expect("quiet hours are set");
                let end_date = if local.time() >= end { local.date().succ_opt().expect("date in range") } else { local.date() };
                let next = self.instant(end_date.and_time(end));
                // A DST jump can land exactly where we started; move on by a minute.
                candidate = if next <= candidate { candidate + Duration::minutes(1) } else { next };
                continue;
            }
            return candidate;
        }
        candidate
    }

    /// The UTC instant of a local time; in a DST gap, the first valid instant
    /// after it; in an overlap, the earlier of the two.
    pub fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        local_instant(self.tz, local)
    }
}

/// Whether a local time falls in quiet hours `[start, end)`, which may
/// cross midnight.
pub fn in_quiet_hours((start, end): (NaiveTime, NaiveTime), time: NaiveTime) -> bool {
    if start == end {
        false
    } else if start < end {
        time >= start && time < end
    } else {
        time >= start || time < end
    }
}

/// The UTC instant of a local wall-clock time in `tz` (see [`Window::instant`]).
pub fn local_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..(4 * 60) {
        if let Some(at) = tz.from_local_datetime(&probe).earliest() {
            return at.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(tz: Tz, quiet: Option<(u32, u32)>, days: &[i16]) -> Window {
        Window {
            tz,
            quiet: quiet.map(|(s, e)| (NaiveTime::from_hms_opt(s, 0, 0).unwrap(), NaiveTime::from_hms_opt(e, 0, 0).unwrap())),
            working_days: days.to_vec(),
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const WEEKDAYS: &[i16] = &[1, 2, 3, 4, 5];

    #[test]
    fn an_open_window_sends_at_once() {
        let w = window(chrono_tz::America::New_York, Some((20, 8)), WEEKDAYS);
        // Tuesday 10:00 in New York
        let at = utc("2026-11-24T15:00:00Z");
        assert!(w.is_open(at));
        assert_eq!(w.next_open(at), at);
    }

    #[test]
    fn a_message_in_the_night_waits_for_the_end_of_quiet_hours() {
        let w = window(chrono_tz::America::New_York, Some((20, 8)), WEEKDAYS);
        // Tuesday 23:30 in New York → Wednesday 08:00 EST = 13:00 UTC
        assert_eq!(w.next_open(utc("2026-11-25T04:30:00Z")), utc("2026-11-25T13:00:00Z"));
        // Wednesday 03:00 (after midnight, still quiet) → the same morning
        assert_eq!(w.next_open(utc("2026-11-25T08:00:00Z")), utc("2026-11-25T13:00:00Z"));
    }

    #[test]
    fn a_friday_evening_message_waits_for_monday_morning() {
        let w = window(chrono_tz::Europe::Berlin, Some((19, 7)), WEEKDAYS);
        // Friday 21:00 in Berlin (CET) → Monday 07:00 CET = 06:00 UTC
        assert_eq!(w.next_open(utc("2026-11-27T20:00:00Z")), utc("2026-11-30T06:00:00Z"));
    }

    #[test]
    fn quiet_hours_end_in_local_time_across_spring_forward() {
        // New York springs forward on Sunday 2026-03-08 at 02:00.
        let w = window(chrono_tz::America::New_York, Some((22, 8)), &[1, 2, 3, 4, 5, 6, 7]);
        // Saturday 23:00 EST → Sunday 08:00 EDT = 12:00 UTC (not 13:00)
        assert_eq!(w.next_open(utc("2026-03-08T04:00:00Z")), utc("2026-03-08T12:00:00Z"));
    }

    #[test]
    fn quiet_hours_ending_inside_the_gap_open_at_the_first_valid_minute() {
        // Quiet until 02:30, which does not exist on 2026-03-08 in New York.
        let mut w = window(chrono_tz::America::New_York, None, &[1, 2, 3, 4, 5, 6, 7]);
        w.quiet = Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(2, 30, 0).unwrap()));
        // Sunday 01:00 EST (06:00 UTC) → 03:00 EDT = 07:00 UTC
        assert_eq!(w.next_open(utc("2026-03-08T06:00:00Z")), utc("2026-03-08T07:00:00Z"));
    }

    #[test]
    fn quiet_hours_end_in_local_time_across_fall_back() {
        // Berlin falls back on Sunday 2026-10-25 at 03:00 CEST → 02:00 CET.
        let w = window(chrono_tz::Europe::Berlin, Some((22, 8)), &[1, 2, 3, 4, 5, 6, 7]);
        // Saturday 23:00 CEST (21:00 UTC) → Sunday 08:00 CET = 07:00 UTC
        assert_eq!(w.next_open(utc("2026-10-24T21:00:00Z")), utc("2026-10-25T07:00:00Z"));
    }

    #[test]
    fn no_quiet_hours_and_every_day_is_always_open() {
        let w = Window::always();
        let at = utc("2026-12-25T03:00:00Z");
        assert_eq!(w.next_open(at), at);
    }
}
