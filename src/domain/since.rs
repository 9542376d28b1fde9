//! "Since when" in a question about changes: a date, last week, the last
//! QBR, or the last time the asker looked at the account.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// Looks closer together than this are one sitting: "since I last looked"
/// means before the current sitting.
pub const SITTING_MINUTES: i64 = 30;

/// How far back "the last QBR" goes while no QBR has been recorded.
pub const QBR_FALLBACK_DAYS: i64 = 90;

/// How far back "since I last looked" goes for someone who never looked.
pub const FIRST_LOOK_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// From the start of this day, in the asker's time zone.
    Date(NaiveDate),
    /// The last 7 days.
    LastWeek,
    /// Since the last QBR held on the account.
    LastQbr,
    /// Since the asker last looked at the account.
    LastLooked,
}

/// A [`Since`] made concrete: the instant changes are counted from, how to
/// say it, and a note when planbot had to fall back to a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    /// "since Dec 1", "in the last 7 days", ...
    pub label: String,
    pub note: Option<String>,
}

impl Since {
    /// The period this means at `now` for an asker in `tz`, given when the
    /// last QBR was held and when they last looked (if ever).
    pub fn period(
        self,
        now: DateTime<Utc>,
        tz: Tz,
        last_qbr: Option<DateTime<Utc>>,
        last_looked: Option<DateTime<Utc>>,
    ) -> Period {
        let local = |at: DateTime<Utc>| at.with_timezone(&tz);
        match self {
            Since::Date(date) => {
                let from = crate::domain::window::local_instant(tz, date.and_time(chrono::NaiveTime::MIN));
                let note = (from > now).then(|| format!("{} is in the future, so nothing has changed since.", date.format("%b %-d, %Y")));
                Period { from: from.min(now), label: format!("since {}", date.format("%b %-d, %Y")), note }
            }
            Since::LastWeek => Period { from: now - Duration::days(7), label: "in the last 7 days".into(), note: None },
            Since::LastQbr => match last_qbr {
                Some(at) => Period { from: at, label: format!("since the last QBR ({})", local(at).format("%b %-d")), note: None },
                None => Period {
                    from: now - Duration::days(QBR_FALLBACK_DAYS),
                    label: format!("in the last {QBR_FALLBACK_DAYS} days"),
                    note: Some(format!(
                        "No QBR has been recorded for this account yet, so this covers the last {QBR_FALLBACK_DAYS} days."
                    )),
                },
            },
            Since::LastLooked => match last_looked {
                Some(at) => Period {
                    from: at,
                    label: format!("since you last looked ({})", local(at).format("%b %-d, %-I:%M %p")),
                    note: None,
                },
                None => Period {
                    from: now - Duration::days(FIRST_LOOK_DAYS),
                    label: format!("in the last {FIRST_LOOK_DAYS} days"),
                    note: Some(format!(
                        "I have no record of you looking at this account before, so this covers the last {FIRST_LOOK_DAYS} days."
                    )),
                },
            },
        }
    }
}

/// The look before the current sitting, from the newest recorded look and
/// the one before it (see [`SITTING_MINUTES`]).
pub fn last_look(
    now: DateTime<Utc>,
    viewed_at: Option<DateTime<Utc>>,
    previous_viewed_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match viewed_at {
        Some(at) if now - at >= Duration::minutes(SITTING_MINUTES) => Some(at),
        Some(_) => previous_viewed_at,
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 15, 0, 0).unwrap()
    }

    #[test]
    fn a_date_starts_at_local_midnight() {
        let period = Since::Date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).period(now(), chrono_tz::America::New_York, None, None);
        assert_eq!(period.from.to_rfc3339(), "2026-12-01T05:00:00+00:00");
        assert_eq!(period.label, "since Dec 1, 2026");
        assert!(period.note.is_none());
    }

    #[test]
    fn last_week_is_seven_days() {
        let period = Since::LastWeek.period(now(), chrono_tz::UTC, None, None);
        assert_eq!(now() - period.from, Duration::days(7));
    }

    #[test]
    fn without_a_qbr_the_last_90_days_and_it_says_so() {
        let period = Since::LastQbr.period(now(), chrono_tz::UTC, None, None);
        assert_eq!(now() - period.from, Duration::days(90));
        assert!(period.note.unwrap().contains("No QBR"));
        let held = now() - Duration::days(20);
        assert_eq!(Since::LastQbr.period(now(), chrono_tz::UTC, Some(held), None).from, held);
    }

    #[test]
    fn last_looked_uses_the_look_or_falls_back_to_a_week() {
        let looked = now() - Duration::days(3);
        let period = Since::LastLooked.period(now(), chrono_tz::UTC, None, Some(looked));
        assert_eq!(period.from, looked);
        assert!(period.note.is_none());
        let never = Since::LastLooked.period(now(), chrono_tz::UTC, None, None);
        assert_eq!(now() - never.from, Duration::days(7));
        assert!(never.note.is_some());
    }

    #[test]
    fn the_look_that_counts_is_before_the_current_sitting() {
        let earlier = now() - Duration::days(2);
        let just_now = now() - Duration::minutes(2);
        assert_eq!(last_look(now(), Some(just_now), Some(earlier)), Some(earlier));
        assert_eq!(last_look(now(), Some(earlier), None), Some(earlier));
        assert_eq!(last_look(now(), Some(just_now), None), None);
        assert_eq!(last_look(now(), None, None), None);
    }
}
