//! The text Slack sends after `/plan`, read into a [`PlanCommand`].
//!
//! Slack escapes mentions in slash-command text (when the app has "escape
//! channels, users, and links" switched on): users arrive as `<@U024BE7LH>`
//! or `<@U024BE7LH|jane>`, channels as `<#C024BE7LH|general>` and links as
//! `<https://example.com|label>`. Anything the user got wrong comes back as a
//! [`UsageError`] whose message can be posted to them as it is.
//!
//! Subcommand words are case-insensitive; account names and titles keep the
//! user's spelling, trimmed.

use std::fmt;

use chrono::NaiveDate;

use super::validate::{self, LONGEST_TITLE, TitleProblem};
use super::plan::SectionGroup;
use super::{typo, when};

/// Everything `/plan` can do, one line per subcommand with an example, in
/// Slack mrkdwn. Placeholders are avoided because Slack would read `<…>` as
/// a link.
pub const USAGE: &str = "*How to use `/plan`*
• `/plan summary Acme` — the account plan for Acme (leave the name out for this channel's account)
• `/plan add Acme: Run a security workshop @jane due friday` — add an action item; the owner and `due` date are optional (`on friday` or `by friday` at the end works too)
• `/plan add` — add an action item with a form
• `/plan done 142` — mark action item 142 as done
• `/plan snooze 142 next week` — hide action item 142 until a date
• `/plan due 142 friday` — change when action item 142 is due
• `/plan reassign 142 @jane` — give action item 142 to someone else
• `/plan undo` — undo your last change, if you made it in the last 10 minutes
• `/plan actions` — your open action items; also `/plan actions overdue`, `/plan actions Acme` or `/plan actions Acme overdue`
• `/plan link Acme` — connect this channel to the Acme account
• `/plan follow Acme` — get updates about Acme; `/plan follow Acme: funding, layoffs` for some kinds of news only
• `/plan unfollow Acme` — stop getting updates about Acme
• `/plan new Acme` — start a plan for Acme from the Land or Expand template, in a form
• `/plan plans Acme` — Acme's plans; `/plan activate Acme` makes a draft the active plan, `/plan close Acme` closes the active one (both ask first)
• `/plan edit Acme gtm` — edit a part of the plan: `profile`, `snapshot` or `gtm` (leave it out for a button each)
• `/plan people Acme` — the relationship map as a reports-to tree, to edit and add contacts; its *As a picture* button (or asking me “acme relationship map”) sends it drawn
• `/plan whitespace Acme` — the whitespace map by stage, to edit and add rows; also as a picture (“whitespace map for acme”)
• `/plan share Acme` — post Acme's summary to its linked channel (or this one)
• `/plan review Acme` — what the plan answers of the handbook's questions, its health, and the gaps worth fixing
• `/plan qbr Acme` — QBR prep: what changed since the last QBR, items, news, health, next steps; `/plan qbr Acme held` records that the QBR happened (today, or `held 2026-11-30`)
• `/plan coverage` — which key accounts have no active plan
• `/plan settings` — your planbot settings
• `/plan help` — this message
Dates can be `2026-12-15`, `12/15`, `Dec 15`, `today`, `tomorrow`, a weekday like `friday`, `next week`, `in 3 days`, `in 2 weeks` or `end of month`.";

/// The subcommands as the user typed them, after checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanCommand {
    /// `help`, `?` or no text at all.
    Help,
    /// `summary [account]` (also `summarize`, `summarise`, `sum`, `show`);
    /// no account means the current channel's.
    Summary {
        /// The account named, as typed.
        account: Option<String>,
    },
    /// `add <account>: <title> [@owner] [due <when>]`; `add` alone is `None`
    /// and opens a form instead.
    Add(Option<NewItem>),
    /// `done 142` or `done #142`.
    Done {
        /// The action item's number.
        item: i64,
    },
    /// `snooze 142 next week`: hide the item until the given day.
    Snooze {
        /// The action item's number.
        item: i64,
        /// The day the item shows up again; never before today.
        until: NaiveDate,
    },
    /// `due 142 friday`: change when the item is due.
    Due {
        /// The action item's number.
        item: i64,
        /// The new due date; never before today.
        due: NaiveDate,
    },
    /// `reassign 142 @jane`: give the item to someone else.
    Reassign {
        /// The action item's number.
        item: i64,
        /// The new owner's Slack user id, e.g. `U024BE7LH`.
        owner: String,
    },
    /// `undo`: take back the caller's last change, if recent.
    Undo,
    /// `actions [mine|overdue|<account>]`.
    Actions(ActionsScope),
    /// `link <account>`: connect the current channel to an account.
    Link {
        /// The account named, as typed.
        account: String,
    },
    /// `follow <account>`: get updates about an account.
    Follow {
        /// The account named, as typed.
        account: String,
    },
    /// `unfollow <account>`: stop getting updates about an account.
    Unfollow {
        /// The account named, as typed.
        account: String,
    },
    /// `settings`.
    Settings,
    /// `new <account>`: start a plan in a form.
    New { account: String },
    /// `plans <account>`: the account's plans.
    Plans { account: String },
    /// `activate <account>[: <plan name>]`.
    Activate { account: String, plan: Option<String> },
    /// `close <account>`: close the active plan.
    Close { account: String },
    /// `edit <account> [profile|snapshot|gtm]`.
    Edit { account: String, part: Option<SectionGroup> },
    /// `people <account>`: the relationship map, to edit.
    People { account: String },
    /// `whitespace <account>`: the whitespace map, to edit.
    Whitespace { account: String },
    /// `share <account>`: post the summary to the account's channel.
    Share { account: String },
    /// `review <account>`: the plan review.
    Review { account: String },
    /// `qbr <account>`: QBR prep; `qbr <account> held [day]` records one.
    Qbr { account: String, held: Option<Held> },
    /// `coverage`: key accounts without a plan.
    Coverage,
}

/// When a QBR was held, as `/plan qbr Acme held [day]` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Today,
    On(NaiveDate),
}

/// Which action items `/plan actions` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionsScope {
    /// The user's own open items; also what bare `actions` means.
    Mine,
    /// Every overdue item the user can see.
    Overdue,
    /// The items of one account, named as typed.
    Account(String),
    /// The overdue items of one account (whoever owns them): `actions Acme overdue`.
    AccountOverdue(String),
}

/// An action item described in one line by `/plan add`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Everything before the first colon, trimmed.
    pub account: String,
    /// What is to be done: 1 to [`LONGEST_TITLE`] characters.
    pub title: String,
    /// The owner's Slack user id, e.g. `U024BE7LH`.
    pub owner: Option<String>,
    /// When it is due.
    pub due: Option<NaiveDate>,
}

/// A `/plan` command that can't be carried out as typed. `Display` (and
/// [`UsageError::message`]) gives the whole reply for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    message: String,
}

impl UsageError {
    fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
        }
    }

    /// The reply for the user, in Slack mrkdwn.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// Every word that starts a subcommand, so typos can be matched against the
/// word the user most likely meant. `?` is left out: any one-letter word
/// would be a single edit away from it.
const SUBCOMMAND_WORDS: [&str; 28] = [
    "review",
    "qbr",
    "coverage",
    "new",
    "plans",
    "activate",
    "close",
    "edit",
    "people",
    "whitespace",
    "share",
    "help",
    "summary",
    "summarize",
    "summarise",
    "sum",
    "show",
    "add",
    "done",
    "snooze",
    "due",
    "reassign",
    "undo",
    "actions",
    "link",
    "follow",
    "unfollow",
    "settings",
];

/// Reads the text after `/plan`. `today` is the user's local date, used for
/// due dates and snoozes.
///
/// # Errors
///
/// A [`UsageError`] for anything that can't be carried out as typed: an
/// unknown or misspelled subcommand, a missing or malformed part, a date
/// that can't be read. Its message says how to write the command instead.
pub fn parse_plan_command(text: &str, today: NaiveDate) -> Result<PlanCommand, UsageError> {
    let text = text.trim();
    let (word, rest) = match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text, ""),
    };
    match word.to_lowercase().as_str() {
        "" | "help" | "?" => Ok(PlanCommand::Help),
        "summary" | "summarize" | "summarise" | "sum" | "show" => {
            let account = if rest.is_empty() {
                None
            } else {
                Some(account_named(rest, "summary")?)
            };
            Ok(PlanCommand::Summary { account })
        }
        "add" if rest.is_empty() => Ok(PlanCommand::Add(None)),
        "add" => Ok(PlanCommand::Add(Some(parse_new_item(rest, today)?))),
        "done" => parse_done(rest),
        "snooze" => parse_snooze(rest, today),
        "due" => parse_due(rest, today),
        "reassign" => parse_reassign(rest),
        "undo" if rest.is_empty() => Ok(PlanCommand::Undo),
        "undo" => Err(UsageError::new(
            "`/plan undo` takes nothing else: it undoes your own last change to an action item, if you made it in the last 10 minutes. Send `/plan undo` alone.",
        )),
        "actions" => parse_actions(rest),
        "link" => Ok(PlanCommand::Link {
            account: required_account(rest, "link")?,
        }),
        "follow" => Ok(PlanCommand::Follow {
            account: required_account(rest, "follow")?,
        }),
        "unfollow" => Ok(PlanCommand::Unfollow {
            account: required_account(rest, "unfollow")?,
        }),
        "settings" => Ok(PlanCommand::Settings),
        "new" => Ok(PlanCommand::New { account: required_account(rest, "new")? }),
        "plans" => Ok(PlanCommand::Plans { account: required_account(rest, "plans")? }),
        "activate" => {
            let (account, plan) = match first_colon_outside_brackets(rest) {
                Some(colon) => (&rest[..colon], Some(rest[colon + 1..].trim().to_string()).filter(|p| !p.is_empty())),
                None => (rest, None),
            };
            Ok(PlanCommand::Activate { account: required_account(account.trim(), "activate")?, plan })
        }
        "close" => Ok(PlanCommand::Close { account: required_account(rest, "close")? }),
        "edit" => {
            let (account, part) = split_part(rest);
            Ok(PlanCommand::Edit { account: required_account(&account, "edit")?, part })
        }
        "people" | "contacts" => Ok(PlanCommand::People { account: required_account(rest, "people")? }),
        "whitespace" => Ok(PlanCommand::Whitespace { account: required_account(rest, "whitespace")? }),
        "share" => Ok(PlanCommand::Share { account: required_account(rest, "share")? }),
        "review" => Ok(PlanCommand::Review { account: required_account(rest, "review")? }),
        "qbr" => parse_qbr(rest, today),
        "coverage" => Ok(PlanCommand::Coverage),
        unknown => Err(unknown_subcommand(word, unknown, text)),
    }
}

/// Removes user mentions (`<@U…>`, `<@U…|name>`) from free text. Returns the
/// rest of the text, trimmed, with the spaces around each removed mention
/// closed up (line breaks are kept), and the mentioned user ids in order of
/// first appearance, each once.
#[must_use]
pub fn strip_mentions(text: &str) -> (String, Vec<String>) {
    let mut remaining = String::with_capacity(text.len());
    let mut user_ids: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        remaining.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let Some((user_id, length)) = user_mention_at(candidate) else {
            remaining.push_str("<@");
            rest = &candidate[2..];
            continue;
        };
        if !user_ids.iter().any(|known| known == user_id) {
            user_ids.push(user_id.to_string());
        }
        rest = &candidate[length..];
        // Close the gap the mention leaves, but keep line breaks.
        if remaining.ends_with([' ', '\t']) || remaining.is_empty() {
            rest = rest.trim_start_matches([' ', '\t']);
        }
    }
    remaining.push_str(rest);
    (remaining.trim().to_string(), user_ids)
}

/// If `text` starts with a user mention, its user id and the mention's
/// length in bytes.
fn user_mention_at(text: &str) -> Option<(&str, usize)> {
    let inner_end = text.find('>')?;
    let inner = text.get(2..inner_end)?;
    let user_id = inner.split_once('|').map_or(inner, |(id, _label)| id);
    let looks_like_id = !user_id.is_empty()
        && user_id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    looks_like_id.then_some((user_id, inner_end + 1))
}

fn parse_new_item(rest: &str, today: NaiveDate) -> Result<NewItem, UsageError> {
    const EXAMPLE: &str = "`/plan add Acme: Run a security workshop @jane due friday`";
    let Some(colon) = first_colon_outside_brackets(rest) else {
        return Err(UsageError::new(format!(
            "Put a colon after the account name: {EXAMPLE}"
        )));
    };
    let account = rest[..colon].trim();
    if account.is_empty() {
        return Err(UsageError::new(format!(
            "Put the account name before the colon: {EXAMPLE}"
        )));
    }
    if let Some(channel) = channel_mention(account) {
        return Err(UsageError::new(format!(
            "Write the account's name before the colon rather than a channel ({channel}): {EXAMPLE}"
        )));
    }

    let (body, mentioned) = strip_mentions(&rest[colon + 1..]);
    let owner = match mentioned.as_slice() {
        [] => None,
        [owner] => Some(owner.clone()),
        _ => {
            return Err(UsageError::new(format!(
                "An action item has one owner, but I found {} people mentioned. Keep one: {EXAMPLE}",
                mentioned.len()
            )));
        }
    };
    if let Some(plain) = plain_at_name(&body) {
        return Err(UsageError::new(format!(
            "`{plain}` reached me as plain text, so I can't tell who that is. Type `@` and pick the person from Slack's list so it becomes a real mention, then send the command again: {EXAMPLE}"
        )));
    }

    let (title, due) = match last_due_clause(&body) {
        Some((before, phrase)) => match when::parse_when(phrase, today) {
            Ok(due) => (before, Some(due)),
            // "Prepare due diligence": `due` is part of the title.
            Err(_) if !looks_like_a_date(phrase) => (body.as_str(), None),
            Err(error) => {
                return Err(UsageError::new(format!(
                    "{error} To keep the word `due` in the title, put a due date after it, like `… due friday`, or use `/plan add` alone to fill in a form."
                )));
            }
        },
        None => match trailing_on_or_by(&body, today) {
            // "Send the deck by friday": the date ends the title.
            Some((before, due)) => (before, Some(due)),
            None => (body.as_str(), None),
        },
    };
    let title = match validate::item_title(&tidy_title(title)) {
        Ok(title) => title,
        Err(TitleProblem::Empty) => {
            return Err(UsageError::new(format!("Say what needs doing after the colon: {EXAMPLE}")));
        }
        Err(TitleProblem::TooLong { length }) => {
            return Err(UsageError::new(format!(
                "That title is {length} characters long; keep it to {LONGEST_TITLE} or fewer and put the details in the plan itself."
            )));
        }
    };
    Ok(NewItem {
        account: account.to_string(),
        title,
        owner,
        due,
    })
}

/// The first colon that is not inside `<…>`, where Slack puts links such as
/// `<https://…>` whose own colons must not split account from title.
fn first_colon_outside_brackets(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (index, character) in text.char_indices() {
        match character {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return Some(index),
            _ => {}
        }
    }
    None
}

/// A title ending in `on <date>` or `by <date>` (`Send the deck by friday`,
/// `Call on Dec 15`): the title before it and the date. Only a phrase that
/// reads as a date counts; `Sign off on pricing` stays a title.
fn trailing_on_or_by(body: &str, today: NaiveDate) -> Option<(&str, NaiveDate)> {
    let words: Vec<(usize, &str)> = body
        .split_whitespace()
        .map(|word| (word.as_ptr() as usize - body.as_ptr() as usize, word))
        .collect();
    // The date phrase is at most four words (`by end of month`, `on Dec 15, 2026`).
    let first_candidate = words.len().saturating_sub(5);
    words[first_candidate..]
        .iter()
        .filter(|(start, word)| *start > 0 && (word.eq_ignore_ascii_case("on") || word.eq_ignore_ascii_case("by")))
        .find_map(|(start, _)| {
            let due = when::parse_when(&body[*start..], today).ok()?;
            Some((&body[..*start], due))
        })
}

/// Whether a phrase that did not parse as a date was still meant as one: it
/// starts with a digit, or its first word (after a leading `the`: `the 32nd
/// of never`) is a date word or a near miss of one (`fridya`, `tomorow`).
/// Anything else after `due` is title text (`Prepare due diligence`).
fn looks_like_a_date(phrase: &str) -> bool {
    const DATE_WORDS: &[&str] = &[
        "today", "tomorrow", "tonight", "yesterday", "next", "this", "in", "end", "eod", "eow",
        "eom", "eoq", "eoy", "on", "by", "until", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri",
        "sat", "sun", "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "week", "month", "quarter", "year", "never",
        "asap", "soon", "later", "tbd",
    ];
    let mut words = phrase.split_whitespace().peekable();
    if words.peek().is_some_and(|word| word.eq_ignore_ascii_case("the")) {
        words.next();
    }
    let Some(first) = words.next() else {
        return true;
    };
    let word = first.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    let allowed_typos = if word.chars().count() >= 5 { 2 } else { 0 };
    DATE_WORDS.iter().any(|date_word| typo::edits(&word, date_word) <= allowed_typos)
}

/// The last whole word `due` and the phrase after it, if any.
fn last_due_clause(body: &str) -> Option<(&str, &str)> {
    let mut words = Vec::new();
    let mut search_from = 0;
    while let Some(offset) = body[search_from..].find(|c: char| !c.is_whitespace()) {
        let start = search_from + offset;
        let end = body[start..]
            .find(char::is_whitespace)
            .map_or(body.len(), |length| start + length);
        words.push((start, end));
        search_from = end;
    }
    words
        .iter()
        .rev()
        .find(|(start, end)| body[*start..*end].eq_ignore_ascii_case("due"))
        .map(|(start, end)| (&body[..*start], &body[*end..]))
}

/// A word that starts with `@` and a letter: a name Slack didn't turn into
/// a mention because it wasn't picked from the autocomplete list.
fn plain_at_name(text: &str) -> Option<&str> {
    text.split_whitespace().find(|word| {
        word.strip_prefix('@')
            .and_then(|name| name.chars().next())
            .is_some_and(char::is_alphanumeric)
    })
}

/// Collapses runs of whitespace (left behind by removed mentions) and drops
/// separators dangling before a removed `due` clause.
fn tidy_title(title: &str) -> String {
    let collapsed = title.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_end_matches([',', ';', '-', '–', '—', ' '])
        .to_string()
}

fn parse_done(rest: &str) -> Result<PlanCommand, UsageError> {
    const EXAMPLE: &str = "`/plan done 142`";
    let mut words = rest.split_whitespace();
    let Some(first) = words.next() else {
        return Err(UsageError::new(format!(
            "Which action item? Give its number: {EXAMPLE} (the number is shown next to each item)."
        )));
    };
    let item = item_number(first, EXAMPLE)?;
    if words.next().is_some() {
        return Err(UsageError::new(format!(
            "`/plan done` takes one item number, like {EXAMPLE}. To finish several items, send it once for each."
        )));
    }
    Ok(PlanCommand::Done { item })
}

fn parse_snooze(rest: &str, today: NaiveDate) -> Result<PlanCommand, UsageError> {
    const EXAMPLE: &str = "`/plan snooze 142 next week`";
    let (first, phrase) = match rest.split_once(char::is_whitespace) {
        Some((first, phrase)) => (first, phrase.trim()),
        None => (rest, ""),
    };
    if first.is_empty() {
        return Err(UsageError::new(format!(
            "Which action item, and until when? {EXAMPLE}"
        )));
    }
    let item = item_number(first, EXAMPLE)?;
    let phrase = strip_leading_word(phrase, &["until", "till", "til", "to"]);
    if phrase.is_empty() {
        return Err(UsageError::new(format!(
            "Until when? Add a date after the item number: {EXAMPLE}. Dates can be {}.",
            when::WHEN_FORMS
        )));
    }
    let until =
        when::parse_when(phrase, today).map_err(|error| UsageError::new(error.to_string()))?;
    if until < today {
        return Err(UsageError::new(format!(
            "{} is in the past, so there's nothing to snooze until. Pick a later date: {EXAMPLE}",
            capitalized(&when::describe_due(until, today))
        )));
    }
    Ok(PlanCommand::Snooze { item, until })
}

fn parse_due(rest: &str, today: NaiveDate) -> Result<PlanCommand, UsageError> {
    const EXAMPLE: &str = "`/plan due 142 friday`";
    let (first, phrase) = match rest.split_once(char::is_whitespace) {
        Some((first, phrase)) => (first, phrase.trim()),
        None => (rest, ""),
    };
    if first.is_empty() {
        return Err(UsageError::new(format!(
            "Which action item, and when is it due? {EXAMPLE}"
        )));
    }
    let item = item_number(first, EXAMPLE)?;
    if phrase.is_empty() {
        return Err(UsageError::new(format!(
            "When is it due? Add a date after the item number: {EXAMPLE}. Dates can be {}.",
            when::WHEN_FORMS
        )));
    }
    let due = when::parse_when(phrase, today).map_err(|error| UsageError::new(error.to_string()))?;
    if validate::due_is_past(due, today) {
        return Err(UsageError::new(format!(
            "{} is in the past, so I left the due date as it was. Pick today or a later day: {EXAMPLE}",
            capitalized(&when::describe_due(due, today))
        )));
    }
    Ok(PlanCommand::Due { item, due })
}

fn parse_reassign(rest: &str) -> Result<PlanCommand, UsageError> {
    const EXAMPLE: &str = "`/plan reassign 142 @jane`";
    let (first, others) = match rest.split_once(char::is_whitespace) {
        Some((first, others)) => (first, others.trim()),
        None => (rest, ""),
    };
    if first.is_empty() {
        return Err(UsageError::new(format!(
            "Which action item, and who should have it? {EXAMPLE}"
        )));
    }
    let item = item_number(first, EXAMPLE)?;
    let (leftover, mentioned) = strip_mentions(others);
    if let Some(plain) = plain_at_name(&leftover) {
        return Err(UsageError::new(format!(
            "`{}` reached me as plain text, so I can't tell who that is. Type `@` and pick the person from Slack's list so it becomes a real mention: {EXAMPLE}",
            plain.replace('`', "'")
        )));
    }
    match (mentioned.as_slice(), leftover.as_str()) {
        ([owner], "" | "to") => Ok(PlanCommand::Reassign {
            item,
            owner: owner.clone(),
        }),
        ([], _) => Err(UsageError::new(format!(
            "Who should have it? Mention them after the item number: {EXAMPLE}"
        ))),
        ([_], extra) => Err(UsageError::new(format!(
            "I didn't expect `{}` there. Write the item number and one person: {EXAMPLE}",
            extra.replace('`', "'")
        ))),
        (many, _) => Err(UsageError::new(format!(
            "An action item has one owner, but I found {} people mentioned. Keep one: {EXAMPLE}",
            many.len()
        ))),
    }
}

fn parse_actions(rest: &str) -> Result<PlanCommand, UsageError> {
    let scope = match rest.to_lowercase().as_str() {
        "" | "mine" | "me" | "my" => ActionsScope::Mine,
        "overdue" => ActionsScope::Overdue,
        _ => match overdue_of(rest) {
            Some(name) => ActionsScope::AccountOverdue(account_named(name, "actions")?),
            None => ActionsScope::Account(account_named(rest, "actions")?),
        },
    };
    Ok(PlanCommand::Actions(scope))
}

/// The account name of `Acme overdue` (the word in any case), if that is what was typed.
fn overdue_of(rest: &str) -> Option<&str> {
    const SUFFIX: &str = " overdue";
    let cut = rest.len().checked_sub(SUFFIX.len())?;
    let name = rest.get(..cut)?.trim_end();
    (rest.get(cut..)?.eq_ignore_ascii_case(SUFFIX) && !name.trim().is_empty()).then_some(name)
}

/// `142` or `#142`, a positive number.
fn item_number(word: &str, example: &str) -> Result<i64, UsageError> {
    let digits = word.strip_prefix('#').unwrap_or(word);
    let number = if digits.chars().all(|c| c.is_ascii_digit()) {
        digits.parse::<i64>().ok().filter(|number| *number > 0)
    } else {
        None
    };
    number.ok_or_else(|| {
        UsageError::new(format!(
            "`{}` isn't an action item number. Put the number first, like {example} (or `#142`).",
            word.replace('`', "'")
        ))
    })
}

/// `qbr Acme`, `qbr Acme held`, `qbr Acme held 2026-11-30` (also
/// `yesterday`, `Nov 30`, `11/30`: the last such day, never a future one).
fn parse_qbr(rest: &str, today: NaiveDate) -> Result<PlanCommand, UsageError> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let Some(at) = words.iter().rposition(|w| w.eq_ignore_ascii_case("held")) else {
        return Ok(PlanCommand::Qbr { account: required_account(rest, "qbr")?, held: None });
    };
    let account = words[..at].join(" ");
    let day = words[at + 1..].join(" ");
    let held = if day.is_empty() || day.eq_ignore_ascii_case("today") {
        Held::Today
    } else {
        match past_day(&day, today) {
            Some(date) if date > today => {
                return Err(UsageError::new(format!(
                    "{} hasn't come yet: record a QBR once it is held, like `/plan qbr {} held` (today) or `/plan qbr {} held {}`.",
                    date.format("%b %-d, %Y"),
                    if account.is_empty() { "Acme" } else { &account },
                    if account.is_empty() { "Acme" } else { &account },
                    today.format("%Y-%m-%d")
                )));
            }
            Some(date) => Held::On(date),
            None => {
                return Err(UsageError::new(format!(
                    "I can't read “{day}” as the day the QBR was held. Write it like `/plan qbr Acme held 2026-11-30`, `held yesterday` or `held Nov 30`, or `held` alone for today."
                )));
            }
        }
    };
    Ok(PlanCommand::Qbr { account: required_account(&account, "qbr")?, held: Some(held) })
}

/// A day in the past as people write it: an ISO date, `yesterday`, or a
/// month and day (`Nov 30`, `11/30`) meaning the last one on or before `today`.
fn past_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let text = text.trim().trim_end_matches('.');
    if text.eq_ignore_ascii_case("yesterday") {
        return today.pred_opt();
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    use chrono::Datelike;
    let this_year = |format: &str| NaiveDate::parse_from_str(&format!("{text} {}", today.year()), format).ok();
    let date = this_year("%b %d %Y").or_else(|| this_year("%B %d %Y")).or_else(|| this_year("%m/%d %Y"))?;
    if date > today { date.with_year(today.year() - 1) } else { Some(date) }
}

/// `Acme gtm` → (`Acme`, go-to-market); the part may be one or two words
/// (`customer profile`), or absent.
fn split_part(rest: &str) -> (String, Option<SectionGroup>) {
    let words: Vec<&str> = rest.split_whitespace().collect();
    for take in [2usize, 1] {
        if words.len() > take
            && let Some(part) = SectionGroup::parse(&words[words.len() - take..].join(" "))
        {
            return (words[..words.len() - take].join(" "), Some(part));
        }
    }
    (rest.trim().to_string(), None)
}

fn required_account(rest: &str, subcommand: &str) -> Result<String, UsageError> {
    if rest.is_empty() {
        return Err(UsageError::new(format!(
            "Which account? Name it after the command: `/plan {subcommand} Acme`."
        )));
    }
    account_named(rest, subcommand)
}

/// An account name as typed. A channel in its place is refused: these
/// commands act on the channel they are typed in, and the channel → account
/// link is looked up elsewhere.
fn account_named(rest: &str, subcommand: &str) -> Result<String, UsageError> {
    if let Some(channel) = channel_mention(rest) {
        let message = match subcommand {
            "link" => format!(
                "`/plan link` connects the channel you type it in, so name the account rather than a channel: run `/plan link Acme` inside {channel}."
            ),
            "summary" | "actions" => format!(
                "Name the account rather than a channel, like `/plan {subcommand} Acme`. To use a channel's account, run `/plan {subcommand}` inside {channel} with no name."
            ),
            _ => format!(
                "`/plan {subcommand}` takes an account name, not a channel. Name the account, like `/plan {subcommand} Acme`; commands that work on a channel act on the one you type them in, such as {channel}."
            ),
        };
        return Err(UsageError::new(message));
    }
    Ok(rest.trim().to_string())
}

/// If the text is a channel mention (`<#C123|general>` or `<#C123>`), how to
/// show it back to the user.
fn channel_mention(text: &str) -> Option<String> {
    let inner = text.trim().strip_prefix("<#")?.strip_suffix('>')?;
    Some(match inner.split_once('|') {
        Some((_id, name)) if !name.is_empty() => format!("#{name}"),
        _ => format!("<#{inner}>"),
    })
}

/// `text` without its first word when that word is one of `words`.
fn strip_leading_word<'a>(text: &'a str, words: &[&str]) -> &'a str {
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if words.iter().any(|word| first.eq_ignore_ascii_case(word)) {
        rest.trim()
    } else {
        text
    }
}

fn capitalized(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

fn unknown_subcommand(as_typed: &str, lowercase: &str, whole_text: &str) -> UsageError {
    let shown = as_typed.replace('`', "'");
    let whole_text = whole_text.replace('`', "'");
    let hint = if let Some(meant) = SUBCOMMAND_WORDS
        .iter()
        .find(|word| typo::one_typo_from(lowercase, word))
    {
        format!("Did you mean `/plan {meant}`?")
    } else if first_colon_outside_brackets(&whole_text).is_some() {
        format!("To add an action item, start with `add`: `/plan add {whole_text}`")
    } else {
        format!("To see an account's plan, try `/plan summary {whole_text}`.")
    };
    UsageError::new(format!("I don't know `/plan {shown}`. {hint}\n\n{USAGE}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Wednesday.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 17).expect("valid date")
    }

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
    }

    fn parse(text: &str) -> Result<PlanCommand, UsageError> {
        parse_plan_command(text, today())
    }

    fn added(text: &str) -> NewItem {
        match parse(text) {
            Ok(PlanCommand::Add(Some(item))) => item,
            other => panic!("{text:?} should add an item, got {other:?}"),
        }
    }

    fn refusal(text: &str) -> String {
        match parse(text) {
            Err(error) => error.message().to_string(),
            Ok(command) => panic!("{text:?} should be refused, got {command:?}"),
        }
    }

    fn item(account: &str, title: &str, owner: Option<&str>, due: Option<NaiveDate>) -> NewItem {
        NewItem {
            account: account.to_string(),
            title: title.to_string(),
            owner: owner.map(str::to_string),
            due,
        }
    }

    #[test]
    fn help_is_shown_for_help_a_question_mark_or_nothing() {
        for text in ["", "   ", "help", "HELP", "?", "help me please"] {
            assert_eq!(parse(text), Ok(PlanCommand::Help), "{text:?}");
        }
    }

    #[test]
    fn summary_and_its_aliases_take_an_optional_account() {
        let rows = [
            ("summary", None),
            ("summary Acme Corp", Some("Acme Corp")),
            ("summarize acme", Some("acme")),
            ("summarise acme", Some("acme")),
            ("sum  Acme ", Some("Acme")),
            ("SHOW Acme", Some("Acme")),
        ];
        for (text, account) in rows {
            assert_eq!(
                parse(text),
                Ok(PlanCommand::Summary {
                    account: account.map(str::to_string)
                }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn add_alone_opens_the_form() {
        assert_eq!(parse("add"), Ok(PlanCommand::Add(None)));
        assert_eq!(parse("  Add  "), Ok(PlanCommand::Add(None)));
    }

    #[test]
    fn add_reads_account_title_owner_and_due_date() {
        let friday = Some(day(2026, 6, 19));
        let rows = [
            (
                "add Acme: Run a security workshop <@U123> due friday",
                item("Acme", "Run a security workshop", Some("U123"), friday),
            ),
            (
                "add Acme: Run a security workshop <@U123|jane> due friday",
                item("Acme", "Run a security workshop", Some("U123"), friday),
            ),
            (
                "add Acme: Run a security workshop due friday <@U123>",
                item("Acme", "Run a security workshop", Some("U123"), friday),
            ),
            (
                "add Acme: Run a security workshop due friday <@U123|jane>",
                item("Acme", "Run a security workshop", Some("U123"), friday),
            ),
            (
                "add Acme Corp:Send the deck",
                item("Acme Corp", "Send the deck", None, None),
            ),
            (
                "add Acme: Send the deck due in 2 weeks",
                item("Acme", "Send the deck", None, Some(day(2026, 7, 1))),
            ),
            (
                "add Acme: <@W42> to send the deck",
                item("Acme", "to send the deck", Some("W42"), None),
            ),
            (
                "add Acme: Ask <@U1|bob> about pricing",
                item("Acme", "Ask about pricing", Some("U1"), None),
            ),
            (
                "ADD acme:  Renewal call DUE Dec 15, 2026.",
                item("acme", "Renewal call", None, Some(day(2026, 12, 15))),
            ),
        ];
        for (text, expected) in rows {
            assert_eq!(added(text), expected, "{text:?}");
        }
    }

    #[test]
    fn only_the_last_due_is_the_due_date() {
        assert_eq!(
            added("add Acme: Chase the overdue invoice that is due soon due tomorrow"),
            item(
                "Acme",
                "Chase the overdue invoice that is due soon",
                None,
                Some(day(2026, 6, 18))
            )
        );
    }

    #[test]
    fn the_account_ends_at_the_first_colon_outside_links() {
        assert_eq!(
            added("add Acme: Agenda: intro, demo, Q&amp;A at 10:30"),
            item("Acme", "Agenda: intro, demo, Q&amp;A at 10:30", None, None)
        );
        assert_eq!(
            added("add Acme: Review <https://example.com/deck|the deck>"),
            item(
                "Acme",
                "Review <https://example.com/deck|the deck>",
                None,
                None
            )
        );
        let message = refusal("add Acme review <https://example.com|deck>");
        assert!(
            message.starts_with("Put a colon after the account name"),
            "{message}"
        );
    }

    #[test]
    fn dangling_separators_before_the_due_clause_are_dropped() {
        assert_eq!(added("add Acme: Send deck, due friday").title, "Send deck");
        assert_eq!(
            added("add Acme: Send deck - <@U1> - due fri").title,
            "Send deck"
        );
    }

    #[test]
    fn add_without_a_colon_shows_where_it_goes() {
        assert_eq!(
            refusal("add Acme Run a security workshop"),
            "Put a colon after the account name: `/plan add Acme: Run a security workshop @jane due friday`"
        );
    }

    #[test]
    fn add_refuses_missing_parts_with_an_example() {
        let rows = [
            (
                "add : Send the deck",
                "Put the account name before the colon",
            ),
            ("add Acme:", "Say what needs doing after the colon"),
            (
                "add Acme:   <@U1>  due friday",
                "Say what needs doing after the colon",
            ),
            (
                "add <#C1|acme>: Send the deck",
                "rather than a channel (#acme)",
            ),
        ];
        for (text, start) in rows {
            let message = refusal(text);
            assert!(message.contains(start), "{text:?}: {message}");
            assert!(message.contains("`/plan add Acme: "), "{text:?}: {message}");
        }
    }

    #[test]
    fn a_due_phrase_that_is_not_a_date_is_refused_not_kept_in_the_title() {
        let message = refusal("add Acme: Send the deck due fridya");
        assert!(
            message.contains("I couldn't read `fridya` as a date"),
            "{message}"
        );
        assert!(message.contains(when::WHEN_FORMS), "{message}");
        let message = refusal("add Acme: Send the deck due 2/30");
        assert!(
            message.contains("February has at most 29 days"),
            "{message}"
        );
        let message = refusal("add Acme: Send the deck due");
        assert!(message.contains("I need a date"), "{message}");
    }

    #[test]
    fn due_followed_by_something_that_is_not_a_date_is_refused_quoting_it() {
        for (text, quoted) in [
            ("add Acme: Send the deck due the 32nd of never", "`the 32nd of never`"),
            ("add Acme: Send the deck due never", "`never`"),
            ("add Acme: Send the deck due 32nd", "`32nd`"),
            ("add Acme: Send the deck due the fridya", "`the fridya`"),
        ] {
            let message = refusal(text);
            assert!(message.contains(quoted), "{text:?}: {message}");
            assert!(message.contains("as a date"), "{text:?}: {message}");
        }
    }

    #[test]
    fn on_or_by_a_date_at_the_end_of_a_title_sets_the_due_date() {
        let friday = Some(day(2026, 6, 19));
        let rows = [
            ("add Acme: Send the deck by friday", item("Acme", "Send the deck", None, friday)),
            ("add Acme: Send the deck on Friday <@U1>", item("Acme", "Send the deck", Some("U1"), friday)),
            ("add Acme: Renewal call on Dec 15", item("Acme", "Renewal call", None, Some(day(2026, 12, 15)))),
            ("add Acme: Close books by end of month", item("Acme", "Close books", None, Some(day(2026, 6, 30)))),
            ("add Acme: Sign off on pricing", item("Acme", "Sign off on pricing", None, None)),
            ("add Acme: Follow up by phone", item("Acme", "Follow up by phone", None, None)),
            ("add Acme: On boarding plan", item("Acme", "On boarding plan", None, None)),
            ("add Acme: Plan by friday due monday", item("Acme", "Plan by friday", None, Some(day(2026, 6, 22)))),
        ];
        for (text, expected) in rows {
            assert_eq!(added(text), expected, "{text:?}");
        }
    }

    #[test]
    fn due_takes_an_item_number_and_a_date_not_in_the_past() {
        assert_eq!(parse("due 142 friday"), Ok(PlanCommand::Due { item: 142, due: day(2026, 6, 19) }));
        assert_eq!(parse("DUE #7 on Dec 15"), Ok(PlanCommand::Due { item: 7, due: day(2026, 12, 15) }));
        assert_eq!(parse("due 7 today"), Ok(PlanCommand::Due { item: 7, due: today() }));
        for (text, problem) in [
            ("due", "Which action item, and when is it due?"),
            ("due 142", "When is it due?"),
            ("due friday", "`friday` isn't an action item number"),
            ("due 142 someday", "I couldn't read `someday` as a date"),
            ("due 142 2026-01-05", "Jan 5 is in the past"),
        ] {
            let message = refusal(text);
            assert!(message.contains(problem), "{text:?}: {message}");
            assert!(message.contains("/plan due 142") || message.contains(when::WHEN_FORMS), "{text:?}: {message}");
        }
    }

    #[test]
    fn reassign_takes_an_item_number_and_one_mention() {
        let expected = Ok(PlanCommand::Reassign { item: 142, owner: "U1".into() });
        assert_eq!(parse("reassign 142 <@U1>"), expected);
        assert_eq!(parse("reassign #142 to <@U1|jane>"), expected);
        for (text, problem) in [
            ("reassign", "Which action item, and who should have it?"),
            ("reassign 142", "Who should have it?"),
            ("reassign <@U1>", "isn't an action item number"),
            ("reassign 142 @jane", "`@jane` reached me as plain text"),
            ("reassign 142 <@U1> <@U2>", "found 2 people"),
            ("reassign 142 <@U1> tomorrow", "I didn't expect `tomorrow`"),
        ] {
            let message = refusal(text);
            assert!(message.contains(problem), "{text:?}: {message}");
            assert!(message.contains("`/plan reassign 142 @jane`"), "{text:?}: {message}");
        }
    }

    #[test]
    fn undo_takes_nothing_else() {
        assert_eq!(parse("undo"), Ok(PlanCommand::Undo));
        assert_eq!(parse("UNDO "), Ok(PlanCommand::Undo));
        assert!(refusal("undo 142").contains("Send `/plan undo` alone"));
    }

    #[test]
    fn due_followed_by_ordinary_words_stays_in_the_title() {
        assert_eq!(
            added("add Acme: Prepare due diligence checklist"),
            item("Acme", "Prepare due diligence checklist", None, None)
        );
        assert_eq!(
            added("add Acme: Prepare due diligence for 3 subsidiaries").title,
            "Prepare due diligence for 3 subsidiaries"
        );
        assert_eq!(
            added("add Acme: Prepare due diligence pack due friday").title,
            "Prepare due diligence pack"
        );
        let message = refusal("add Acme: Send the deck due tomorow");
        assert!(message.contains("`tomorow`"), "{message}");
    }

    #[test]
    fn two_owners_are_refused_but_one_mentioned_twice_is_fine() {
        let message = refusal("add Acme: Intro <@U1> to <@U2> due friday");
        assert!(message.contains("one owner"), "{message}");
        assert!(message.contains("found 2 people"), "{message}");
        assert_eq!(
            added("add Acme: Call <@U1> <@U1|jane>").owner.as_deref(),
            Some("U1")
        );
    }

    #[test]
    fn a_plain_at_name_asks_for_a_real_slack_mention() {
        let message = refusal("add Acme: Run a workshop @jane due friday");
        assert!(
            message.starts_with("`@jane` reached me as plain text"),
            "{message}"
        );
        assert!(
            message.contains("pick the person from Slack's list"),
            "{message}"
        );
        // An email address is not a mention attempt.
        assert_eq!(
            added("add Acme: Email ops@acme.com").title,
            "Email ops@acme.com"
        );
    }

    #[test]
    fn titles_are_limited_to_two_hundred_characters() {
        let longest = "x".repeat(LONGEST_TITLE);
        assert_eq!(added(&format!("add Acme: {longest}")).title, longest);
        let too_long = "é".repeat(LONGEST_TITLE + 1);
        let message = refusal(&format!("add Acme: {too_long}"));
        assert!(message.contains("201 characters"), "{message}");
        assert!(message.contains("200 or fewer"), "{message}");
    }

    #[test]
    fn done_takes_an_item_number_with_or_without_a_hash() {
        assert_eq!(parse("done 142"), Ok(PlanCommand::Done { item: 142 }));
        assert_eq!(parse("Done #142"), Ok(PlanCommand::Done { item: 142 }));
    }

    #[test]
    fn done_refuses_missing_or_malformed_numbers_with_an_example() {
        let rows = [
            ("done", "Which action item?"),
            ("done abc", "`abc` isn't an action item number"),
            ("done #", "`#` isn't an action item number"),
            ("done 0", "`0` isn't an action item number"),
            ("done -4", "`-4` isn't an action item number"),
            ("done 99999999999999999999", "isn't an action item number"),
            ("done 142 143", "takes one item number"),
        ];
        for (text, problem) in rows {
            let message = refusal(text);
            assert!(message.contains(problem), "{text:?}: {message}");
            assert!(message.contains("`/plan done 142`"), "{text:?}: {message}");
        }
    }

    #[test]
    fn snooze_takes_an_item_number_and_a_date() {
        let rows = [
            ("snooze #142 next week", 142, day(2026, 6, 24)),
            ("snooze 142 friday", 142, day(2026, 6, 19)),
            ("snooze 7 until Dec 15", 7, day(2026, 12, 15)),
            ("SNOOZE #7 to tomorrow", 7, day(2026, 6, 18)),
            ("snooze 7 today", 7, today()),
        ];
        for (text, item, until) in rows {
            assert_eq!(
                parse(text),
                Ok(PlanCommand::Snooze { item, until }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn snooze_refusals_explain_the_item_number_and_the_date_forms() {
        let rows = [
            ("snooze", "Which action item, and until when?"),
            ("snooze #142", "Until when?"),
            ("snooze 142 until", "Until when?"),
            ("snooze next week", "`next` isn't an action item number"),
            ("snooze 142 someday", "I couldn't read `someday` as a date"),
            ("snooze 142 2026-01-05", "Jan 5 is in the past"),
            ("snooze 142 6/16/2026", "Yesterday is in the past"),
        ];
        for (text, problem) in rows {
            let message = refusal(text);
            assert!(message.contains(problem), "{text:?}: {message}");
        }
        assert!(refusal("snooze 142").contains(when::WHEN_FORMS));
        assert!(refusal("snooze 142 someday").contains(when::WHEN_FORMS));
    }

    #[test]
    fn actions_default_to_mine_and_accept_overdue_or_an_account() {
        let rows = [
            ("actions", ActionsScope::Mine),
            ("actions mine", ActionsScope::Mine),
            ("actions MINE", ActionsScope::Mine),
            ("actions overdue", ActionsScope::Overdue),
            ("actions Acme", ActionsScope::Account("Acme".to_string())),
            (
                "actions Mine Corp",
                ActionsScope::Account("Mine Corp".to_string()),
            ),
            ("actions Acme overdue", ActionsScope::AccountOverdue("Acme".to_string())),
            ("actions Acme Corp OVERDUE", ActionsScope::AccountOverdue("Acme Corp".to_string())),
        ];
        for (text, scope) in rows {
            assert_eq!(parse(text), Ok(PlanCommand::Actions(scope)), "{text:?}");
        }
    }

    #[test]
    fn link_follow_and_unfollow_take_an_account_as_typed() {
        assert_eq!(
            parse("link Acme Corp"),
            Ok(PlanCommand::Link {
                account: "Acme Corp".to_string()
            })
        );
        assert_eq!(
            parse("FOLLOW acme"),
            Ok(PlanCommand::Follow {
                account: "acme".to_string()
            })
        );
        assert_eq!(
            parse("unfollow  Acme  "),
            Ok(PlanCommand::Unfollow {
                account: "Acme".to_string()
            })
        );
    }

    #[test]
    fn link_follow_and_unfollow_without_an_account_show_an_example() {
        for subcommand in ["link", "follow", "unfollow"] {
            let message = refusal(subcommand);
            assert!(message.starts_with("Which account?"), "{message}");
            assert!(
                message.contains(&format!("`/plan {subcommand} Acme`")),
                "{message}"
            );
        }
    }

    #[test]
    fn a_channel_in_place_of_an_account_explains_commands_act_on_the_current_channel() {
        let message = refusal("link <#C024BE7LH|general>");
        assert!(
            message.contains("connects the channel you type it in"),
            "{message}"
        );
        assert!(message.contains("inside #general"), "{message}");
        let message = refusal("follow <#C024BE7LH>");
        assert!(
            message.contains("takes an account name, not a channel"),
            "{message}"
        );
        assert!(message.contains("<#C024BE7LH>"), "{message}");
        let message = refusal("unfollow <#C1|acme>");
        assert!(message.contains("`/plan unfollow Acme`"), "{message}");
        let message = refusal("summary <#C1|acme>");
        assert!(
            message.contains("run `/plan summary` inside #acme"),
            "{message}"
        );
        let message = refusal("actions <#C1|acme>");
        assert!(
            message.contains("run `/plan actions` inside #acme"),
            "{message}"
        );
    }

    #[test]
    fn settings_needs_nothing_else() {
        assert_eq!(parse("settings"), Ok(PlanCommand::Settings));
        assert_eq!(parse("Settings"), Ok(PlanCommand::Settings));
    }

    #[test]
    fn near_miss_subcommands_suggest_the_right_one_without_running_it() {
        let rows = [
            ("ad Acme: Send deck", "add"),
            ("snoze 142 friday", "snooze"),
            ("acions", "actions"),
            ("action", "actions"),
            ("dnoe 142", "done"),
            ("hlep", "help"),
            ("folow Acme", "follow"),
            ("Lnik Acme", "link"),
            ("setings", "settings"),
            ("summry", "summary"),
        ];
        for (text, meant) in rows {
            let message = refusal(text);
            assert!(
                message.contains(&format!("Did you mean `/plan {meant}`?")),
                "{text:?}: {message}"
            );
            assert!(message.ends_with(USAGE), "{text:?}: {message}");
        }
    }

    #[test]
    fn plan_writing_commands_name_their_account_and_part() {
        let parse = |text: &str| parse_plan_command(text, today());
        assert_eq!(parse("new Initech"), Ok(PlanCommand::New { account: "Initech".into() }));
        assert_eq!(parse("edit Acme Corp gtm"), Ok(PlanCommand::Edit { account: "Acme Corp".into(), part: Some(SectionGroup::GoToMarket) }));
        assert_eq!(
            parse("edit Acme customer profile"),
            Ok(PlanCommand::Edit { account: "Acme".into(), part: Some(SectionGroup::CustomerProfile) })
        );
        assert_eq!(parse("edit Acme"), Ok(PlanCommand::Edit { account: "Acme".into(), part: None }));
        assert_eq!(
            parse("activate Acme: Acme — Expand FY27"),
            Ok(PlanCommand::Activate { account: "Acme".into(), plan: Some("Acme — Expand FY27".into()) })
        );
        assert_eq!(parse("close Acme"), Ok(PlanCommand::Close { account: "Acme".into() }));
        assert_eq!(parse("people Acme"), Ok(PlanCommand::People { account: "Acme".into() }));
        assert_eq!(parse("whitespace Acme"), Ok(PlanCommand::Whitespace { account: "Acme".into() }));
        assert_eq!(parse("share Acme"), Ok(PlanCommand::Share { account: "Acme".into() }));
        assert!(parse("new").unwrap_err().message().contains("`/plan new Acme`"));
        assert!(parse("neww Acme").unwrap_err().message().contains("Did you mean `/plan new`?"));
    }

    #[test]
    fn qbr_is_prepped_or_recorded_as_held_on_a_past_day() {
        let parse = |text: &str| parse_plan_command(text, today());
        assert_eq!(parse("qbr Acme Corp"), Ok(PlanCommand::Qbr { account: "Acme Corp".into(), held: None }));
        assert_eq!(parse("qbr Acme held"), Ok(PlanCommand::Qbr { account: "Acme".into(), held: Some(Held::Today) }));
        assert_eq!(
            parse("qbr Acme held 2026-06-01"),
            Ok(PlanCommand::Qbr { account: "Acme".into(), held: Some(Held::On(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())) })
        );
        assert_eq!(
            parse("qbr Acme held yesterday"),
            Ok(PlanCommand::Qbr { account: "Acme".into(), held: Some(Held::On(NaiveDate::from_ymd_opt(2026, 6, 16).unwrap())) })
        );
        // A month and day later in the year is last year's.
        assert_eq!(
            parse("qbr Acme held Dec 3"),
            Ok(PlanCommand::Qbr { account: "Acme".into(), held: Some(Held::On(NaiveDate::from_ymd_opt(2025, 12, 3).unwrap())) })
        );
        assert!(parse("qbr Acme held 2027-01-01").unwrap_err().message().contains("hasn't come yet"));
        assert!(parse("qbr Acme held whenever").unwrap_err().message().contains("can't read “whenever”"));
        assert!(parse("qbr").unwrap_err().message().contains("`/plan qbr Acme`"));
        assert_eq!(parse("review Acme"), Ok(PlanCommand::Review { account: "Acme".into() }));
        assert_eq!(parse("coverage"), Ok(PlanCommand::Coverage));
    }

    #[test]
    fn unknown_subcommands_are_named_and_the_usage_shown() {
        let message = refusal("frobnicate everything");
        assert!(
            message.starts_with("I don't know `/plan frobnicate`."),
            "{message}"
        );
        assert!(message.ends_with(USAGE), "{message}");
        assert!(!message.contains("Did you mean"), "{message}");
    }

    #[test]
    fn unknown_subcommands_hint_at_add_or_summary_from_their_shape() {
        let message = refusal("Acme: Send the deck");
        assert!(
            message.contains("`/plan add Acme: Send the deck`"),
            "{message}"
        );
        let message = refusal("Globex");
        assert!(message.contains("`/plan summary Globex`"), "{message}");
    }

    #[test]
    fn usage_has_an_example_line_for_every_subcommand_and_no_angle_brackets() {
        for subcommand in [
            "summary", "add", "done", "snooze", "due", "reassign", "undo", "actions", "link",
            "follow", "unfollow", "settings", "help",
        ] {
            assert!(
                USAGE.contains(&format!("• `/plan {subcommand}")),
                "usage lacks {subcommand}"
            );
        }
        assert!(!USAGE.contains('<') && !USAGE.contains('>'));
    }

    #[test]
    fn strip_mentions_returns_the_text_and_each_user_once() {
        let rows: [(&str, &str, &[&str]); 6] = [
            ("<@UBOT> summarize acme", "summarize acme", &["UBOT"]),
            (
                "<@UBOT|planbot> summarize acme",
                "summarize acme",
                &["UBOT"],
            ),
            ("ask <@U1> and <@U2|bo b> now", "ask and now", &["U1", "U2"]),
            ("<@U1> <@U1>", "", &["U1"]),
            ("no mentions here", "no mentions here", &[]),
            ("line one <@U1>\nline two", "line one \nline two", &["U1"]),
        ];
        for (text, remaining, users) in rows {
            let (got_text, got_users) = strip_mentions(text);
            assert_eq!(got_text, remaining, "{text:?}");
            assert_eq!(got_users, users, "{text:?}");
        }
    }

    #[test]
    fn strip_mentions_leaves_channels_links_and_broken_mentions_alone() {
        let text = "see <#C1|general>, <https://x.io|x>, <!here>, <@> and <@u1";
        assert_eq!(strip_mentions(text), (text.to_string(), Vec::new()));
    }

    #[test]
    fn within_one_edit_counts_one_change_of_each_kind() {
        let rows = [
            ("ad", "add", true),
            ("addd", "add", true),
            ("adf", "add", true),
            ("dnoe", "done", true),
            ("add", "add", false),
            ("a", "add", false),
            ("snzoe", "snooze", false),
            ("xyz", "add", false),
        ];
        for (typed, word, expected) in rows {
            assert_eq!(typo::one_typo_from(typed, word), expected, "{typed} → {word}");
        }
    }

    #[test]
    fn usage_error_is_a_standard_error_showing_its_message() {
        let error = parse("done").expect_err("done needs a number");
        let boxed: Box<dyn std::error::Error> = Box::new(error.clone());
        assert_eq!(boxed.to_string(), error.message());
    }
}
