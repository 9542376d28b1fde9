//! The rules a new or changed record must pass, once for every way in:
//! `/plan add`, the add-item modal and the CSV import all check an action
//! item here. Each surface words the problem its own way (a usage line, a
//! message under a modal field, a CSV line number); the verdict is the same.

use chrono::NaiveDate;

/// Longest action item title: a line a person reads in a list; details
/// belong in the plan.
pub const LONGEST_TITLE: usize = 200;

/// Why a title is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleProblem {
    Empty,
    TooLong { length: usize },
}

impl std::fmt::Display for TitleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TitleProblem::Empty => write!(f, "an action item needs a title"),
            TitleProblem::TooLong { length } => {
                write!(f, "at most {LONGEST_TITLE} characters (this one has {length})")
            }
        }
    }
}

/// An action item's title, trimmed, or why not.
pub fn item_title(text: &str) -> Result<String, TitleProblem> {
    let title = text.trim().to_string();
    let length = title.chars().count();
    if length == 0 {
        Err(TitleProblem::Empty)
    } else if length > LONGEST_TITLE {
        Err(TitleProblem::TooLong { length })
    } else {
        Ok(title)
    }
}

/// Whether a due date lies before the asker's `today` (a slip more often
/// than a wish: surfaces ask before storing it, or refuse it).
pub fn due_is_past(due: NaiveDate, today: NaiveDate) -> bool {
    due < today
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_held_to_one_limit() {
        assert_eq!(item_title("  Send the deck "), Ok("Send the deck".to_string()));
        assert_eq!(item_title(" \t "), Err(TitleProblem::Empty));
        assert_eq!(item_title(&"é".repeat(LONGEST_TITLE)).map(|t| t.chars().count()), Ok(LONGEST_TITLE));
        assert_eq!(item_title(&"x".repeat(LONGEST_TITLE + 1)), Err(TitleProblem::TooLong { length: LONGEST_TITLE + 1 }));
        assert!(TitleProblem::TooLong { length: 201 }.to_string().contains("200"));
    }

    #[test]
    fn only_days_before_today_are_past() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert!(due_is_past(today.pred_opt().unwrap(), today));
        assert!(!due_is_past(today, today));
    }
}
