//! How far ahead (and back) the App Home looks: which items count as
//! upcoming and which plan deadlines are worth showing, on a person's day.

use chrono::{Duration, NaiveDate};

/// Open items due within this many days are "upcoming".
pub const UPCOMING_DAYS: i64 = 14;
/// Plan deadlines within this many days are shown.
pub const DEADLINE_DAYS: i64 = 90;
/// Plan deadlines passed up to this many days ago are still shown.
pub const DEADLINE_GRACE_DAYS: i64 = 30;

/// The date ranges the App Home lists, for one person's `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HomeWindows {
    /// Items due before this day are overdue.
    pub today: NaiveDate,
    /// Open items due in `[today, upcoming_until]` are upcoming.
    pub upcoming_until: NaiveDate,
    /// Active plans due in `[deadlines_from, deadlines_until]` are listed.
    pub deadlines_from: NaiveDate,
    pub deadlines_until: NaiveDate,
}

impl HomeWindows {
    pub fn on(today: NaiveDate) -> Self {
        HomeWindows {
            today,
            upcoming_until: today + Duration::days(UPCOMING_DAYS),
            deadlines_from: today - Duration::days(DEADLINE_GRACE_DAYS),
            deadlines_until: today + Duration::days(DEADLINE_DAYS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_looks_two_weeks_ahead_for_items_and_a_quarter_for_plans() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let windows = HomeWindows::on(today);
        assert_eq!(windows.upcoming_until, NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
        assert_eq!(windows.deadlines_from, NaiveDate::from_ymd_opt(2026, 11, 6).unwrap());
        assert_eq!(windows.deadlines_until, NaiveDate::from_ymd_opt(2027, 3, 6).unwrap());
    }
}
