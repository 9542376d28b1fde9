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

/// The reports-to tree of a relationship map, in reading order: each
/// contact (by index into `managers`) once, with its depth. `managers[i]` is
/// the index of whom contact `i` reports to. Roots are those with no
/// manager (or one outside the list); siblings keep their order in the
/// list. A cycle cannot hide anyone: contacts not reached from a root are
/// placed as roots.
pub fn tree_order(managers: &[Option<usize>]) -> Vec<(usize, usize)> {
    let n = managers.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, manager) in managers.iter().enumerate() {
        match manager {
            Some(m) if *m < n && *m != i => children[*m].push(i),
            _ => roots.push(i),
        }
    }
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let visit = |start: usize, order: &mut Vec<(usize, usize)>, placed: &mut Vec<bool>| {
        let mut stack = vec![(start, 0usize)];
        while let Some((i, depth)) = stack.pop() {
            if placed[i] {
                continue;
            }
            placed[i] = true;
            order.push((i, depth));
            for &child in children[i].iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    };
    for root in roots {
        visit(root, &mut order, &mut placed);
    }
    for i in 0..n {
        if !placed[i] {
            visit(i, &mut order, &mut placed);
        }
    }
    order
}

/// Whether making `contact` report to `manager` would close a loop: the
/// chain of managers above `manager` (by `manager_of`) reaches `contact`.
/// Returns that chain, from `manager` up to `contact`, when it does.
pub fn reports_to_loop(contact: i64, manager: i64, manager_of: impl Fn(i64) -> Option<i64>) -> Option<Vec<i64>> {
    let mut chain = vec![manager];
    let mut at = manager;
    while at != contact {
        at = manager_of(at)?;
        if chain.contains(&at) {
            return None;
        }
        chain.push(at);
    }
    Some(chain)
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    #[test]
    fn every_contact_is_placed_once_under_their_manager() {
        // 0 is the root; 1 and 2 report to 0; 3 to 1; 4 has none; 5 and 6 report to each other.
        let managers = [None, Some(0), Some(0), Some(1), None, Some(6), Some(5)];
        let order = tree_order(&managers);
        assert_eq!(order.len(), managers.len());
        let mut seen: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(&order[..5], &[(0, 0), (1, 1), (3, 2), (2, 1), (4, 0)]);
        assert!(tree_order(&[]).is_empty());
    }

    #[test]
    fn a_loop_is_found_with_its_chain() {
        // 2 reports to 1, 1 to 0: 0 may not report to 2.
        let managers = |id: i64| match id { 2 => Some(1), 1 => Some(0), _ => None };
        assert_eq!(reports_to_loop(0, 2, managers), Some(vec![2, 1, 0]));
        assert_eq!(reports_to_loop(2, 0, managers), None);
        assert_eq!(reports_to_loop(3, 3, managers), Some(vec![3]));
    }
}
