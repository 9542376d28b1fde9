//! The account summary: a pure function from an account's data and the
//! viewer's "now" to Block Kit. The store gathers [`AccountData`] with a fixed
//! number of queries; this module decides what a salesperson sees.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::SlackBlock;

use crate::domain::enums::{BuyingRole, Sentiment};
use crate::domain::when::describe_due;
use crate::render::blocks::{self, actions, brief, button, context, divider, escape, fields, header, line_sections, section};
use crate::store::accounts::TeamMember;
use crate::store::actions::ActionItem;
use crate::store::plans::Plan;
use crate::store::summary::{
    AccountData, ContactBrief, IntelBrief, SHOWN_CONTACTS, SHOWN_INTEL, SHOWN_ITEMS, SHOWN_SPONSOR_CHANGES, SHOWN_WHITESPACE,
    Relationships, SponsorChangeBrief, WHITESPACE_HORIZON_DAYS,
};
use crate::domain::people::mention;

/// Action ids of the summary's buttons (the interaction handler routes on them).
/// Every button's value is the account id.
pub mod action_ids {
    /// Opens the add-item form for the account.
    pub const ADD_ITEM: &str = "summary.add_item";
    /// The account's open action items.
    pub const LIST_ACTIONS: &str = "summary.list_actions";
    pub const FOLLOW: &str = "summary.follow";
    /// The whole plan page ([`super::render`]).
    pub const FULL_PLAN: &str = "summary.full_plan";
    /// The relationship map.
    pub const PEOPLE: &str = "summary.people";
    pub const WHITESPACE: &str = "summary.whitespace";
    /// The latest intel.
    pub const NEWS: &str = "summary.news";
    /// What changed on the account lately.
    pub const WHAT_CHANGED: &str = "summary.what_changed";
}

/// The full plan page of an account for a viewer whose zone is `tz`: every
/// part at length (the short summary is [`crate::render::answers::summary`]).
pub fn render(data: &AccountData, now: DateTime<Utc>, tz: Tz) -> Vec<SlackBlock> {
    let today = now.with_timezone(&tz).date_naive();
    let account = &data.account;
    let mut out = vec![header(&account.name), fields(&key_facts(data, today))];
    if let Some(team) = team_line(&data.team) {
        out.push(context(&team));
    }
    out.push(divider());
    let mut plan = plan_text(data.plan.as_ref(), today);
    if let Some(health) = &data.health {
        plan.push_str(&format!("\n{}", escape(&health.text()).replacen("Plan health:", "*Plan health:*", 1)));
    }
    out.push(section(&plan));
    if let Some(plan) = &data.plan {
        out.extend(plan_brief(plan));
    }
    out.push(section(&relationships_text(&data.relationships)));
    if !data.sponsor_changes.is_empty() {
        out.push(section(&sponsor_changes_text(&data.sponsor_changes, tz)));
    }
    out.push(section(&whitespace_text(data, today)));
    out.push(divider());
    out.extend(action_items_blocks(data, today, now));
    if !data.intel.is_empty() {
        out.push(section(&intel_text(&data.intel, tz)));
    }
    let id = account.account_id.to_string();
    let editing = match &data.plan {
        Some(plan) => {
            let mut buttons = crate::render::editing::edit_buttons(plan.plan_id);
            buttons.push(button("Edit people", crate::render::editing::action_ids::SHOW_PEOPLE, &id));
            buttons.push(button("Edit whitespace", crate::render::editing::action_ids::SHOW_WHITESPACE, &id));
            buttons
        }
        None => vec![crate::render::editing::start_plan_button(account.account_id)],
    };
    out.push(actions(&format!("edit:{id}"), editing));
    out.push(actions(
        &format!("summary:{id}"),
        vec![
            blocks::primary(button("Add action item", action_ids::ADD_ITEM, &id)),
            button("List actions", action_ids::LIST_ACTIONS, &id),
            button("Follow intel", action_ids::FOLLOW, &id),
        ],
    ));
    out.push(context(&format!("As of {}", now.with_timezone(&tz).format("%a %b %-d, %H:%M %Z"))));
    blocks::fit_message(out)
}

/// The one-line text Slack shows in notifications for the full plan.
pub fn fallback_text(data: &AccountData) -> String {
    format!(
        "Plan of {}: {} open action items ({} overdue)",
        data.account.name, data.open_total, data.overdue_total
    )
}

fn key_facts(data: &AccountData, today: NaiveDate) -> Vec<String> {
    let account = &data.account;
    let owner = data
        .team
        .iter()
        .find(|m| m.role == crate::domain::enums::TeamRole::Owner)
        .map(|m| mention(m.slack_id.as_deref(), &m.display_name, &m.email))
        .unwrap_or_else(|| "_nobody_".into());
    let rank = match account.rank {
        1 => "1 · most strategic",
        2 => "2 · strategic",
        _ => "3 · core",
    };
    let mut rank_field = format!("*Rank*\n{rank}");
    if !account.rank_notes.trim().is_empty() {
        rank_field.push_str(&format!("\n_{}_", escape(&brief(&account.rank_notes, 120))));
    }
    let renewal = match account.renewal_date {
        Some(date) => format!("*Renewal*\n{}", due_phrase(date, today)),
        None => "*Renewal*\n_not set_".into(),
    };
    let spend = match account.annual_spend {
        Some(amount) => format!("*Annual spend*\n{}", money(amount)),
        None => "*Annual spend*\n_not set_".into(),
    };
    let mut facts = vec![rank_field, format!("*Owner*\n{owner}"), renewal, spend];
    let segment: Vec<&str> =
        [account.tier.as_str(), account.industry.as_str()].into_iter().filter(|s| !s.trim().is_empty()).collect();
    if !segment.is_empty() {
        facts.push(format!("*Tier · industry*\n{}", escape(&segment.join(" · "))));
    }
    facts
}

fn team_line(team: &[TeamMember]) -> Option<String> {
    let others: Vec<String> = team
        .iter()
        .filter(|m| m.role != crate::domain::enums::TeamRole::Owner)
        .map(|m| format!("{} {}", m.role.label(), mention(m.slack_id.as_deref(), &m.display_name, &m.email)))
        .collect();
    (!others.is_empty()).then(|| format!(":busts_in_silhouette: Team: {}", others.join(", ")))
}

fn plan_text(plan: Option<&Plan>, today: NaiveDate) -> String {
    let Some(plan) = plan else {
        return ":warning: *No active plan.* Create one and add its Plan Info so the team works from one page.".into();
    };
    let (done, missing) = crate::domain::plan::completeness(|key| plan.section(key));
    let total = crate::domain::plan::SECTIONS.len();
    let mut text = format!(
        ":dart: *Plan:* {} ({} plan) · due {} · {done}/{total} sections filled",
        escape(&plan.name),
        plan.plan_type,
        plan.due_date.map(|d| due_phrase(d, today)).unwrap_or_else(|| "_no due date_".into()),
    );
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().take(4).map(|s| s.label).collect();
        let more = if missing.len() > 4 { format!(" and {} more", missing.len() - 4) } else { String::new() };
        text.push_str(&format!("\n_Still empty: {}{more}_", names.join(", ")));
    }
    text
}

fn plan_brief(plan: &Plan) -> Vec<SlackBlock> {
    let mut parts = Vec::new();
    if !plan.business_overview.trim().is_empty() {
        parts.push(format!("*Business overview*\n{}", escape(&brief(&plan.business_overview, 400))));
    }
    let goals = [("12 months", &plan.goals_12m), ("Goals", &plan.goals), ("6 months", &plan.goals_6m)]
        .into_iter()
        .find(|(_, text)| !text.trim().is_empty());
    if let Some((label, text)) = goals {
        let heading = if label == "Goals" { "*Goals*".to_string() } else { format!("*Goals ({label})*") };
        parts.push(format!("{heading}\n{}", escape(&brief(text, 400))));
    }
    let risks = top_lines(&plan.threats_risks, 3);
    if !risks.is_empty() {
        parts.push(format!(
            "*Top threats and risks*\n{}",
            risks.iter().map(|r| format!("• {}", escape(&brief(r, 200)))).collect::<Vec<_>>().join("\n")
        ));
    }
    if parts.is_empty() {
        Vec::new()
    } else {
        vec![section(&parts.join("\n\n"))]
    }
}

/// The first `n` non-empty lines (or sentences, for one-paragraph text).
pub fn top_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 1 {
        return lines.into_iter().take(n).collect();
    }
    text.split_inclusive(['.', ';'])
        .map(|s| s.trim().trim_end_matches([';']).to_string())
        .filter(|s| !s.is_empty())
        .take(n)
        .collect()
}

fn relationships_text(rel: &Relationships) -> String {
    let mut text = String::from(":bust_in_silhouette: *Relationships*");
    if rel.contacts_total == 0 {
        text.push_str("\n_No contacts mapped yet._");
        return text;
    }
    let name_of = |c: &ContactBrief| {
        if c.title.trim().is_empty() { escape(&c.name) } else { format!("{} ({})", escape(&c.name), escape(&brief(&c.title, 60))) }
    };
    let group = |label: &str, pick: &dyn Fn(&ContactBrief) -> bool| -> Option<String> {
        let names: Vec<String> = rel.highlights.iter().filter(|c| pick(c)).take(SHOWN_CONTACTS).map(name_of).collect();
        (!names.is_empty()).then(|| format!("{label}: {}", names.join(", ")))
    };
    let present = |c: &ContactBrief| c.departed_at.is_none();
    let lines = [
        group("Champions", &|c| present(c) && c.buying_role == Some(BuyingRole::Champion)),
        group("Economic buyers", &|c| present(c) && c.buying_role == Some(BuyingRole::EconomicBuyer)),
        group(":warning: Detractors and blockers", &|c| {
            present(c) && (c.sentiment == Some(Sentiment::Detractor) || c.buying_role == Some(BuyingRole::Blocker))
        }),
        group("Left the company", &|c| !present(c)),
    ];
    for line in lines.into_iter().flatten() {
        text.push('\n');
        text.push_str(&line);
    }
    text.push_str(&format!(
        "\nCoverage: {} of {} high-influence contacts with a strong relationship · {} contacts mapped",
        rel.high_influence_covered, rel.high_influence_total, rel.contacts_total
    ));
    match rel.high_influence_promoters {
        0 => text.push_str("\n:warning: *No high-influence promoter:* nobody with sway is speaking for us."),
        1 => text.push_str("\n:warning: *Single-threaded:* only one high-influence promoter. Build a second relationship."),
        _ => {}
    }
    text
}

fn sponsor_changes_text(changes: &[SponsorChangeBrief], tz: Tz) -> String {
    let lines: Vec<String> = changes
        .iter()
        .take(SHOWN_SPONSOR_CHANGES)
        .map(|c| {
            format!(
                "• {}: {} {} → {} ({})",
                escape(&c.contact_name),
                c.attribute,
                escape(c.old_value.as_deref().unwrap_or("?")),
                escape(c.new_value.as_deref().unwrap_or("?")),
                c.observed_at.with_timezone(&tz).format("%b %-d")
            )
        })
        .collect();
    format!(":arrows_counterclockwise: *Sponsor changes*\n{}", lines.join("\n"))
}

fn whitespace_text(data: &AccountData, today: NaiveDate) -> String {
    let mut text = String::from("*Whitespace*");
    if data.whitespace_total == 0 {
        text.push_str("\n_No whitespace mapped yet._");
        return text;
    }
    if data.whitespace_ending.is_empty() {
        text.push_str(&format!(
            "\n{} stages mapped; no incumbent contract ends in the next {WHITESPACE_HORIZON_DAYS} days.",
            data.whitespace_total
        ));
        return text;
    }
    text.push_str(&format!(" · contracts ending in the next {WHITESPACE_HORIZON_DAYS} days"));
    for row in data.whitespace_ending.iter().take(SHOWN_WHITESPACE) {
        let vendor = if row.vendor.trim().is_empty() { "unknown vendor".to_string() } else { escape(&row.vendor) };
        let mut line = format!("\n• {}: {vendor}", capitalize(row.stage.as_str()));
        if let Some(spend) = row.annual_spend {
            line.push_str(&format!(" ({}/yr)", money(spend)));
        }
        if let Some(end) = row.contract_end {
            line.push_str(&format!(", ends {}", due_phrase(end, today)));
        }
        if let Some(appetite) = row.appetite {
            line.push_str(&format!(" · appetite to replace: {appetite}"));
        }
        text.push_str(&line);
    }
    let more = data.whitespace_ending_total - data.whitespace_ending.len().min(SHOWN_WHITESPACE) as i64;
    if more > 0 {
        text.push_str(&format!("\n_…and {more} more_"));
    }
    text
}

fn action_items_blocks(data: &AccountData, today: NaiveDate, now: DateTime<Utc>) -> Vec<SlackBlock> {
    let mut heading = format!("*Action items* · {} open", data.open_total);
    if data.overdue_total > 0 {
        heading.push_str(&format!(", :red_circle: {} overdue", data.overdue_total));
    }
    if data.open_total == 0 {
        return vec![section(&format!("{heading}\n_Nothing open._"))];
    }
    let mut lines = vec![heading];
    lines.extend(data.open_items.iter().take(SHOWN_ITEMS).map(|item| item_line(item, today, now)));
    line_sections(&lines, data.open_total as usize + 1, "open items")
}

/// One action item as a line: status dot, id, title, owner, due.
pub fn item_line(item: &ActionItem, today: NaiveDate, now: DateTime<Utc>) -> String {
    let dot = if item.is_overdue(today) {
        ":red_circle:"
    } else if item.due_date.is_some_and(|d| (d - today).num_days() <= 7) {
        ":large_yellow_circle:"
    } else {
        ":large_green_circle:"
    };
    let due = match item.due_date {
        Some(date) if date < today => format!("was due {}", due_phrase(date, today)),
        Some(date) => format!("due {}", due_phrase(date, today)),
        None => "no due date".into(),
    };
    let snoozed = if item.is_snoozed(now) { " :zzz:" } else { "" };
    format!(
        "{dot} `#{}` {} · {} · {due}{snoozed}",
        item.action_item_id,
        escape(&brief(&item.title, 150)),
        item.owner_mention()
    )
}

fn intel_text(items: &[IntelBrief], tz: Tz) -> String {
    let lines: Vec<String> = items
        .iter()
        .take(SHOWN_INTEL)
        .map(|i| {
            let headline = escape(&brief(&i.headline, 150));
            let linked = match &i.url {
                Some(url) => format!("<{}|{headline}>", url.replace('|', "%7C").replace('>', "%3E")),
                None => headline,
            };
            format!("• {linked} · {} · {}", i.category.replace('_', " "), i.published_at.with_timezone(&tz).format("%b %-d"))
        })
        .collect();
    format!(":newspaper: *Latest intel*\n{}", lines.join("\n"))
}

/// `Mar 31, 2027 (in 129 days)`; `Nov 20 (2 days ago)`.
pub fn due_phrase(date: NaiveDate, today: NaiveDate) -> String {
    let days = (date - today).num_days();
    let relative = crate::domain::when::relative_day(days);
    if days.abs() <= 1 {
        relative
    } else {
        format!("{} ({relative})", describe_due(date, today))
    }
}

/// Whole currency units as `$1.2M`, `$850k`, `$900`.
pub fn money(amount: i64) -> String {
    let value = amount as f64;
    if amount >= 1_000_000 {
        format!("${:.1}M", value / 1_000_000.0).replace(".0M", "M")
    } else if amount >= 1_000 {
        format!("${:.0}k", value / 1_000.0)
    } else {
        format!("${amount}")
    }
}

pub fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
