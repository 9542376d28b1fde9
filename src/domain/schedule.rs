//! When scheduled work is due: cron expressions read on each recipient's own
//! wall clock.
//!
//! A job's schedule (`0 9 * * *`: nine in the morning) means nine in *each
//! recipient's* time zone, so one job fires at many instants a day, one per
//! zone. DST follows croner's documented rules: a fixed time that does not
//! exist on a spring-forward day (02:30 in New York on 2026-03-08) runs at the
//! first instant after the gap (03:00 EDT); a fixed time that happens twice
//! on a fall-back day runs once, at the first of the two. Interval schedules
//! (`*/15 * * * *`) skip the missing hour and run in both copies of the
//! repeated one.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// A cron expression: minute, hour, day of month, month, day of week
/// (`0 9 * * 1-5`), or a nickname like `@daily`.
#[derive(Clone)]
pub struct Schedule {
    cron: Cron,
    text: String,
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({:?})", self.text)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A cron expression that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a cron schedule ({reason}); write five fields, minute hour day-of-month month \
     day-of-week, like `0 9 * * *` (every day at 09:00) or `0 9 * * 1-5` (weekdays at 09:00)"
)]
pub struct BadSchedule {
    pub text: String,
    pub reason: String,
}

impl FromStr for Schedule {
    type Err = BadSchedule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_string();
        // Minute resolution: the scheduler is not a stopwatch, and a seconds
        // field is more often a mistake than an intent.
        let parser = CronParser::builder().seconds(Seconds::Disallowed).year(Year::Disallowed).build();
        let cron = parser.parse(&text).map_err(|e| BadSchedule { text: text.clone(), reason: e.to_string() })?;
        Ok(Schedule { cron, text })
    }
}

impl Schedule {
    /// Every day at `time`.
    pub fn daily_at(time: NaiveTime) -> Self {
        format!("{} {} * * *", time.minute(), time.hour()).parse().expect("a daily schedule is valid")
    }

    /// Every week on ISO weekday `weekday` (1 = Monday … 7 = Sunday) at `time`.
    pub fn weekly_at(weekday: i16, time: NaiveTime) -> Self {
        let cron_weekday = weekday.clamp(1, 7) % 7; // cron counts from Sunday = 0
        format!("{} {} * * {cron_weekday}", time.minute(), time.hour()).parse().expect("a weekly schedule is valid")
    }

    /// The latest scheduled instant at or before `at`, on `tz`'s wall clock.
    pub fn latest(&self, tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_previous_occurrence(&at.with_timezone(&tz), true).ok().map(|t| t.with_timezone(&Utc))
    }

    /// The first scheduled instant after `at`, on `tz`'s wall clock.
    pub fn next_after(&self, tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&at.with_timezone(&tz), false).ok().map(|t| t.with_timezone(&Utc))
    }
}

/// Which recipients a run of a job is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// A scheduled tick: those whose scheduled time fell after `from` (the
    /// previous successful tick; `None` if there was none) and at or before
    /// `to`. A tick that covers a long outage still runs once.
    Window { from: Option<DateTime<Utc>>, to: DateTime<Utc> },
    /// A manual run: everyone, now.
    Now,
}

impl Due {
    /// The recipient's date at `now` when this run is for them.
    ///
    /// A scheduled time only counts on the recipient's own current day: after
    /// an outage, this morning's missed reminder goes out late today, but
    /// yesterday's is not delivered after midnight (today's own schedule
    /// takes over). That keeps a catch-up tick from messaging people in the
    /// middle of their night.
    pub fn local_day(&self, schedule: &Schedule, tz: Tz, now: DateTime<Utc>) -> Option<NaiveDate> {
        let today = now.with_timezone(&tz).date_naive();
        match *self {
            Due::Now => Some(today),
            Due::Window { from, to } => {
                let latest = schedule.latest(tz, to)?;
                let in_window = from.is_none_or(|from| latest > from);
                (in_window && latest.with_timezone(&tz).date_naive() == today).then_some(today)
            }
        }
    }

    /// Scheduled runs skip recipients on their days off; a manual run holds
    /// their messages until their next working day instead.
    pub fn skips_days_off(&self) -> bool {
        matches!(self, Due::Window { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Berlin;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn schedule(s: &str) -> Schedule {
        s.parse().unwrap()
    }

    #[test]
    fn nine_in_the_morning_follows_the_clock_across_dst_changes() {
        let nine = schedule("0 9 * * *");
        // New York: EST (-5) before 2026-03-08, EDT (-4) after; back on 2026-11-01.
        assert_eq!(nine.latest(New_York, utc("2026-03-07T23:00:00Z")), Some(utc("2026-03-07T14:00:00Z")));
        assert_eq!(nine.latest(New_York, utc("2026-03-08T23:00:00Z")), Some(utc("2026-03-08T13:00:00Z")));
        assert_eq!(nine.latest(New_York, utc("2026-11-01T23:00:00Z")), Some(utc("2026-11-01T14:00:00Z")));
        // Berlin: CET (+1) → CEST (+2) on 2026-03-29, back on 2026-10-25.
        assert_eq!(nine.latest(Berlin, utc("2026-03-29T23:00:00Z")), Some(utc("2026-03-29T07:00:00Z")));
        assert_eq!(nine.latest(Berlin, utc("2026-10-25T23:00:00Z")), Some(utc("2026-10-25T08:00:00Z")));
        assert_eq!(nine.next_after(Berlin, utc("2026-10-24T12:00:00Z")), Some(utc("2026-10-25T08:00:00Z")));
    }

    #[test]
    fn a_time_skipped_by_spring_forward_runs_just_after_the_gap_once() {
        let half_past_two = schedule("30 2 * * *");
        // 02:30 does not exist in New York on 2026-03-08: it runs at 03:00 EDT.
        let on_the_day = half_past_two.next_after(New_York, utc("2026-03-08T05:00:00Z")).unwrap();
        assert_eq!(on_the_day, utc("2026-03-08T07:00:00Z"));
        assert_eq!(half_past_two.latest(New_York, utc("2026-03-08T12:00:00Z")), Some(on_the_day));
        // and the next run is the next day's 02:30 EDT
        assert_eq!(half_past_two.next_after(New_York, on_the_day), Some(utc("2026-03-09T06:30:00Z")));
    }

    #[test]
    fn a_time_repeated_by_fall_back_runs_once_at_the_first() {
        let half_past_one = schedule("30 1 * * *");
        // 01:30 happens twice in New York on 2026-11-01: 05:30 UTC (EDT) and 06:30 UTC (EST).
        let first = half_past_one.next_after(New_York, utc("2026-11-01T04:00:00Z")).unwrap();
        assert_eq!(first, utc("2026-11-01T05:30:00Z"));
        assert_eq!(half_past_one.next_after(New_York, first), Some(utc("2026-11-02T06:30:00Z")));
        assert_eq!(half_past_one.latest(New_York, utc("2026-11-01T07:00:00Z")), Some(first));
        // Berlin repeats 02:00–03:00 on 2026-10-25.
        let half_past_two = schedule("30 2 * * *");
        let first = half_past_two.next_after(Berlin, utc("2026-10-24T22:00:00Z")).unwrap();
        assert_eq!(first, utc("2026-10-25T00:30:00Z"));
        assert_eq!(half_past_two.next_after(Berlin, first), Some(utc("2026-10-26T01:30:00Z")));
    }

    #[test]
    fn a_tick_is_for_those_whose_time_fell_in_its_window_today() {
        let nine = schedule("0 9 * * *");
        let tick = Due::Window { from: Some(utc("2026-11-24T13:59:00Z")), to: utc("2026-11-24T14:00:00Z") };
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(tick.local_day(&nine, New_York, utc("2026-11-24T14:00:05Z")), Some(day));
        // Berlin's nine o'clock was hours before the window.
        assert_eq!(tick.local_day(&nine, Berlin, utc("2026-11-24T14:00:05Z")), None);
    }

    #[test]
    fn a_catch_up_tick_serves_todays_missed_time_but_not_yesterdays() {
        let nine = schedule("0 9 * * *");
        // Down since Sunday; back on Tuesday at 16:00 UTC (11:00 in New York, 17:00 in Berlin).
        let tick = Due::Window { from: Some(utc("2026-11-22T00:00:00Z")), to: utc("2026-11-24T14:00:00Z") };
        let now = utc("2026-11-24T16:00:00Z");
        assert_eq!(tick.local_day(&nine, New_York, now), NaiveDate::from_ymd_opt(2026, 11, 24));
        assert_eq!(tick.local_day(&nine, Berlin, now), NaiveDate::from_ymd_opt(2026, 11, 24));
        // Back after midnight in Berlin: Tuesday's nine is not sent on Wednesday at 00:30.
        let late = Due::Window { from: Some(utc("2026-11-22T00:00:00Z")), to: utc("2026-11-24T23:00:00Z") };
        assert_eq!(late.local_day(&nine, Berlin, utc("2026-11-24T23:30:00Z")), None);
    }

    #[test]
    fn digest_schedules_are_built_from_a_persons_settings() {
        let time = NaiveTime::from_hms_opt(8, 30, 0).unwrap();
        assert_eq!(Schedule::daily_at(time).to_string(), "30 8 * * *");
        assert_eq!(Schedule::weekly_at(1, time).to_string(), "30 8 * * 1");
        assert_eq!(Schedule::weekly_at(7, time).to_string(), "30 8 * * 0");
        let sunday = Schedule::weekly_at(7, time);
        assert_eq!(sunday.next_after(chrono_tz::UTC, utc("2026-11-24T00:00:00Z")), Some(utc("2026-11-29T08:30:00Z")));
    }

    #[test]
    fn a_bad_schedule_says_how_to_write_one() {
        let err = "every morning".parse::<Schedule>().unwrap_err();
        assert!(err.to_string().contains("like `0 9 * * *`"), "{err}");
        assert!("0 0 9 * * *".parse::<Schedule>().is_err(), "seconds are refused");
        assert!("@daily".parse::<Schedule>().is_ok());
    }
}
