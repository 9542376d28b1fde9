//! Plain-language messages: a DM to planbot, or an @mention of it.

use chrono::{DateTime, Datelike, Duration, Utc};

use super::{AccountChoice, App, Caller, Place, Reply};
use crate::domain::command::strip_mentions;
use crate::domain::intent::{self, ActionFilter, Intent, SummaryTarget};
use crate::render::MessageContent;
use crate::store::actions::{self, OwnerFilter};
use crate::render;

/// How many items a list shows (each with its buttons).
const LISTED_ITEMS: i64 = render::items::MAX_ITEMS_WITH_BUTTONS as i64;

pub const HELP: &str = "*Here's what I can do.* Talk to me in plain words:\n\
• `summarize my account` — your account, or a list of yours\n\
• `give me a summary of Acme` · `how is acme doing?` — any account you can see\n\
• `my action items` · `what's overdue?` · `what's due this week?`\n\n\
Or use `/plan`:\n\
• `/plan add Acme: Run a security workshop @jane due friday`\n\
• `/plan done 142` · `/plan snooze 142 next week` · `/plan actions overdue`\n\
• `/plan link Acme` · `/plan follow Acme` · `/plan settings` · `/plan help` for everything";

impl App {
    /// Answers a message written to planbot in plain language.
    pub async fn converse(&self, caller: &Caller, place: &Place, text: &str, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let (text, _mentioned) = strip_mentions(text);
        match intent::recognize(&text) {
            Intent::Summary(SummaryTarget::Mine) => self.my_accounts(caller, place, now).await,
            Intent::Summary(SummaryTarget::Named(name)) => self.summary_for_name(caller, place, &name, now).await,
            Intent::MyActions(filter) => self.my_items(caller, filter, now).await,
            Intent::Help => Ok(Reply::note(HELP)),
            Intent::Greeting => Ok(Reply::note(format!(
                "Hi{}! Ask me `summarize my account`, `what's overdue?`, or say `help`.",
                first_name(&caller.user.display_name).map(|n| format!(" {n}")).unwrap_or_default()
            ))),
            Intent::Unclear(words) => {
                // A bare account name is a fair way to ask for its summary.
                if !words.trim().is_empty()
                    && let AccountChoice::One(account) = self.find_account(caller, &words).await? {
                        return self.summary(caller, place, &account, now).await;
                    }
                Ok(Reply::note(format!("Sorry, I didn't catch that.\n\n{HELP}")))
            }
        }
    }

    /// The caller's open, overdue or due-this-week items, with buttons.
    pub(super) async fn my_items(&self, caller: &Caller, filter: ActionFilter, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let today = caller.today(now);
        let (owner_filter, title, empty) = match filter {
            ActionFilter::Open => (OwnerFilter::Open, "Your open action items", "You have no open action items. :tada:"),
            ActionFilter::Overdue => (
                OwnerFilter::Overdue { today },
                "Your overdue action items",
                "Nothing overdue. :white_check_mark:",
            ),
            ActionFilter::DueThisWeek => {
                let days_left_in_week = 6 - today.weekday().num_days_from_monday() as i64;
                (
                    OwnerFilter::DueBy { last_day: today + Duration::days(days_left_in_week) },
                    "Your action items due this week (and overdue)",
                    "Nothing due this week.",
                )
            }
        };
        let (items, total) = actions::for_owner(&self.pool, caller.user.user_id, owner_filter, LISTED_ITEMS).await?;
        if total == 0 {
            return Ok(Reply::note(empty));
        }
        let heading = format!("*{title}* · {total}");
        Ok(Reply::private(MessageContent::new(
            format!("{title}: {total}"),
            render::items::item_list(&heading, &items, total, today, now),
        )))
    }
}

fn first_name(display_name: &str) -> Option<&str> {
    display_name.split_whitespace().next()
}
