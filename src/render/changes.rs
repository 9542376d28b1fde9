//! "What changed at an account": the audit history, sponsor moves and news
//! of a period as sentences a person reads, grouped, newest first.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::SlackBlock;

use crate::domain::diff::describe_edit;
use crate::domain::text::brief;
use crate::domain::plan::section_by_key;
use crate::render::blocks::{context, escape, fit_message, header, line_sections, section};
use crate::store::changes::{Change, NewsItem, SponsorChangeBrief};

pub mod action_ids {
    /// The summary's *What changed* button (the last 7 days); its value is
    /// the account id. Answered by `App::what_changed_by_id`.
    pub const WHAT_CHANGED: &str = "account.what_changed";
}

/// The longest quote of an edited text, and the longest description of one edit.
const QUOTE_CHARS: usize = 90;
const EDIT_CHARS: usize = 400;
/// Lines shown per group.
const GROUP_LINES: usize = 25;

/// The kinds of change, in the order a group is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Plan,
    Items,
    People,
    Whitespace,
    Account,
    News,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::Plan => ":memo: *Plan*",
            Group::Items => ":ballot_box_with_check: *Action items*",
            Group::People => ":busts_in_silhouette: *People*",
            Group::Whitespace => ":jigsaw: *Whitespace*",
            Group::Account => ":office: *Account*",
            Group::News => ":newspaper: *News*",
        }
    }
}

/// One sentence, and when it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub group: Group,
    pub at: DateTime<Utc>,
    pub text: String,
}

fn who(change: &Change) -> String {
    match &change.actor_name {
        Some(name) => escape(name),
        None => match change.actor_source.as_str() {
            "import" => "An import".into(),
            "api" => "The API".into(),
            "demo" => "The demo".into(),
            _ => "planbot".into(),
        },
    }
}

fn quoted(value: Option<&str>) -> String {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => format!("“{}”", escape(&brief(v, QUOTE_CHARS))),
        None => "nothing".into(),
    }
}

fn date_value(value: Option<&str>) -> String {
    match value.and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()) {
        Some(date) => date.format("%b %-d, %Y").to_string(),
        None => quoted(value),
    }
}

fn words(field: &str) -> String {
    field.replace("_id", "").replace('_', " ")
}

/// The sentences for a period's changes, newest first. Several edits of one
/// plan section read as one, from its first old text to its last new one.
pub fn change_lines(changes: &[Change], moves: &[SponsorChangeBrief]) -> Vec<Line> {
    // Changes arrive newest first: the first edit of a section seen is its
    // newest, the last its oldest.
    let mut section_edits: HashMap<(i64, &str), (usize, usize, Vec<String>)> = HashMap::new();
    for (index, change) in changes.iter().enumerate() {
        if change.entity == "plan" && change.action == "update"
            && let Some(field) = change.field.as_deref()
            && section_by_key(field).is_some()
        {
            let entry = section_edits.entry((change.entity_id, field)).or_insert((index, index, Vec::new()));
            entry.1 = index;
            let name = who(change);
            if !entry.2.contains(&name) {
                entry.2.push(name);
            }
        }
    }
    let moved = |name: &str| moves.iter().any(|m| m.contact_name.eq_ignore_ascii_case(name));

    let mut lines = Vec::new();
    for (index, change) in changes.iter().enumerate() {
        let by = who(change);
        let subject = change.subject.as_deref().or(change.new_value.as_deref()).or(change.old_value.as_deref()).unwrap_or("");
        let subject = escape(&brief(subject, 120));
        let field = change.field.as_deref().unwrap_or("");
        let new = change.new_value.as_deref();
        let old = change.old_value.as_deref();
        let (group, text) = match (change.entity.as_str(), change.action.as_str()) {
            ("plan", "insert") => (Group::Plan, format!("{by} created the plan *{subject}*")),
            ("plan", "delete") => (Group::Plan, format!("{by} deleted the plan *{}*", quoted(old))),
            ("plan", _) => {
                if let Some(section) = section_by_key(field) {
                    let Some((newest, oldest, people)) = section_edits.get(&(change.entity_id, field)) else { continue };
                    if *newest != index {
                        continue;
                    }
                    let first_old = changes[*oldest].old_value.as_deref().unwrap_or("");
                    let Some(edit) = describe_edit(first_old, new.unwrap_or(""), QUOTE_CHARS, EDIT_CHARS) else { continue };
                    let edits = oldest - newest;
                    let times = if edits > 0 { format!(" ({} edits)", count_edits(changes, change.entity_id, field)) } else { String::new() };
                    (Group::Plan, format!("{} changed *{}*: {}{times}", people.join(" and "), section.label, escape(&edit)))
                } else {
                    match field {
                        "status" => (Group::Plan, format!("{by} set the plan *{subject}* to {}", new.unwrap_or("?"))),
                        "due_date" => (Group::Plan, format!("{by} moved the plan's due date to {}", date_value(new))),
                        "name" => (Group::Plan, format!("{by} renamed the plan to *{}*", escape(new.unwrap_or("")))),
                        "type" => (Group::Plan, format!("{by} made the plan *{subject}* a {} plan", new.unwrap_or("?"))),
                        _ => continue,
                    }
                }
            }
            ("action_item", action) => {
                let id = change.entity_id;
                let title = format!("`#{id}` {subject}");
                let text = match (action, field) {
                    ("insert", _) => format!("{by} added {title}"),
                    ("delete", _) => format!("{by} deleted `#{id}` {}", quoted(old)),
                    (_, "status") => match new {
                        Some("done") => format!("{title} was done by {by}"),
                        Some("cancelled") => format!("{title} was cancelled by {by}"),
                        _ => format!("{by} reopened {title}"),
                    },
                    (_, "owner_id") => format!(
                        "{by} gave {title} to {}",
                        change.new_person.as_deref().map(escape).unwrap_or_else(|| "someone else".into())
                    ),
                    (_, "due_date") => format!("{by} moved {title} to {}", date_value(new)),
                    (_, "title") => format!("{by} renamed `#{id}` from {} to {}", quoted(old), quoted(new)),
                    (_, "snoozed_until") if new.is_some() => format!("{by} snoozed {title}"),
                    _ => continue,
                };
                (Group::Items, text)
            }
            ("contact", action) => {
                let text = match (action, field) {
                    ("insert", _) => format!("{by} added {subject} to the relationship map"),
                    ("delete", _) => format!("{by} removed {} from the relationship map", quoted(old)),
                    // Sponsor tracking writes these; its own sentence says it better.
                    (_, "title" | "company" | "departed_at") if moved(change.subject.as_deref().unwrap_or("")) => continue,
                    (_, "departed_at") if new.is_some() => format!("{subject} left the company"),
                    (_, "departed_at") => format!("{subject} is back at the company"),
                    (_, "company") => format!("{subject} moved to {}", quoted(new)),
                    (_, "title") => format!("{subject} is now {} (was {})", quoted(new), quoted(old)),
                    (_, "relationship_owner_id") => format!(
                        "{by} made {} {subject}'s relationship owner",
                        change.new_person.as_deref().map(escape).unwrap_or_else(|| "nobody".into())
                    ),
                    (_, "reports_to_id" | "created_at" | "updated_at") => continue,
                    (_, other) => format!(
                        "{by} changed {subject}'s {} to {} (was {})",
                        words(other),
                        quoted(new).replace('_', " "),
                        quoted(old).replace('_', " ")
                    ),
                };
                (Group::People, text)
            }
            ("whitespace", "insert") => (Group::Whitespace, format!("{by} added whitespace: {subject}")),
            ("whitespace", "delete") => (Group::Whitespace, format!("{by} removed whitespace {}", quoted(old))),
            ("whitespace", _) => (
                Group::Whitespace,
                format!("{by} changed {subject}'s {}: {} → {}", words(field), quoted(old), quoted(new)),
            ),
            ("account", "update") => match field {
                "renewal_date" => (Group::Account, format!("{by} moved the renewal to {}", date_value(new))),
                "slack_channel" => (Group::Account, format!("{by} linked the account to a channel")),
                other => (Group::Account, format!("{by} changed the {}: {} → {}", words(other), quoted(old), quoted(new))),
            },
            _ => continue,
        };
        lines.push(Line { group, at: change.changed_at, text });
    }
    for m in moves {
        let name = escape(&m.contact_name);
        let text = match m.attribute.as_str() {
            "company" => match m.old_value.as_deref().filter(|v| !v.is_empty()) {
                Some(from) => format!("{name} moved to {} (from {})", escape(m.new_value.as_deref().unwrap_or("?")), escape(from)),
                None => format!("{name} moved to {}", escape(m.new_value.as_deref().unwrap_or("?"))),
            },
            "title" => format!("{name} is now {} (was {})", quoted(m.new_value.as_deref()), quoted(m.old_value.as_deref())),
            _ => format!(
                "{name} moved from {} to {}",
                escape(m.old_value.as_deref().unwrap_or("?")),
                escape(m.new_value.as_deref().unwrap_or("?"))
            ),
        };
        lines.push(Line { group: Group::People, at: m.observed_at, text });
    }
    lines.sort_by_key(|line| std::cmp::Reverse(line.at));
    lines
}

fn count_edits(changes: &[Change], entity_id: i64, field: &str) -> usize {
    changes.iter().filter(|c| c.entity == "plan" && c.entity_id == entity_id && c.field.as_deref() == Some(field)).count()
}

/// The whole answer: a header, the period, each group (the one with the
/// newest change first) with its lines newest first and dated, and the news.
pub fn what_changed(
    account_name: &str,
    period_label: &str,
    note: Option<&str>,
    lines: &[Line],
    news: &[NewsItem],
    news_total: i64,
    tz: Tz,
) -> Vec<SlackBlock> {
    let mut out = vec![header(&format!("What changed at {account_name}"))];
    let mut intro = format!("_{}_", escape(period_label));
    if let Some(note) = note {
        intro.push_str(&format!("\n{}", escape(note)));
    }
    out.push(context(&intro));
    if lines.is_empty() && news_total == 0 {
        out.push(section("Nothing changed."));
        return out;
    }
    let mut groups: Vec<(Group, DateTime<Utc>, Vec<&Line>)> = Vec::new();
    for line in lines {
        match groups.iter_mut().find(|(g, _, _)| *g == line.group) {
            Some((_, _, members)) => members.push(line),
            None => groups.push((line.group, line.at, vec![line])),
        }
    }
    if news_total > 0 {
        let newest = news.first().map_or(DateTime::<Utc>::MIN_UTC, |n| n.published_at);
        let at = groups.iter().position(|(_, at, _)| *at < newest).unwrap_or(groups.len());
        groups.insert(at, (Group::News, newest, Vec::new()));
    }
    for (group, _, members) in groups {
        let mut texts: Vec<String> = vec![group.title().to_string()];
        if group == Group::News {
            texts.push(format!("{news_total} new news item{}", if news_total == 1 { "" } else { "s" }));
            texts.extend(news.iter().take(3).map(|n| {
                format!(
                    "• {} · {} · {}",
                    escape(&brief(&n.headline, 150)),
                    n.category.replace('_', " "),
                    n.published_at.with_timezone(&tz).format("%b %-d")
                )
            }));
        } else {
            texts.extend(
                members
                    .iter()
                    .take(GROUP_LINES)
                    .map(|l| format!("• {} · {}", l.text, l.at.with_timezone(&tz).format("%b %-d"))),
            );
        }
        let total = if group == Group::News { texts.len() } else { members.len() + 1 };
        out.extend(line_sections(&texts, total, "changes"));
    }
    fit_message(out)
}

/// The answer as plain text (notifications and screen readers).
pub fn fallback_text(account_name: &str, period_label: &str, lines: usize, news_total: i64) -> String {
    format!("What changed at {account_name} {period_label}: {lines} changes, {news_total} news items")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn change(id: i64, entity: &str, action: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>, minutes: i64) -> Change {
        Change {
            audit_id: id,
            entity: entity.into(),
            entity_id: 12,
            action: action.into(),
            field: field.map(str::to_string),
            old_value: old.map(str::to_string),
            new_value: new.map(str::to_string),
            actor_name: Some("Dana".into()),
            actor_source: "slack".into(),
            changed_at: Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap() + chrono::Duration::minutes(minutes),
            subject: Some("Run a workshop".into()),
            new_person: None,
        }
    }

    #[test]
    fn section_edits_read_as_one_sentence_with_a_diff() {
        let changes = vec![
            change(3, "plan", "update", Some("threats_risks"), Some("Budget freeze. New CISO."), Some("Budget freeze. New CISO prefers GitHub."), 20),
            change(2, "action_item", "update", Some("status"), Some("open"), Some("done"), 10),
            change(1, "plan", "update", Some("threats_risks"), Some("Budget freeze."), Some("Budget freeze. New CISO."), 0),
        ];
        let lines = change_lines(&changes, &[]);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Dana changed *Threats/Risks*: added “New CISO prefers GitHub.” (2 edits)",
                "`#12` Run a workshop was done by Dana",
            ]
        );
    }

    #[test]
    fn sponsor_moves_replace_the_contact_updates_they_caused() {
        let mut company = change(5, "contact", "update", Some("company"), Some("Acme"), Some("Hooli"), 0);
        company.subject = Some("Priya Raman".into());
        let moves = vec![SponsorChangeBrief {
            contact_name: "Priya Raman".into(),
            attribute: "company".into(),
            old_value: Some("Acme".into()),
            new_value: Some("Hooli".into()),
            observed_at: company.changed_at,
        }];
        let lines = change_lines(&[company], &moves);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "Priya Raman moved to Hooli (from Acme)");
    }
}
