//! What writing the plan looks like: the lists with their *Edit* buttons
//! (plans, the relationship map as a reports-to tree, the whitespace map by
//! stage), the questions before a status change, and the replies to a save.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use slack_morphism::prelude::*;

use crate::domain::enums::{Appetite, Influence, PlanStatus, Sentiment, Stage};
use crate::domain::people::{mention, tree_order};
use crate::domain::plan::{RANK_NOTES, SectionGroup, StatusChange, section_by_key};
use crate::domain::text::brief;
use crate::render::blocks::{actions, button, context, escape, header, limits, primary, section, section_with_button};
use crate::render::summary::{due_phrase, money};
use crate::store::accounts::Account;
use crate::store::audit::AuditEntry;
use crate::store::contacts::Contact;
use crate::store::plans::{Plan, PlanItem, PlanListed};
use crate::store::whitespace::Row;

pub mod action_ids {
    /// Opens the new-plan form; the value is the account id.
    pub const START_PLAN: &str = "plan.start";
    /// Opens a part's form; the value is `plan_id:part`.
    pub const EDIT_PART: &str = "plan.edit_part";
    /// Opens the contact form; the value is the contact id.
    pub const EDIT_CONTACT: &str = "plan.edit_contact";
    /// Opens the contact form for a new one; the value is the account id.
    pub const ADD_CONTACT: &str = "plan.add_contact";
    /// Opens the whitespace form; the value is the row id.
    pub const EDIT_WHITESPACE: &str = "plan.edit_whitespace";
    /// Opens the whitespace form for a new row; the value is the account id.
    pub const ADD_WHITESPACE: &str = "plan.add_whitespace";
    /// Asks before activating or closing a plan; the value is the plan id.
    pub const ACTIVATE: &str = "plan.activate";
    pub const CLOSE: &str = "plan.close";
    /// The confirmations; the value is the plan id.
    pub const CONFIRM_ACTIVATE: &str = "plan.confirm_activate";
    pub const CONFIRM_CLOSE: &str = "plan.confirm_close";
    pub const CANCEL: &str = "plan.cancel";
    /// Shows the map in full; the value is the account id.
    pub const SHOW_PEOPLE: &str = "plan.show_people";
    pub const SHOW_WHITESPACE: &str = "plan.show_whitespace";
    /// Another page of a map; the value is `account_id:page`.
    pub const PEOPLE_PAGE: &str = "plan.people_page";
    pub const WHITESPACE_PAGE: &str = "plan.whitespace_page";
    /// Sends the map as a picture; the value is the account id.
    pub const PICTURE_PEOPLE: &str = "plan.picture_people";
    pub const PICTURE_WHITESPACE: &str = "plan.picture_whitespace";
}

/// Contacts or whitespace rows per page of a map, each with its *Edit* button.
pub const MAP_PAGE: usize = 40;

/// Contracts ending this soon are marked on the whitespace map.
pub const CONTRACT_SOON_DAYS: i64 = 180;

/// "“GitHub”", or "the row without a vendor".
pub fn vendor_name(vendor: &str) -> String {
    if vendor.trim().is_empty() { "the row without a vendor".into() } else { format!("“{}”", vendor.trim()) }
}

/// The *Start a plan* button, for an account without an active plan.
pub fn start_plan_button(account_id: i64) -> SlackBlockButtonElement {
    primary(button("Start a plan", action_ids::START_PLAN, &account_id.to_string()))
}

/// *Start a plan: Initech*, where several accounts are offered together.
pub fn start_plan_button_for(account_id: i64, account_name: &str) -> SlackBlockButtonElement {
    button(&format!("Start a plan: {account_name}"), action_ids::START_PLAN, &account_id.to_string())
}

/// A message saying an account has no active plan, with the button to start one.
pub fn start_plan(text: &str, account_id: i64) -> Vec<SlackBlock> {
    vec![section(text), actions(&format!("start-plan:{account_id}"), vec![start_plan_button(account_id)])]
}

/// The *Edit* buttons of a plan's three parts.
pub fn edit_buttons(plan_id: i64) -> Vec<SlackBlockButtonElement> {
    SectionGroup::ALL
        .iter()
        .map(|part| button(&format!("Edit {}", part.label()), action_ids::EDIT_PART, &format!("{plan_id}:{}", part.key())))
        .collect()
}

pub fn edit_parts(account: &Account, plan: &Plan) -> Vec<SlackBlock> {
    vec![
        section(&format!("Which part of *{}* ({}) do you want to edit?", escape(&plan.name), escape(&account.name))),
        actions(&format!("edit-parts:{}", plan.plan_id), edit_buttons(plan.plan_id)),
    ]
}

/// Which map a save was made on, for the way back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Map {
    People,
    Whitespace,
}

/// A short confirmation of a save on a map, with the way back to the map.
pub fn saved_on_map(text: &str, account_id: i64, map: Map) -> Vec<SlackBlock> {
    let id = account_id.to_string();
    let back = match map {
        Map::People => button("Relationship map", action_ids::SHOW_PEOPLE, &id),
        Map::Whitespace => button("Whitespace map", action_ids::SHOW_WHITESPACE, &id),
    };
    vec![
        section(text),
        actions(&format!("saved:{account_id}"), vec![back, button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &id)]),
    ]
}

/// A short confirmation of a save, with a way back to the summary (and to
/// the full plan, after a plan was saved).
pub fn saved(text: &str, account_id: i64, full_plan: bool) -> Vec<SlackBlock> {
    let mut buttons = vec![button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &account_id.to_string())];
    if full_plan {
        buttons.push(button("Full plan", crate::render::summary::action_ids::FULL_PLAN, &account_id.to_string()));
    }
    vec![section(text), actions(&format!("saved:{account_id}"), buttons)]
}

fn field_label(entity: &str, field: &str) -> String {
    if let Some(section) = section_by_key(field) {
        return section.label.to_string();
    }
    if field == RANK_NOTES.0 {
        return RANK_NOTES.1.to_string();
    }
    let label = match (entity, field) {
        (_, "reports_to_id") => "Reports to",
        (_, "relationship_owner_id") => "Relationship owner",
        (_, "strength") => "Relationship strength",
        (_, "buying_role") => "Buying role",
        (_, "profile_url") => "Profile URL",
        (_, "annual_spend") => "Annual spend",
        (_, "contract_end") => "Contract end",
        _ => "",
    };
    if !label.is_empty() {
        return label.to_string();
    }
    let mut words = field.replace('_', " ");
    if let Some(first) = words.get(..1) {
        words.replace_range(..1, &first.to_uppercase());
    }
    words
}

/// What someone else changed while a form was open, for the top of the
/// form shown again.
pub fn conflict_note(history: &[AuditEntry], tz: Tz, advice: &str) -> String {
    let when = |at: DateTime<Utc>| at.with_timezone(&tz).format("%H:%M").to_string();
    let mut lines: Vec<String> = Vec::new();
    for entry in history.iter().rev().take(6).rev() {
        let who = entry.actor_name.clone().unwrap_or_else(|| "Someone".to_string());
        let line = match (entry.action.as_str(), entry.field.as_deref()) {
            ("delete", _) => format!("{who} removed it at {}", when(entry.changed_at)),
            (_, Some(field)) => {
                let new = entry.new_value.as_deref().unwrap_or("").trim();
                let new = if new.is_empty() { "nothing (cleared it)".to_string() } else { format!("“{}”", escape(&brief(new, 300))) };
                format!("{who} changed *{}* at {} to {new}", field_label(&entry.entity, field), when(entry.changed_at))
            }
            _ => format!("{who} changed it at {}", when(entry.changed_at)),
        };
        lines.push(format!("• {line}"));
    }
    let head = ":warning: *Someone else saved a change while you had this open, so nothing of yours was saved.*";
    if lines.is_empty() {
        format!("{head}\n{advice}")
    } else {
        format!("{head}\n{}\n{advice}", lines.join("\n"))
    }
}

fn item_line(item: &PlanItem, today: NaiveDate) -> String {
    let owner = mention(item.owner_slack_id.as_deref(), &item.owner_name, &item.owner_email);
    let due = item.due_date.map(|d| format!(", due {}", due_phrase(d, today))).unwrap_or_default();
    format!("• `#{}` {} — {owner}{due}", item.action_item_id, escape(&item.title))
}

pub fn plan_created_text(account: &Account, plan: &Plan, replaced: Option<&Plan>, items: &[PlanItem], today: NaiveDate) -> String {
    let status = match (plan.status, replaced) {
        (PlanStatus::Active, Some(old)) => format!(
            "It is the active plan of {} now, replacing *{}* (closed, not deleted).",
            escape(&account.name),
            escape(&old.name)
        ),
        (PlanStatus::Active, None) => format!("It is the active plan of {}.", escape(&account.name)),
        _ => format!("It is a draft: activate it with `/plan activate {}`.", account.name),
    };
    let due = plan.due_date.map(|d| format!(", due {}", due_phrase(d, today))).unwrap_or_default();
    let mut text = format!("Created *{}*, {} plan{due}. {status}", escape(&plan.name), article(plan.plan_type.as_str()));
    if items.is_empty() {
        text.push_str("\nNo template items: add action items with `/plan add`.");
    } else {
        text.push_str(&format!("\nIts template added {} action items:", items.len()));
        for item in items {
            text.push('\n');
            text.push_str(&item_line(item, today));
        }
    }
    text
}

pub fn plan_created(account: &Account, plan: &Plan, replaced: Option<&Plan>, items: &[PlanItem], today: NaiveDate) -> Vec<SlackBlock> {
    let text = plan_created_text(account, plan, replaced, items, today);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut blocks = crate::render::blocks::line_sections(&lines, lines.len(), "");
    blocks.truncate(limits::MESSAGE_BLOCKS - 2);
    let mut buttons = edit_buttons(plan.plan_id);
    buttons.push(button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &account.account_id.to_string()));
    blocks.push(actions(&format!("created:{}", plan.plan_id), buttons));
    blocks
}

fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("an {word}") } else { format!("a {word}") }
}

fn plan_line(plan: &PlanListed, today: NaiveDate) -> String {
    let mark = match plan.status {
        PlanStatus::Active => ":large_green_circle: active",
        PlanStatus::Draft => ":white_circle: draft",
        PlanStatus::Closed => ":black_circle: closed",
    };
    let due = plan.due_date.map(|d| format!(" · due {}", due_phrase(d, today))).unwrap_or_default();
    format!("*{}* — {mark} · {}{due} · {} open items", escape(&plan.name), plan.plan_type, plan.open_items)
}

pub fn plans_list(account: &Account, plans: &[PlanListed], today: NaiveDate) -> Vec<SlackBlock> {
    let mut blocks = vec![header(&format!("Plans of {}", account.name))];
    if plans.is_empty() {
        blocks.push(section(&format!("{} has no plans yet.", escape(&account.name))));
    }
    for plan in plans.iter().take(limits::MESSAGE_BLOCKS - 4) {
        let line = plan_line(plan, today);
        blocks.push(match plan.status {
            PlanStatus::Active => section_with_button(&line, button("Close", action_ids::CLOSE, &plan.plan_id.to_string())),
            _ => section_with_button(&line, button("Activate", action_ids::ACTIVATE, &plan.plan_id.to_string())),
        });
    }
    if plans.len() > limits::MESSAGE_BLOCKS - 4 {
        blocks.push(context(&format!("_…and {} older plans_", plans.len() - (limits::MESSAGE_BLOCKS - 4))));
    }
    blocks.push(actions(&format!("plans:{}", account.account_id), vec![button("New plan", action_ids::START_PLAN, &account.account_id.to_string())]));
    blocks
}

pub fn status_question_text(plan: &PlanListed, change: StatusChange, replaces: Option<&PlanListed>) -> String {
    match (change, replaces) {
        (StatusChange::Activate, Some(old)) => format!(
            "Make *{}* the active plan? It replaces *{}*, which will be closed (kept, not deleted).",
            escape(&plan.name),
            escape(&old.name)
        ),
        (StatusChange::Activate, None) => format!("Make *{}* the active plan?", escape(&plan.name)),
        (StatusChange::Close, _) => format!(
            "Close *{}*? It is kept (not deleted), but the account has no active plan until you start or activate one.",
            escape(&plan.name)
        ),
    }
}

/// The question's buttons carry the plan and the one it said it would
/// replace (`plan_id:replaced_id`, 0 for none), so the answer does what was asked.
pub fn status_question(text: &str, plan_id: i64, replaces: Option<i64>, change: StatusChange) -> Vec<SlackBlock> {
    let value = format!("{plan_id}:{}", replaces.unwrap_or(0));
    let (label, id) = match change {
        StatusChange::Activate => ("Activate", action_ids::CONFIRM_ACTIVATE),
        StatusChange::Close => ("Close it", action_ids::CONFIRM_CLOSE),
    };
    vec![
        section(text),
        actions(
            &format!("status:{plan_id}"),
            vec![primary(button(label, id, &value)), button("Cancel", action_ids::CANCEL, &value)],
        ),
    ]
}

fn contact_markers(c: &Contact) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !c.title.trim().is_empty() {
        parts.push(escape(&brief(&c.title, 50)));
    }
    match c.influence {
        Some(Influence::High) => parts.push(":large_orange_diamond: high influence".into()),
        Some(i) => parts.push(format!("{i} influence")),
        None => {}
    }
    if let Some(role) = c.buying_role {
        parts.push(if role == crate::domain::enums::BuyingRole::Champion { ":star: champion".into() } else { role.label().into() });
    }
    if let Some(sentiment) = c.sentiment {
        parts.push(match sentiment {
            Sentiment::Promoter => "(+) promoter".into(),
            Sentiment::Neutral => "(=) neutral".into(),
            Sentiment::Detractor => "(−) detractor".into(),
        });
    }
    if let Some(strength) = c.strength {
        parts.push(format!("strength {strength}/5"));
    }
    if let Some(owner) = &c.owner_name {
        parts.push(format!("ours: {}", mention(c.owner_slack_id.as_deref(), owner, "")));
    }
    if c.tracked {
        parts.push("tracked sponsor".into());
    }
    parts.join(" · ")
}

/// The relationship map as an indented reports-to tree, a contact per line
/// with an *Edit* button, and *Add contact* at the end.
pub fn people_map(account: &Account, contacts: &[Contact], page: usize) -> Vec<SlackBlock> {
    let mut blocks = vec![header(&format!("Relationship map of {}", account.name))];
    let index_of = |id: i64| contacts.iter().position(|c| c.contact_id == id);
    let managers: Vec<Option<usize>> = contacts.iter().map(|c| c.reports_to_id.and_then(index_of)).collect();
    let order = tree_order(&managers);
    let pages = order.len().div_ceil(MAP_PAGE).max(1);
    let page = page.min(pages - 1);
    let line = |i: usize, depth: usize| {
        let c = &contacts[i];
        let indent = "\u{2003}\u{2003}".repeat(depth.min(8));
        let branch = if depth > 0 { "└ " } else { "" };
        let name = if c.departed_at.is_some() { format!("~{}~ _left_", escape(&c.name)) } else { format!("*{}*", escape(&c.name)) };
        let markers = contact_markers(c);
        if markers.is_empty() { format!("{indent}{branch}{name}") } else { format!("{indent}{branch}{name} — {markers}") }
    };
    if contacts.is_empty() {
        blocks.push(section(&format!("{} has no contacts on its map yet.", escape(&account.name))));
    }
    if pages > 1 {
        let first = page * MAP_PAGE + 1;
        let last = ((page + 1) * MAP_PAGE).min(order.len());
        blocks.push(context(&format!("Contacts {first}–{last} of {} · page {} of {pages}", order.len(), page + 1)));
    }
    for &(i, depth) in order.iter().skip(page * MAP_PAGE).take(MAP_PAGE) {
        blocks.push(section_with_button(&line(i, depth), button("Edit", action_ids::EDIT_CONTACT, &contacts[i].contact_id.to_string())));
    }
    let high = contacts.iter().filter(|c| c.departed_at.is_none() && c.influence == Some(Influence::High)).count();
    blocks.push(context(&format!(
        "{} contacts · {high} high influence still there · (+) promoter, (=) neutral, (−) detractor · :star: champion",
        contacts.len()
    )));
    let id = account.account_id;
    let mut buttons = vec![
        primary(button("Add contact", action_ids::ADD_CONTACT, &id.to_string())),
        button("As a picture", action_ids::PICTURE_PEOPLE, &id.to_string()),
    ];
    if page > 0 {
        buttons.push(button("Previous page", action_ids::PEOPLE_PAGE, &format!("{id}:{}", page - 1)));
    }
    if page + 1 < pages {
        buttons.push(button("Next page", action_ids::PEOPLE_PAGE, &format!("{id}:{}", page + 1)));
    }
    blocks.push(actions(&format!("people:{id}:{page}"), buttons));
    blocks
}

fn whitespace_line(row: &Row, today: NaiveDate) -> String {
    let mut parts = vec![if row.vendor.trim().is_empty() { "_no vendor recorded_".to_string() } else { format!("*{}*", escape(&row.vendor)) }];
    if let Some(spend) = row.annual_spend {
        parts.push(format!("{}/yr", money(spend)));
    }
    if let Some(end) = row.contract_end {
        let days = (end - today).num_days();
        if (0..=CONTRACT_SOON_DAYS).contains(&days) {
            parts.push(format!(":hourglass: contract ends {}", due_phrase(end, today)));
        } else if days < 0 {
            parts.push(format!("contract ended {}", end.format("%b %-d, %Y")));
        } else {
            parts.push(format!("contract ends {}", end.format("%b %-d, %Y")));
        }
    }
    if let Some(appetite) = row.appetite {
        parts.push(match appetite {
            Appetite::High => "appetite to replace: *high*".to_string(),
            other => format!("appetite to replace: {other}"),
        });
    }
    if !row.dislikes.trim().is_empty() {
        parts.push(format!("dislikes: {}", escape(&brief(&row.dislikes, 80))));
    }
    parts.join(" · ")
}

/// The whitespace map by DevSecOps stage, a row per line with an *Edit*
/// button, stages with nothing recorded named as open, and *Add row*.
pub fn whitespace_map(account: &Account, rows: &[Row], today: NaiveDate, page: usize) -> Vec<SlackBlock> {
    let mut blocks = vec![header(&format!("Whitespace map of {}", account.name))];
    let ordered: Vec<&Row> = Stage::ALL.iter().flat_map(|stage| rows.iter().filter(move |r| r.stage == *stage)).collect();
    let pages = ordered.len().div_ceil(MAP_PAGE).max(1);
    let page = page.min(pages - 1);
    if pages > 1 {
        let first = page * MAP_PAGE + 1;
        let last = ((page + 1) * MAP_PAGE).min(ordered.len());
        blocks.push(context(&format!("Rows {first}–{last} of {} · page {} of {pages}", ordered.len(), page + 1)));
    }
    for row in ordered.iter().skip(page * MAP_PAGE).take(MAP_PAGE) {
        let text = format!("*{}* · {}", row.stage.label(), whitespace_line(row, today));
        blocks.push(section_with_button(&text, button("Edit", action_ids::EDIT_WHITESPACE, &row.whitespace_id.to_string())));
    }
    let open: Vec<&str> = Stage::ALL.iter().filter(|s| !rows.iter().any(|r| r.stage == **s)).map(|s| s.label()).collect();
    let soon = rows
        .iter()
        .filter(|r| r.contract_end.is_some_and(|end| (0..=CONTRACT_SOON_DAYS).contains(&(end - today).num_days())))
        .count();
    let mut notes = Vec::new();
    if !open.is_empty() {
        notes.push(format!("Open whitespace (nothing recorded): {}", open.join(", ")));
    }
    if soon > 0 {
        let contracts = if soon == 1 { "1 contract ends".to_string() } else { format!("{soon} contracts end") };
        notes.push(format!(":hourglass: {contracts} within {CONTRACT_SOON_DAYS} days"));
    }
    if rows.is_empty() {
        notes.insert(0, format!("{} has no whitespace recorded yet.", account.name));
    }
    if !notes.is_empty() {
        blocks.push(context(&notes.join(" · ")));
    }
    let id = account.account_id;
    let mut buttons = vec![
        primary(button("Add row", action_ids::ADD_WHITESPACE, &id.to_string())),
        button("As a picture", action_ids::PICTURE_WHITESPACE, &id.to_string()),
    ];
    if page > 0 {
        buttons.push(button("Previous page", action_ids::WHITESPACE_PAGE, &format!("{id}:{}", page - 1)));
    }
    if page + 1 < pages {
        buttons.push(button("Next page", action_ids::WHITESPACE_PAGE, &format!("{id}:{}", page + 1)));
    }
    blocks.push(actions(&format!("whitespace:{id}:{page}"), buttons));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: i64, name: &str, reports_to: Option<i64>) -> Contact {
        Contact {
            contact_id: id,
            account_id: 1,
            name: name.into(),
            title: "VP".into(),
            company: String::new(),
            email: None,
            profile_url: None,
            reports_to_id: reports_to,
            influence: Some(Influence::High),
            buying_role: None,
            sentiment: Some(Sentiment::Detractor),
            strength: Some(2),
            relationship_owner_id: None,
            owner_slack_id: None,
            owner_name: None,
            tracked: false,
            departed_at: None,
        }
    }

    fn account() -> Account {
        Account::example(1, "Acme")
    }

    #[test]
    fn the_people_map_is_an_indented_tree_within_slacks_limits() {
        let contacts = vec![contact(1, "Ann", None), contact(2, "Bob", Some(1)), contact(3, "Cy", Some(2))];
        let blocks = people_map(&account(), &contacts, 0);
        let json = serde_json::to_string(&blocks).unwrap();
        let ann = json.find("*Ann*").unwrap();
        let bob = json.find("└ *Bob*").unwrap();
        let cy = json.find("\u{2003}\u{2003}\u{2003}\u{2003}└ *Cy*").unwrap();
        assert!(ann < bob && bob < cy, "{json}");
        assert!(json.contains("(−) detractor") && json.contains("strength 2/5"));

        let many: Vec<Contact> = (1..=200).map(|i| contact(i, &format!("Person {i}"), if i > 1 { Some(1) } else { None })).collect();
        let mut edits = 0;
        for page in 0..5 {
            let blocks = people_map(&account(), &many, page);
            assert!(blocks.len() <= limits::MESSAGE_BLOCKS, "{}", blocks.len());
            let json = serde_json::to_string(&blocks).unwrap();
            edits += json.matches(action_ids::EDIT_CONTACT).count();
            assert!(json.contains(action_ids::PEOPLE_PAGE), "pages link to each other");
        }
        assert_eq!(edits, 200, "every contact has its Edit button on some page");
    }

    #[test]
    fn the_whitespace_map_marks_contracts_ending_soon_and_names_open_stages() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let row = Row {
            whitespace_id: 9,
            account_id: 1,
            stage: Stage::Verify,
            vendor: "Jenkins".into(),
            likes: String::new(),
            dislikes: "slow".into(),
            annual_spend: Some(120_000),
            contract_end: NaiveDate::from_ymd_opt(2027, 3, 1),
            appetite: Some(Appetite::High),
        };
        let json = serde_json::to_string(&whitespace_map(&account(), &[row], today, 0)).unwrap();
        assert!(json.contains("*Verify* · *Jenkins*"), "{json}");
        assert!(json.contains(":hourglass: contract ends"), "{json}");
        assert!(json.contains("Open whitespace (nothing recorded): Plan, Create, Package"), "{json}");
    }
}
