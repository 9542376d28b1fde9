//! The team's view: accounts by owner, overdue items by owner, accounts at
//! risk with their reasons, and "what next". Every message stays within
//! Slack's limits (50 blocks, 3000 characters a section) whatever the data.

use chrono::{DateTime, NaiveDate, Utc};
use slack_morphism::prelude::SlackBlock;

use crate::domain::risk::{Assessment, RiskFlag};
use crate::render::blocks::{self, button, context, escape, fit_message, line_sections, section, section_with_button};
use crate::render::items::item_blocks;
use crate::render::summary::due_phrase;
use crate::store::actions::ActionItem;
use crate::store::team::{AccountFacts, OwnedAccount, TeamItem};

/// Action ids of the paging buttons; the value is the page to show (0 first).
pub mod action_ids {
    pub const ACCOUNTS_PAGE: &str = "team.accounts_page";
    pub const AT_RISK_PAGE: &str = "team.at_risk_page";
}

/// At most this many accounts are listed at risk in one message.
pub const AT_RISK_SHOWN: usize = 25;
/// At most this many overdue items get their buttons in one message.
pub const TEAM_ITEMS_SHOWN: usize = 18;

fn owner_label(name: Option<&str>) -> String {
    name.map(escape).unwrap_or_else(|| "No owner".into())
}

/// Page `page` (0 first) of the accounts grouped by owner, a line each;
/// `total` is how many the viewer may see in all, `page_size` how many a page holds.
pub fn accounts_by_owner(
    title: &str,
    accounts: &[OwnedAccount],
    total: i64,
    page: i64,
    page_size: i64,
    today: NaiveDate,
) -> Vec<SlackBlock> {
    let mut lines = Vec::new();
    let mut current: Option<Option<i64>> = None;
    for account in accounts {
        if current != Some(account.owner_id) {
            current = Some(account.owner_id);
            let count = accounts.iter().filter(|a| a.owner_id == account.owner_id).count();
            lines.push(format!("*{}* · {count} account{}", owner_label(account.owner_name.as_deref()), plural(count)));
        }
        let mut line = format!("• *{}* · rank {}", escape(&account.name), account.rank);
        if let Some(renewal) = account.renewal_date {
            line.push_str(&format!(" · renews {}", due_phrase(renewal, today)));
        }
        line.push_str(&format!(" · {} open", account.open_total));
        if account.overdue_total > 0 {
            line.push_str(&format!(", :red_circle: {} overdue", account.overdue_total));
        }
        match &account.health {
            Some(health) => line.push_str(&format!(" · health {}", escape(&crate::domain::text::brief(&health.explained, 70)))),
            None => line.push_str(" · :warning: no active plan"),
        }
        lines.push(line);
    }
    let mut out = vec![section(&format!("*{title}* · {total}"))];
    out.extend(line_sections(&lines, lines.len(), ""));
    if total > accounts.len() as i64 {
        let first = page * page_size + 1;
        let last = page * page_size + accounts.len() as i64;
        out.push(context(&format!(
            "_Showing {first}–{last} of {total}. Ask for one by name: `summary of <account>`._"
        )));
        out.extend(pager(action_ids::ACCOUNTS_PAGE, page, last < total));
    }
    fit_message(out)
}

/// *Previous* / *Next* buttons, when there is a page that way.
fn pager(action_id: &str, page: i64, more: bool) -> Option<SlackBlock> {
    let mut buttons = Vec::new();
    if page > 0 {
        buttons.push(button("Previous", action_id, &(page - 1).to_string()));
    }
    if more {
        buttons.push(button("Next page", action_id, &(page + 1).to_string()));
    }
    (!buttons.is_empty()).then(|| blocks::actions(&format!("{action_id}:{page}"), buttons))
}

/// Overdue items grouped by owner, each with its buttons.
pub fn team_overdue(title: &str, items: &[TeamItem], total: i64, today: NaiveDate, now: DateTime<Utc>) -> Vec<SlackBlock> {
    let mut out = vec![section(&format!("*{title}* · {total}"))];
    let mut current = None;
    let mut shown = 0;
    for team_item in items.iter().take(TEAM_ITEMS_SHOWN) {
        let item = &team_item.item;
        if current != Some(item.owner_id) {
            current = Some(item.owner_id);
            out.push(section(&format!(
                ":bust_in_silhouette: *{}* · {} overdue",
                escape(&item.owner_name),
                team_item.owner_total
            )));
        }
        out.extend(item_blocks(item, today, now));
        shown += 1;
    }
    let hidden = total - shown as i64;
    if hidden > 0 {
        out.push(context(&format!("_…and {hidden} more overdue. `/plan actions <account>` narrows it down._")));
    }
    fit_message(out)
}

/// Page `page` (0 first) of the accounts at risk, most at risk first, with
/// why; `seen` is how many accounts were looked at.
pub fn at_risk(ranked: &[(AccountFacts, Assessment)], seen: usize, page: usize, today: NaiveDate) -> Vec<SlackBlock> {
    if ranked.is_empty() {
        return vec![section(&format!(
            ":white_check_mark: None of the {seen} account{} you can see shows a risk flag.",
            plural(seen)
        ))];
    }
    let mut out = vec![section(&format!(
        "*Accounts at risk* · {} of the {seen} you can see, most at risk first",
        ranked.len()
    ))];
    let first = (page * AT_RISK_SHOWN).min(ranked.len());
    let shown = &ranked[first..ranked.len().min(first + AT_RISK_SHOWN)];
    for (account, assessment) in shown {
        out.push(section_with_button(
            &risk_line(account, assessment, today),
            button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &account.account_id.to_string()),
        ));
    }
    let after = ranked.len() - first - shown.len();
    if after > 0 || page > 0 {
        out.push(context(&format!(
            "_Showing {}–{} of {}; {after} more at risk after these. Ask about one by name: `summary of <account>`._",
            first + 1,
            first + shown.len(),
            ranked.len()
        )));
        out.extend(pager(action_ids::AT_RISK_PAGE, page as i64, after > 0));
    }
    fit_message(out)
}

fn risk_line(account: &AccountFacts, assessment: &Assessment, today: NaiveDate) -> String {
    let mut head = format!("*{}* · rank {}", escape(&blocks::brief(&account.name, 100)), account.rank);
    if let Some(owner) = &account.owner_name {
        head.push_str(&format!(" · {}", escape(owner)));
    }
    if let Some(renewal) = account.renewal_date {
        head.push_str(&format!(" · renews {}", due_phrase(renewal, today)));
    }
    let reasons: Vec<String> = assessment.flags.iter().map(|flag| format!("{} {}", flag_emoji(flag), escape(&flag.reason()))).collect();
    blocks::brief(&format!("{head}\n{}", reasons.join(" · ")), 2000)
}

fn flag_emoji(flag: &RiskFlag) -> &'static str {
    match flag {
        RiskFlag::SponsorLeft(_) => ":door:",
        RiskFlag::RenewalWithoutPlan { .. } => ":hourglass_flowing_sand:",
        RiskFlag::SingleThreaded { .. } => ":thread:",
        RiskFlag::Detractors(_) => ":thumbsdown:",
        RiskFlag::Overdue(_) => ":red_circle:",
        RiskFlag::StalePlan { .. } => ":spider_web:",
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Something to do about an account in "what next", with the button that acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountNext {
    RenewalWithoutPlan { days: i64 },
    SponsorChanges(i64),
    NewIntel(i64),
    StalePlan { days: i64 },
}

/// "What next": the caller's overdue and soon-due items with their buttons,
/// then what needs doing on their accounts, most urgent first.
pub fn what_next(
    overdue: &[ActionItem],
    due_soon: &[ActionItem],
    item_total: i64,
    accounts: &[(AccountFacts, AccountNext)],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<SlackBlock> {
    if overdue.is_empty() && due_soon.is_empty() && accounts.is_empty() {
        return vec![section(":white_check_mark: Nothing needs you right now: no overdue or soon-due items, and your accounts are in order.")];
    }
    let mut out = vec![section("*What next*, most urgent first")];
    // Items take two blocks each; accounts one. Keep room for both kinds.
    let item_room = if accounts.is_empty() { 22 } else { 14 };
    let mut shown_items = 0;
    if !overdue.is_empty() {
        out.push(section(&format!(":red_circle: *Overdue* · {}", overdue.len())));
        for item in overdue.iter().take(item_room) {
            out.extend(item_blocks(item, today, now));
            shown_items += 1;
        }
    }
    if !due_soon.is_empty() && shown_items < item_room {
        out.push(section(&format!(":large_yellow_circle: *Due in the next 7 days* · {}", due_soon.len())));
        for item in due_soon.iter().take(item_room - shown_items) {
            out.extend(item_blocks(item, today, now));
            shown_items += 1;
        }
    }
    if item_total > shown_items as i64 {
        out.push(context(&format!("_…and {} more items: `/plan actions mine`._", item_total - shown_items as i64)));
    }
    if !accounts.is_empty() {
        out.push(section(":briefcase: *Your accounts*"));
        let room = crate::render::blocks::limits::MESSAGE_BLOCKS.saturating_sub(out.len() + 1);
        for (account, next) in accounts.iter().take(room) {
            out.push(account_next_block(account, next));
        }
        if accounts.len() > room {
            out.push(context(&format!("_…and {} more._", accounts.len() - room)));
        }
    }
    fit_message(out)
}

fn account_next_block(account: &AccountFacts, next: &AccountNext) -> SlackBlock {
    let name = escape(&blocks::brief(&account.name, 100));
    let id = account.account_id.to_string();
    let summary = || button("Summary", crate::render::accounts::action_ids::SHOW_SUMMARY, &id);
    match next {
        AccountNext::RenewalWithoutPlan { days } => section_with_button(
            &format!(":hourglass_flowing_sand: *{name}* renews {} with no active plan", in_days(*days)),
            button("Add action item", crate::render::summary::action_ids::ADD_ITEM, &id),
        ),
        AccountNext::SponsorChanges(count) => section_with_button(
            &format!(":busts_in_silhouette: *{name}*: {count} sponsor change{} since you last looked", plural(*count as usize)),
            summary(),
        ),
        AccountNext::NewIntel(count) => section_with_button(
            &format!(":newspaper: *{name}*: {count} new news item{} since you last looked", plural(*count as usize)),
            summary(),
        ),
        AccountNext::StalePlan { days } => section_with_button(
            &format!(":spider_web: *{name}*: plan unchanged for {days} days"),
            button("Add action item", crate::render::summary::action_ids::ADD_ITEM, &id),
        ),
    }
}

fn in_days(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        d if d < 0 => format!("{} days ago", -d),
        d => format!("in {d} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::assess;

    fn facts(id: i64) -> AccountFacts {
        AccountFacts {
            account_id: id,
            name: format!("Account {id} with a rather long name that goes on {}", "and on ".repeat(20)),
            rank: 1,
            renewal_date: NaiveDate::from_ymd_opt(2027, 1, 10),
            owner_id: Some(1),
            owner_name: Some("Dana".into()),
            has_active_plan: false,
            sections_changed_at: None,
            high_influence: 0,
            high_detractors: 2,
            departed_sponsors: vec!["Priya Raman".into(); 30],
            open_items: 3,
            overdue_items: 3,
            last_look: None,
            sponsor_changes: 0,
            new_intel: 0,
        }
    }

    #[test]
    fn a_long_at_risk_list_stays_within_slacks_limits() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let ranked: Vec<(AccountFacts, Assessment)> = (0..500)
            .map(|id| {
                let f = facts(id);
                let a = assess(&crate::domain::risk::RiskFacts {
                    renewal_in_days: Some(35),
                    departed_sponsors: f.departed_sponsors.clone(),
                    high_detractors: 2,
                    overdue_items: 3,
                    ..Default::default()
                });
                (f, a)
            })
            .collect();
        let blocks = serde_json::to_value(at_risk(&ranked, 10_000, 0, today)).unwrap();
        let blocks = blocks.as_array().unwrap();
        assert!(blocks.len() <= 50);
        for block in blocks {
            let text = block["text"]["text"].as_str().unwrap_or_default();
            assert!(text.chars().count() <= 3000);
        }
        assert!(blocks.iter().any(|b| b.to_string().contains("475 more")));
        assert!(blocks.last().unwrap().to_string().contains(action_ids::AT_RISK_PAGE));
        let last_page = serde_json::to_value(at_risk(&ranked, 10_000, 19, today)).unwrap();
        assert!(last_page.to_string().contains("Showing 476–500 of 500; 0 more"));
    }
}
