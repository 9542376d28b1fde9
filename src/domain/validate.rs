//! The rules a new or changed record must pass, once for every way in:
//! `/plan add`, the add-item modal and the CSV import all check an action
//! item here. Each surface words the problem its own way (a usage line, a
//! message under a modal field, a CSV line number); the verdict is the same.

use chrono::NaiveDate;

/// Longest action item title: a line a person reads in a list; details
/// belong in the plan.
pub const LONGEST_TITLE: usize = 200;

/// Longest name of an account, a plan or a contact.
pub const LONGEST_NAME: usize = 200;

/// Longest one-line field: a contact's title or company, a vendor.
pub const LONGEST_LINE: usize = 200;

/// Longest short note: likes and dislikes of a vendor, an account's rank notes.
pub const LONGEST_NOTE: usize = 3000;

/// Longest Plan Info section (a CSV import may bring more than Slack's
/// 3,000-character input holds; edits in Slack leave such a section alone
/// unless it is replaced on purpose).
pub const LONGEST_SECTION: usize = 20_000;

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

/// What planbot says of text PostgreSQL cannot store (a NUL character).
pub const UNSTORABLE: &str = "That text contains a character planbot can't store (a NUL, \\0). Remove it and send it again.";

/// Whether PostgreSQL can store this text: everything but NUL.
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// A required name (account, plan, contact), trimmed, or why not.
pub fn name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() { Err("a name is needed".to_string()) } else { text_at_most(LONGEST_NAME)(name) }
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

// The field rules below are the CSV import's and the modals': a value as
// typed (trimmed by the caller), or why not, in words that name the value.

pub fn text_at_most(limit: usize) -> impl Fn(&str) -> Result<String, String> {
    move |text| {
        if text.chars().count() > limit {
            Err(format!("at most {limit} characters (this one has {})", text.chars().count()))
        } else {
            Ok(text.to_string())
        }
    }
}

pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date like 2026-12-31"))
}

/// Whole currency units: `1200000`, `1,200,000`, `$1,200,000.00`.
pub fn money(text: &str) -> Result<i64, String> {
    let digits: String = text.chars().filter(|c| !matches!(c, '$' | ',' | '_' | ' ')).collect();
    let whole = digits.strip_suffix(".00").or_else(|| digits.strip_suffix(".0")).unwrap_or(&digits);
    match whole.parse::<i64>() {
        Ok(amount) if amount >= 0 => Ok(amount),
        _ => Err(format!("`{text}` is not an amount in whole units like 1200000")),
    }
}

pub fn email(text: &str) -> Result<String, String> {
    let email = text.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((name, domain)) => !name.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(char::is_whitespace) && !domain.contains('@'),
        None => false,
    };
    if valid { Ok(email) } else { Err(format!("`{text}` is not an email address")) }
}

pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!("`{text}` is not true or false")),
    }
}

pub fn web_link(text: &str) -> Result<String, String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(text.to_string()),
        _ => Err(format!("`{text}` is not an http(s) link")),
    }
}

/// `1`…`5`.
pub fn strength(text: &str) -> Result<i16, String> {
    match text.parse::<i16>() {
        Ok(n @ 1..=5) => Ok(n),
        _ => Err(format!("`{text}` is not a strength from 1 to 5")),
    }
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
    fn nul_is_the_one_character_that_cannot_be_stored() {
        assert!(storable("Acme — ünïcode ✓ \u{1F600}"));
        assert!(!storable("Acme\0"));
        assert!(UNSTORABLE.contains("can't store"));
    }

    #[test]
    fn only_days_before_today_are_past() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert!(due_is_past(today.pred_opt().unwrap(), today));
        assert!(!due_is_past(today, today));
    }
}
