//! Due-date phrases as people type them in Slack (`friday`, `Dec 15`,
//! `in 2 weeks`, `eom`), turned into calendar dates.
//!
//! Everything here is a pure function of the phrase and "today": the caller
//! works out today's date in the user's own time zone, so the same phrase
//! always means the same day for the person who typed it.
//!
//! # Rules for phrases that could mean more than one day
//!
//! Weeks start on Monday.
//!
//! - A date without a year (`Dec 15`, `12/15`) is its next occurrence: today
//!   or later this year, otherwise next year. `Feb 29` in a year without one
//!   is refused rather than pushed to a leap year years away.
//! - A bare weekday (`friday`, `fri`) is the next such day *after* today,
//!   never today: said on a Friday, `friday` is seven days later.
//! - `this friday` is the Friday of the current week, today included; once
//!   that day has passed it falls back to the next Friday.
//! - `next friday` is the Friday of next week (the week starting next
//!   Monday). On a Wednesday that is nine days away; on a Sunday,
//!   `next monday` is tomorrow.
//! - `next week` is seven days from today, the same weekday a week later.
//!   It never means tomorrow (as "next Monday" would on a Sunday) and never
//!   a day or two away (as "next Monday" would on a Friday or Saturday).
//! - `next month` is the 1st of next month and `next year` January 1st of
//!   next year.
//! - `end of week` / `eow` is this week's Friday (today if it is Friday). On
//!   Saturday and Sunday the work week is over, so it is the coming Friday.
//!   `end of next week` is the Friday after that.
//! - `end of month` / `eom`, `end of quarter` / `eoq` (calendar quarters) and
//!   `end of year` / `eoy` are the last day of the current period, today
//!   included.
//! - `in 2 months` counts calendar months and clamps to the month's end
//!   (Jan 31 + 1 month is Feb 28, or Feb 29 in a leap year). Days and weeks
//!   are calendar days, not business days.
//! - Two-digit years (`12/15/26`) are 2000–2099.
//! - Dates that carry a year are returned as written, even if in the past;
//!   whether a past date is acceptable is up to the caller.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The date forms we suggest whenever a phrase can't be read, written as a
/// Slack mrkdwn fragment that fits after "Try ".
pub const WHEN_FORMS: &str = "`2026-12-15`, `12/15`, `Dec 15`, `today`, `tomorrow`, a weekday like `friday`, `next week`, `in 3 days`, `in 2 weeks` or `end of month`";

/// A relative phrase may not reach further than this; anything beyond is
/// almost certainly a typo and would overflow the calendar eventually.
const FURTHEST_DAYS_AHEAD: u64 = 100 * 366;

/// Echoed input is cut to this many characters so one bad paste cannot flood
/// the reply.
const LONGEST_ECHO: usize = 40;

/// Why a phrase could not be turned into a date. `Display` gives the message
/// to show the user: what went wrong and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhenError {
    /// No phrase at all where a date was expected.
    Missing,
    /// The phrase is not one of the forms we understand.
    Unrecognized {
        /// The phrase as typed, made safe to show inside backticks.
        input: String,
    },
    /// The phrase is shaped like a date, but that day does not exist.
    Impossible {
        /// The phrase as typed, made safe to show inside backticks.
        input: String,
        /// What is wrong with it, e.g. "February has at most 29 days".
        problem: String,
        /// How to write it instead.
        suggestion: String,
    },
    /// A relative phrase that lands implausibly far in the future.
    TooFar {
        /// The phrase as typed, made safe to show inside backticks.
        input: String,
    },
}

impl fmt::Display for WhenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhenError::Missing => write!(f, "I need a date here. Try {WHEN_FORMS}."),
            WhenError::Unrecognized { input } => {
                write!(f, "I couldn't read `{input}` as a date. Try {WHEN_FORMS}.")
            }
            WhenError::Impossible {
                input,
                problem,
                suggestion,
            } => write!(f, "`{input}` isn't a real date: {problem}. {suggestion}"),
            WhenError::TooFar { input } => write!(
                f,
                "`{input}` is too far away for a due date. Pick something closer, like `in 6 months` or `2027-06-30`."
            ),
        }
    }
}

impl std::error::Error for WhenError {}

/// Reads a due-date phrase relative to `today` (the user's local date).
///
/// Case-insensitive; extra spaces, commas, a trailing period and a leading
/// `on` or `by` are ignored. See the module documentation for the accepted
/// forms and the rules for ambiguous ones.
///
/// # Errors
///
/// A [`WhenError`] when the phrase is empty, not a form we know, a day that
/// doesn't exist (`2/30`), or implausibly far away; its `Display` is the
/// message to show the user.
pub fn parse_when(input: &str, today: NaiveDate) -> Result<NaiveDate, WhenError> {
    let echo = echo_safely(input);
    let normalized = normalize(input);
    let mut words: Vec<&str> = normalized.split_whitespace().collect();
    if words.len() > 1 && matches!(words[0], "on" | "by") {
        words.remove(0);
    }
    if words.is_empty() {
        return Err(WhenError::Missing);
    }

    let readings = [
        named_phrase(&words, today).map(Ok),
        weekday_phrase(&words, today).map(Ok),
        relative_offset(&words, today, &echo),
        numeric_date(&words, today, &echo),
        month_name_date(&words, today, &echo),
    ];
    readings
        .into_iter()
        .flatten()
        .next()
        .unwrap_or(Err(WhenError::Unrecognized { input: echo }))
}

/// A short human phrase for a due date in replies: `today`, `tomorrow`,
/// `yesterday`, `Fri Dec 18` within the current year, `Jan 5, 2027` otherwise.
#[must_use]
pub fn describe_due(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        -1 => "yesterday".to_string(),
        _ if due.year() == today.year() => due.format("%a %b %-d").to_string(),
        _ => due.format("%b %-d, %Y").to_string(),
    }
}

/// How far away a number of days is, as a suffix for replies: `today`,
/// `in 1 day`, `in 3 days`, `1 day ago`, `3 days ago`.
#[must_use]
/// `today`, `tomorrow`, `yesterday`, `in 5 days`, `3 days ago`: how far a
/// date is, as a person says it.
pub fn relative_day(days: i64) -> String {
    match days {
        1 => "tomorrow".to_string(),
        -1 => "yesterday".to_string(),
        other => days_phrase(other),
    }
}

pub fn days_phrase(days: i64) -> String {
    let unit = if days.abs() == 1 { "day" } else { "days" };
    match days {
        0 => "today".to_string(),
        future if future > 0 => format!("in {future} {unit}"),
        past => format!("{} {unit} ago", past.unsigned_abs()),
    }
}

fn normalize(input: &str) -> String {
    input
        .to_lowercase()
        .replace(',', " ")
        .trim()
        .trim_end_matches('.')
        .to_string()
}

/// Backticks would end the code span the input is shown in, so they are
/// swapped for quotes; long input is shortened.
fn echo_safely(input: &str) -> String {
    let trimmed = input.trim().replace('`', "'");
    if trimmed.chars().count() > LONGEST_ECHO {
        let start: String = trimmed.chars().take(LONGEST_ECHO).collect();
        format!("{start}…")
    } else {
        trimmed
    }
}

/// Fixed phrases: `today`, `tomorrow`, `next week`, `end of month`, …
fn named_phrase(words: &[&str], today: NaiveDate) -> Option<NaiveDate> {
    let phrase = words
        .join(" ")
        .replace("end of the ", "end of ")
        .replace("end of this ", "end of ");
    let date = match phrase.as_str() {
        "today" | "tod" | "eod" | "end of day" => today,
        "tomorrow" | "tmrw" | "tmr" | "tmw" => today.succ_opt()?,
        "next week" => today.checked_add_days(Days::new(7))?,
        "next month" => first_of_month(today).checked_add_months(Months::new(1))?,
        "next year" => NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)?,
        "eow" | "end of week" => end_of_work_week(today),
        "end of next week" => end_of_work_week(today).checked_add_days(Days::new(7))?,
        "eom" | "end of month" => last_of_month(today.year(), today.month())?,
        "eoq" | "end of quarter" => {
            let last_month_of_quarter = (today.month0() / 3 + 1) * 3;
            last_of_month(today.year(), last_month_of_quarter)?
        }
        "eoy" | "end of year" => NaiveDate::from_ymd_opt(today.year(), 12, 31)?,
        _ => return None,
    };
    Some(date)
}

/// `friday`, `this friday`, `next friday`.
fn weekday_phrase(words: &[&str], today: NaiveDate) -> Option<NaiveDate> {
    match words {
        [day] => Some(next_after_today(today, weekday_named(day)?)),
        ["this", day] => {
            let wanted = weekday_named(day)?;
            let ahead = i64::from(wanted.num_days_from_monday())
                - i64::from(today.weekday().num_days_from_monday());
            if ahead >= 0 {
                today.checked_add_days(Days::new(ahead.unsigned_abs()))
            } else {
                Some(next_after_today(today, wanted))
            }
        }
        ["next", day] => {
            let wanted = weekday_named(day)?;
            monday_of_week(today)
                .checked_add_days(Days::new(7 + u64::from(wanted.num_days_from_monday())))
        }
        _ => None,
    }
}

/// `in 3 days`, `in a week`, `2 weeks from now`, `3d`, `2w`, `1mo`.
fn relative_offset(
    words: &[&str],
    today: NaiveDate,
    echo: &str,
) -> Option<Result<NaiveDate, WhenError>> {
    let mut words = words;
    if let ["in", rest @ ..] = words {
        words = rest;
    }
    if let [rest @ .., "from", "now" | "today"] = words {
        words = rest;
    }
    let (amount, unit) = match words {
        [amount, unit] => (*amount, *unit),
        [compact] => {
            let digits_end = compact.find(|c: char| !c.is_ascii_digit())?;
            if digits_end == 0 {
                return None;
            }
            compact.split_at(digits_end)
        }
        _ => return None,
    };
    let unit = RelativeUnit::named(unit)?;
    let too_far = || WhenError::TooFar {
        input: echo.to_string(),
    };
    let Some(amount) = amount_named(amount) else {
        // Only a run of digits too long for u32 gets here as "too far";
        // other words were never meant as amounts.
        return amount
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| Err(too_far()));
    };
    let furthest = today.checked_add_days(Days::new(FURTHEST_DAYS_AHEAD));
    let date = match unit {
        RelativeUnit::Days(per) => u64::from(amount)
            .checked_mul(per)
            .and_then(|days| today.checked_add_days(Days::new(days))),
        RelativeUnit::Months(per) => amount
            .checked_mul(per)
            .and_then(|months| today.checked_add_months(Months::new(months))),
    };
    Some(match (date, furthest) {
        (Some(date), Some(furthest)) if date <= furthest => Ok(date),
        _ => Err(too_far()),
    })
}

enum RelativeUnit {
    Days(u64),
    Months(u32),
}

impl RelativeUnit {
    fn named(word: &str) -> Option<Self> {
        Some(match word {
            "d" | "day" | "days" => RelativeUnit::Days(1),
            "w" | "wk" | "wks" | "week" | "weeks" => RelativeUnit::Days(7),
            "mo" | "mos" | "month" | "months" => RelativeUnit::Months(1),
            "y" | "yr" | "yrs" | "year" | "years" => RelativeUnit::Months(12),
            _ => return None,
        })
    }
}

fn amount_named(word: &str) -> Option<u32> {
    const NUMBER_WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    if matches!(word, "a" | "an") {
        return Some(1);
    }
    if let Some(index) = NUMBER_WORDS.iter().position(|name| *name == word) {
        return u32::try_from(index + 1).ok();
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        return word.parse().ok();
    }
    None
}

/// `2026-12-15`, `2026/12/15`, `12/15`, `12/15/2026`, `12/15/26`.
fn numeric_date(
    words: &[&str],
    today: NaiveDate,
    echo: &str,
) -> Option<Result<NaiveDate, WhenError>> {
    let [token] = words else { return None };
    let separator = if token.contains('-') { '-' } else { '/' };
    let parts: Vec<&str> = token.split(separator).collect();
    let all_digits = parts
        .iter()
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    if parts.len() < 2 || !all_digits {
        return None;
    }
    let number = |part: &str| part.parse::<u32>().ok();
    let short = |part: &str| part.len() <= 2;
    match parts.as_slice() {
        [year, month, day] if year.len() == 4 && short(month) && short(day) => Some(resolve(
            Some(year.parse().ok()?),
            number(month)?,
            number(day)?,
            DateStyle::YearFirst,
            today,
            echo,
        )),
        [month, day] if separator == '/' && short(month) && short(day) => Some(resolve(
            None,
            number(month)?,
            number(day)?,
            DateStyle::MonthFirst,
            today,
            echo,
        )),
        [month, day, year] if separator == '/' && short(month) && short(day) => {
            let year: i32 = match year.len() {
                4 => year.parse().ok()?,
                2 => 2000 + year.parse::<i32>().ok()?,
                _ => return None,
            };
            Some(resolve(
                Some(year),
                number(month)?,
                number(day)?,
                DateStyle::MonthFirst,
                today,
                echo,
            ))
        }
        _ => None,
    }
}

/// `Dec 15`, `december 15th 2026`, `15 Dec`, `15th of December 2026`.
fn month_name_date(
    words: &[&str],
    today: NaiveDate,
    echo: &str,
) -> Option<Result<NaiveDate, WhenError>> {
    let words: Vec<&str> = words.iter().copied().filter(|word| *word != "of").collect();
    let (month, day, year) = match words.as_slice() {
        [first, second] => match (month_named(first), month_named(second)) {
            (Some(month), None) => (month, day_number(second)?, None),
            (None, Some(month)) => (month, day_number(first)?, None),
            _ => return None,
        },
        [first, second, year] => {
            let year = four_digit_year(year)?;
            match (month_named(first), month_named(second)) {
                (Some(month), None) => (month, day_number(second)?, Some(year)),
                (None, Some(month)) => (month, day_number(first)?, Some(year)),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(resolve(year, month, day, DateStyle::MonthName, today, echo))
}

/// How the user wrote a date, so a correction can be offered in the same
/// style.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    YearFirst,
    MonthFirst,
    MonthName,
}

/// Turns month and day (and maybe year) into a date, explaining days that
/// don't exist. Without a year, the next occurrence on or after today.
fn resolve(
    year: Option<i32>,
    month: u32,
    day: u32,
    style: DateStyle,
    today: NaiveDate,
    echo: &str,
) -> Result<NaiveDate, WhenError> {
    let impossible = |problem: String| WhenError::Impossible {
        input: echo.to_string(),
        problem,
        suggestion: suggestion_for(month, day, style),
    };
    if !(1..=12).contains(&month) {
        return Err(impossible(format!("there is no month {month}")));
    }
    let longest = longest_month_length(month);
    if day == 0 {
        return Err(impossible("there is no day 0".to_string()));
    }
    if day > longest {
        let name = MONTH_NAMES[month as usize - 1];
        let at_most = if month == 2 { "at most " } else { "" };
        return Err(impossible(format!("{name} has {at_most}{longest} days")));
    }
    let year = match year {
        Some(year) => year,
        None => match NaiveDate::from_ymd_opt(today.year(), month, day) {
            Some(this_year) if this_year >= today => return Ok(this_year),
            _ => today.year() + 1,
        },
    };
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| WhenError::Impossible {
        input: echo.to_string(),
        problem: format!("{year} has no February 29"),
        suggestion: "Try `Feb 28` or `Mar 1`.".to_string(),
    })
}

fn suggestion_for(month: u32, day: u32, style: DateStyle) -> String {
    // A "month" above 12 in a slashed date is usually day/month order.
    let swapped_is_real =
        month > 12 && (1..=12).contains(&day) && month <= longest_month_length(day);
    match style {
        DateStyle::MonthFirst if swapped_is_real => format!(
            "Slashed dates are month first, so write `{day}/{month}` or `{} {month}`.",
            MONTH_ABBREVIATIONS[day as usize - 1]
        ),
        DateStyle::YearFirst => {
            "Write it as year-month-day, like `2026-12-15`, or as `Dec 15`.".to_string()
        }
        _ => "Write it like `12/15`, `Dec 15` or `2026-12-15`.".to_string(),
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The most days the month ever has (February counted in a leap year).
fn longest_month_length(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn month_named(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    let month = match word {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    };
    Some(month)
}

fn weekday_named(word: &str) -> Option<Weekday> {
    let day = match word.trim_end_matches('.') {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" | "weds" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// `15`, `15th`, `1st`, `22nd`, `3rd`.
fn day_number(word: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .unwrap_or(word);
    let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    (all_digits && digits.len() <= 2).then(|| digits.parse().ok())?
}

fn four_digit_year(word: &str) -> Option<i32> {
    (word.len() == 4 && word.chars().all(|c| c.is_ascii_digit())).then(|| word.parse().ok())?
}

fn next_after_today(today: NaiveDate, wanted: Weekday) -> NaiveDate {
    let ahead = (7 + wanted.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    today + Days::new(u64::from(ahead))
}

fn monday_of_week(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

fn end_of_work_week(today: NaiveDate) -> NaiveDate {
    let friday = monday_of_week(today) + Days::new(4);
    if today <= friday {
        friday
    } else {
        friday + Days::new(7)
    }
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
    }

    /// A Wednesday in the middle of an ordinary month.
    const WEDNESDAY: &str = "2026-06-17";
    /// A Friday.
    const FRIDAY: &str = "2026-12-18";
    /// A Sunday near the end of the year.
    const SUNDAY: &str = "2026-12-20";
    /// The last day of a year (a Thursday).
    const NEW_YEARS_EVE: &str = "2026-12-31";
    /// Leap day in a leap year (a Tuesday).
    const LEAP_DAY: &str = "2028-02-29";
    /// The last day of a 31-day month (a Saturday).
    const MONTH_END: &str = "2027-01-31";

    /// Checks each (today, phrase, expected) row, reporting every miss at once.
    fn check_table(rows: &[(&str, &str, &str)]) {
        let misses: Vec<String> = rows
            .iter()
            .filter_map(|(today, phrase, expected)| {
                let got = parse_when(phrase, date(today));
                (got != Ok(date(expected)))
                    .then(|| format!("on {today}, {phrase:?} gave {got:?}, expected {expected}"))
            })
            .collect();
        assert!(misses.is_empty(), "{}", misses.join("\n"));
    }

    fn error_message(phrase: &str, today: &str) -> String {
        parse_when(phrase, date(today))
            .expect_err("phrase should be refused")
            .to_string()
    }

    #[test]
    fn iso_dates_are_taken_as_written() {
        check_table(&[
            (WEDNESDAY, "2026-12-15", "2026-12-15"),
            (WEDNESDAY, "2027-01-05", "2027-01-05"),
            (WEDNESDAY, "2026/12/15", "2026-12-15"),
            (LEAP_DAY, "2028-02-29", "2028-02-29"),
            (WEDNESDAY, "2025-03-01", "2025-03-01"),
        ]);
    }

    #[test]
    fn slashed_dates_are_month_then_day() {
        check_table(&[
            (WEDNESDAY, "12/15", "2026-12-15"),
            (WEDNESDAY, "12/15/2026", "2026-12-15"),
            (WEDNESDAY, "12/15/26", "2026-12-15"),
            (WEDNESDAY, "1/5", "2027-01-05"),
            (WEDNESDAY, "06/17", "2026-06-17"),
            (WEDNESDAY, "6/16", "2027-06-16"),
            (WEDNESDAY, "3/4/27", "2027-03-04"),
        ]);
    }

    #[test]
    fn month_names_work_in_either_order_with_or_without_a_year() {
        check_table(&[
            (WEDNESDAY, "Dec 15", "2026-12-15"),
            (WEDNESDAY, "december 15", "2026-12-15"),
            (WEDNESDAY, "Dec 15 2026", "2026-12-15"),
            (WEDNESDAY, "Dec 15, 2026", "2026-12-15"),
            (WEDNESDAY, "15 Dec", "2026-12-15"),
            (WEDNESDAY, "15 December 2026", "2026-12-15"),
            (WEDNESDAY, "Dec 15th", "2026-12-15"),
            (WEDNESDAY, "december 1st, 2027", "2027-12-01"),
            (WEDNESDAY, "15th of December", "2026-12-15"),
            (WEDNESDAY, "Sept 2nd", "2026-09-02"),
            (WEDNESDAY, "Dec. 15", "2026-12-15"),
            (WEDNESDAY, "may 3rd", "2027-05-03"),
        ]);
    }

    #[test]
    fn a_date_without_a_year_is_its_next_occurrence() {
        check_table(&[
            (SUNDAY, "Jan 5", "2027-01-05"),
            (SUNDAY, "Dec 20", "2026-12-20"),
            (SUNDAY, "Dec 19", "2027-12-19"),
            (SUNDAY, "12/21", "2026-12-21"),
            (NEW_YEARS_EVE, "1/1", "2027-01-01"),
            (NEW_YEARS_EVE, "dec 31", "2026-12-31"),
            (LEAP_DAY, "feb 29", "2028-02-29"),
            (LEAP_DAY, "mar 1", "2028-03-01"),
            ("2028-01-10", "2/29", "2028-02-29"),
            ("2027-03-01", "feb 29", "2028-02-29"),
        ]);
    }

    #[test]
    fn today_and_tomorrow_have_short_forms() {
        check_table(&[
            (WEDNESDAY, "today", WEDNESDAY),
            (WEDNESDAY, "tod", WEDNESDAY),
            (WEDNESDAY, "eod", WEDNESDAY),
            (WEDNESDAY, "tomorrow", "2026-06-18"),
            (WEDNESDAY, "tmrw", "2026-06-18"),
            (WEDNESDAY, "tmr", "2026-06-18"),
            (NEW_YEARS_EVE, "tomorrow", "2027-01-01"),
            ("2028-02-28", "tomorrow", LEAP_DAY),
        ]);
    }

    #[test]
    fn weekday_names_mean_the_next_such_day_after_today() {
        check_table(&[
            (WEDNESDAY, "friday", "2026-06-19"),
            (WEDNESDAY, "fri", "2026-06-19"),
            (WEDNESDAY, "thurs", "2026-06-18"),
            (WEDNESDAY, "thu", "2026-06-18"),
            (WEDNESDAY, "tues", "2026-06-23"),
            (WEDNESDAY, "wednesday", "2026-06-24"),
            (FRIDAY, "friday", "2026-12-25"),
            (FRIDAY, "monday", "2026-12-21"),
            (SUNDAY, "mon", "2026-12-21"),
            (SUNDAY, "sunday", "2026-12-27"),
            (NEW_YEARS_EVE, "fri", "2027-01-01"),
            (LEAP_DAY, "wed", "2028-03-01"),
        ]);
    }

    #[test]
    fn this_weekday_stays_in_the_current_week_until_it_has_passed() {
        check_table(&[
            (WEDNESDAY, "this friday", "2026-06-19"),
            (WEDNESDAY, "this wednesday", WEDNESDAY),
            (WEDNESDAY, "this monday", "2026-06-22"),
            (FRIDAY, "this friday", FRIDAY),
            (SUNDAY, "this sunday", SUNDAY),
            (SUNDAY, "this saturday", "2026-12-26"),
        ]);
    }

    #[test]
    fn next_weekday_is_that_day_in_next_week() {
        check_table(&[
            (WEDNESDAY, "next friday", "2026-06-26"),
            (WEDNESDAY, "next monday", "2026-06-22"),
            (FRIDAY, "next friday", "2026-12-25"),
            (SUNDAY, "next monday", "2026-12-21"),
            (SUNDAY, "next sunday", "2026-12-27"),
            (NEW_YEARS_EVE, "next thu", "2027-01-07"),
        ]);
    }

    #[test]
    fn next_week_is_a_week_from_today_on_every_weekday() {
        // Monday 2026-12-07 to Sunday 2026-12-13.
        let monday = date("2026-12-07");
        for offset in 0..7 {
            let today = monday + Days::new(offset);
            let got = parse_when("next week", today).expect("next week is a date");
            assert_eq!(got, today + Days::new(7), "on {} ({})", today, today.weekday());
            assert_eq!(got.weekday(), today.weekday(), "on {today}");
            assert!(got > today.succ_opt().expect("a next day"), "never tomorrow");
        }
        check_table(&[
            (SUNDAY, "next week", "2026-12-27"),
            (NEW_YEARS_EVE, "next week", "2027-01-07"),
            (WEDNESDAY, "by next week", "2026-06-24"),
        ]);
    }

    #[test]
    fn next_month_and_year_mean_their_first_day() {
        check_table(&[
            (WEDNESDAY, "next month", "2026-07-01"),
            (NEW_YEARS_EVE, "next month", "2027-01-01"),
            (MONTH_END, "next month", "2027-02-01"),
            (WEDNESDAY, "next year", "2027-01-01"),
        ]);
    }

    #[test]
    fn end_of_week_is_this_fridays_or_the_coming_one_on_weekends() {
        check_table(&[
            (WEDNESDAY, "end of week", "2026-06-19"),
            (WEDNESDAY, "eow", "2026-06-19"),
            (WEDNESDAY, "end of the week", "2026-06-19"),
            (FRIDAY, "eow", FRIDAY),
            ("2026-12-19", "eow", "2026-12-25"),
            (SUNDAY, "end of week", "2026-12-25"),
            (WEDNESDAY, "end of next week", "2026-06-26"),
        ]);
    }

    #[test]
    fn end_of_month_quarter_and_year_are_the_last_day_of_the_period() {
        check_table(&[
            (WEDNESDAY, "end of month", "2026-06-30"),
            (WEDNESDAY, "eom", "2026-06-30"),
            (MONTH_END, "eom", MONTH_END),
            ("2027-02-10", "eom", "2027-02-28"),
            ("2028-02-10", "end of the month", LEAP_DAY),
            (WEDNESDAY, "end of quarter", "2026-06-30"),
            (WEDNESDAY, "eoq", "2026-06-30"),
            ("2026-07-01", "eoq", "2026-09-30"),
            (NEW_YEARS_EVE, "eoq", NEW_YEARS_EVE),
            (LEAP_DAY, "eoq", "2028-03-31"),
            (WEDNESDAY, "end of year", NEW_YEARS_EVE),
            (WEDNESDAY, "eoy", NEW_YEARS_EVE),
        ]);
    }

    #[test]
    fn relative_days_and_weeks_count_calendar_days() {
        check_table(&[
            (WEDNESDAY, "in 3 days", "2026-06-20"),
            (WEDNESDAY, "in 1 day", "2026-06-18"),
            (WEDNESDAY, "in a day", "2026-06-18"),
            (WEDNESDAY, "in 2 weeks", "2026-07-01"),
            (WEDNESDAY, "in a week", "2026-06-24"),
            (WEDNESDAY, "in three days", "2026-06-20"),
            (WEDNESDAY, "in twelve days", "2026-06-29"),
            (WEDNESDAY, "3 days", "2026-06-20"),
            (WEDNESDAY, "2w", "2026-07-01"),
            (WEDNESDAY, "3d", "2026-06-20"),
            (WEDNESDAY, "in 3d", "2026-06-20"),
            (WEDNESDAY, "2 weeks from now", "2026-07-01"),
            (WEDNESDAY, "in 0 days", WEDNESDAY),
            (NEW_YEARS_EVE, "in 1 day", "2027-01-01"),
            ("2028-02-27", "in 2 days", LEAP_DAY),
        ]);
    }

    #[test]
    fn relative_months_clamp_to_the_end_of_shorter_months() {
        check_table(&[
            (WEDNESDAY, "in 2 months", "2026-08-17"),
            (MONTH_END, "in 1 month", "2027-02-28"),
            ("2028-01-31", "in a month", LEAP_DAY),
            (NEW_YEARS_EVE, "in 2 months", "2027-02-28"),
            (WEDNESDAY, "1mo", "2026-07-17"),
            (LEAP_DAY, "in 1 year", "2029-02-28"),
        ]);
    }

    #[test]
    fn case_spacing_commas_and_a_trailing_period_are_ignored() {
        check_table(&[
            (WEDNESDAY, "  FRIDAY  ", "2026-06-19"),
            (WEDNESDAY, "In   3   Days.", "2026-06-20"),
            (WEDNESDAY, "DEC 15TH, 2026.", "2026-12-15"),
            (WEDNESDAY, "End Of Month", "2026-06-30"),
            (WEDNESDAY, "on friday", "2026-06-19"),
            (WEDNESDAY, "by eow", "2026-06-19"),
        ]);
    }

    #[test]
    fn impossible_dates_are_refused_naming_the_problem() {
        let cases = [
            ("2/30", WEDNESDAY, "February has at most 29 days"),
            ("2026-13-01", WEDNESDAY, "there is no month 13"),
            ("4/31", WEDNESDAY, "April has 30 days"),
            ("Dec 32", WEDNESDAY, "December has 31 days"),
            ("0/5", WEDNESDAY, "there is no month 0"),
            ("2026-02-29", WEDNESDAY, "2026 has no February 29"),
            ("feb 29", "2026-03-01", "2027 has no February 29"),
            ("6/0", WEDNESDAY, "there is no day 0"),
        ];
        for (phrase, today, problem) in cases {
            let message = error_message(phrase, today);
            assert!(
                message.contains(problem) && message.contains(&format!("`{phrase}`")),
                "{phrase:?}: {message}"
            );
        }
    }

    #[test]
    fn day_first_slashed_dates_get_the_swapped_form_suggested() {
        let message = error_message("15/12", WEDNESDAY);
        assert!(message.contains("there is no month 15"), "{message}");
        assert!(message.contains("`12/15`"), "{message}");
        assert!(message.contains("`Dec 15`"), "{message}");
    }

    #[test]
    fn unknown_phrases_are_refused_with_the_forms_to_use() {
        for phrase in [
            "fridya",
            "someday",
            "next fortnight",
            "12-15",
            "in days",
            "dec",
        ] {
            let message = error_message(phrase, WEDNESDAY);
            assert_eq!(
                message,
                format!("I couldn't read `{phrase}` as a date. Try {WHEN_FORMS}."),
            );
        }
    }

    #[test]
    fn the_unknown_phrase_message_reads_as_documented() {
        assert_eq!(
            error_message("fridya", WEDNESDAY),
            "I couldn't read `fridya` as a date. Try `2026-12-15`, `12/15`, `Dec 15`, `today`, `tomorrow`, a weekday like `friday`, `next week`, `in 3 days`, `in 2 weeks` or `end of month`."
        );
    }

    #[test]
    fn an_empty_phrase_asks_for_a_date() {
        for phrase in ["", "   ", "."] {
            assert_eq!(parse_when(phrase, date(WEDNESDAY)), Err(WhenError::Missing));
        }
        assert!(WhenError::Missing.to_string().contains(WHEN_FORMS));
    }

    #[test]
    fn echoed_input_cannot_break_out_of_its_code_span_or_flood_the_reply() {
        let message = error_message("`rm` tomorrow", WEDNESDAY);
        assert!(
            message.starts_with("I couldn't read `'rm' tomorrow` as"),
            "{message}"
        );
        let long = "x".repeat(500);
        let message = error_message(&long, WEDNESDAY);
        assert!(
            message.contains(&format!("`{}…`", "x".repeat(40))),
            "{message}"
        );
        assert!(message.len() < 300, "{message}");
    }

    #[test]
    fn absurdly_distant_relative_dates_are_refused() {
        for phrase in ["in 99999999999 days", "in 500 years", "in 4000000000 weeks"] {
            let result = parse_when(phrase, date(WEDNESDAY));
            assert!(
                matches!(result, Err(WhenError::TooFar { .. })),
                "{phrase}: {result:?}"
            );
        }
        assert!(parse_when("in 50 years", date(WEDNESDAY)).is_ok());
    }

    #[test]
    fn describe_due_uses_words_near_today_and_dates_further_out() {
        let today = date(FRIDAY);
        let rows = [
            ("2026-12-18", "today"),
            ("2026-12-19", "tomorrow"),
            ("2026-12-17", "yesterday"),
            ("2026-12-25", "Fri Dec 25"),
            ("2026-03-05", "Thu Mar 5"),
            ("2027-01-05", "Jan 5, 2027"),
            ("2025-12-31", "Dec 31, 2025"),
        ];
        for (due, expected) in rows {
            assert_eq!(describe_due(date(due), today), expected, "due {due}");
        }
    }

    #[test]
    fn days_phrase_says_how_far_away_in_either_direction() {
        let rows = [
            (0, "today"),
            (1, "in 1 day"),
            (3, "in 3 days"),
            (-1, "1 day ago"),
            (-3, "3 days ago"),
        ];
        for (days, expected) in rows {
            assert_eq!(days_phrase(days), expected);
        }
    }

    #[test]
    fn when_error_is_a_standard_error() {
        let error: Box<dyn std::error::Error> = Box::new(WhenError::Missing);
        assert!(error.to_string().starts_with("I need a date"));
    }
}
