//! The rules about a person that messages follow: when they may be
//! messaged, which direct messages they want, and how a message names them.
//!
//! The store's row types expose their data through [`Person`]; the rules are
//! its provided methods, so they live here once, whatever row carries them.

use chrono::NaiveTime;
use chrono_tz::Tz;

use crate::domain::enums::DmKind;
use crate::domain::window::Window;

/// What planbot's rules need to know of a person.
pub trait Person {
    fn slack_id(&self) -> Option<&str>;
    fn display_name(&self) -> &str;
    fn email(&self) -> &str;
    fn zone(&self) -> Tz;
    /// Local quiet hours `[start, end)`, when the person set them.
    fn quiet_hours(&self) -> Option<(NaiveTime, NaiveTime)>;
    /// ISO weekdays (1 = Monday … 7 = Sunday) the person works.
    fn work_days(&self) -> &[i16];
    /// The kinds of DM the person turned off, by name.
    fn muted_kinds(&self) -> &[String];

    /// When the person may be messaged.
    fn window(&self) -> Window {
        Window { tz: self.zone(), quiet: self.quiet_hours(), working_days: self.work_days().to_vec() }
    }

    /// Whether the person wants DMs of this kind (they can turn kinds off in settings).
    fn wants(&self, kind: DmKind) -> bool {
        !self.muted_kinds().iter().any(|muted| muted == kind.as_str())
    }

    /// How the person is named in a message: a mention when they are on
    /// Slack, their name otherwise.
    fn mention(&self) -> String {
        mention(self.slack_id(), self.display_name(), self.email())
    }
}

/// `<@U123>` for someone on Slack, else their name (or email).
pub fn mention(slack_id: Option<&str>, display_name: &str, email: &str) -> String {
    match slack_id {
        Some(id) => format!("<@{id}>"),
        None if !display_name.is_empty() => display_name.to_string(),
        None => email.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Someone {
        slack_id: Option<&'static str>,
        muted: Vec<String>,
    }

    impl Person for Someone {
        fn slack_id(&self) -> Option<&str> {
            self.slack_id
        }
        fn display_name(&self) -> &str {
            "Dana Reyes"
        }
        fn email(&self) -> &str {
            "dana@example.com"
        }
        fn zone(&self) -> Tz {
            chrono_tz::Europe::Berlin
        }
        fn quiet_hours(&self) -> Option<(NaiveTime, NaiveTime)> {
            Some((NaiveTime::from_hms_opt(21, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap()))
        }
        fn work_days(&self) -> &[i16] {
            &[1, 2, 3, 4, 5]
        }
        fn muted_kinds(&self) -> &[String] {
            &self.muted
        }
    }

    #[test]
    fn a_person_on_slack_is_mentioned_and_others_are_named() {
        assert_eq!(Someone { slack_id: Some("U1"), muted: vec![] }.mention(), "<@U1>");
        assert_eq!(Someone { slack_id: None, muted: vec![] }.mention(), "Dana Reyes");
        assert_eq!(mention(None, "", "x@example.com"), "x@example.com");
    }

    #[test]
    fn muted_kinds_are_not_wanted_and_the_window_is_the_persons_own() {
        let person = Someone { slack_id: None, muted: vec![DmKind::Stale.as_str().to_string()] };
        assert!(!person.wants(DmKind::Stale));
        assert!(person.wants(DmKind::Nudge));
        let window = person.window();
        assert_eq!(window.tz, chrono_tz::Europe::Berlin);
        assert_eq!(window.working_days, vec![1, 2, 3, 4, 5]);
        assert!(window.quiet.is_some());
    }
}
