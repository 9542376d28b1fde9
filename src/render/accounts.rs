//! Lists of accounts: "my accounts", and the choice offered when a name fits
//! more than one.

use chrono::NaiveDate;
use slack_morphism::prelude::SlackBlock;

use crate::render::blocks::{button, context, escape, section, section_with_button};
use crate::store::accounts::{AccountOverview, AccountRef};
use crate::render::summary::due_phrase;

pub mod action_ids {
    /// A button that shows an account's summary; its value is the account id.
    pub const SHOW_SUMMARY: &str = "account.summary";
}

/// At most this many accounts get a line and a button; Slack allows 50 blocks.
pub const MAX_LISTED: usize = 40;

/// The caller's accounts, a line and a *Summary* button each.
pub fn my_accounts(accounts: &[AccountOverview], today: NaiveDate) -> Vec<SlackBlock> {
    let mut out = vec![section(&format!("*Your {} accounts*, most strategic first:", accounts.len()))];
    out.extend(accounts.iter().take(MAX_LISTED).map(|account| account_line(account, today)));
    if accounts.len() > MAX_LISTED {
        out.push(context(&format!(
            "_…and {} more. Ask for one by name: `summary of <account>`._",
            accounts.len() - MAX_LISTED
        )));
    }
    out
}

/// An account at a glance (rank, renewal, open and overdue items) with a
/// *Summary* button.
pub fn account_line(account: &AccountOverview, today: NaiveDate) -> SlackBlock {
    let mut line = format!("*{}* · rank {}", escape(&account.name), account.rank);
    if let Some(renewal) = account.renewal_date {
        line.push_str(&format!(" · renews {}", due_phrase(renewal, today)));
    }
    line.push_str(&format!(" · {} open", account.open_total));
    if account.overdue_total > 0 {
        line.push_str(&format!(", :red_circle: {} overdue", account.overdue_total));
    }
    if !account.has_active_plan {
        line.push_str(" · :warning: no active plan");
    }
    if let Some(health) = &account.health {
        line.push_str(&format!("\n{}", escape(&health.text())));
    }
    section_with_button(&line, button("Summary", action_ids::SHOW_SUMMARY, &account.account_id.to_string()))
}

/// "Which one did you mean?" with a button per candidate.
pub fn choose_account(asked: &str, candidates: &[AccountRef]) -> Vec<SlackBlock> {
    let mut out = vec![section(&format!(
        "More than one account matches “{}”. Which one did you mean?",
        escape(asked)
    ))];
    for candidate in candidates.iter().take(10) {
        out.push(section_with_button(
            &format!("*{}*", escape(&candidate.name)),
            button("Summary", action_ids::SHOW_SUMMARY, &candidate.account_id.to_string()),
        ));
    }
    out
}

/// The reply for a name that matches no account the caller may see. An
/// account they may not see gets exactly this reply too.
pub fn not_found_text(asked: &str) -> String {
    format!(
        "I couldn't find an account called “{}” among the accounts you can see. \
         Check the spelling, or say `my accounts` to list yours.",
        escape(asked)
    )
}
