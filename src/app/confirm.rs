//! Writes that are asked about before they happen, and taken back after.
//!
//! `/plan add` with a due date in the past, or with the title of an item
//! added to the same account in the last [`DUPLICATE_MINUTES`] minutes,
//! answers with what it would add and a button that adds it. The button's
//! value carries the item ([`PendingAdd`], well under Slack's 2,000
//! characters), and a key that lets it add the item once however often it
//! is clicked. `/plan undo` takes back the caller's last change.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::plan_command::{added_text, due_with_date};
use super::{App, Caller, Reply};
use crate::domain::enums::ActionStatus;
use crate::domain::validate::due_is_past;
use crate::domain::when::days_phrase;
use crate::render::MessageContent;
use crate::render::blocks::escape;
use crate::render::items::{confirm_add, confirm_ids};
use crate::store::accounts::{self, Account};
use crate::store::actions::{self, AddError, NewAction};

/// The same title on the same account within this many minutes is asked about.
pub const DUPLICATE_MINUTES: i64 = 10;

/// How far back `/plan undo` reaches.
pub const UNDO_MINUTES: i64 = 10;

/// A confirmation button stops working after this long (the keys that make
/// a click count once are kept for a day).
const CONFIRMATION_HOURS: i64 = 20;

/// An action item waiting for the caller's yes, as a button's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAdd {
    #[serde(rename = "a")]
    pub account_id: i64,
    #[serde(rename = "t")]
    pub title: String,
    #[serde(rename = "o")]
    pub owner_id: i64,
    #[serde(rename = "d")]
    pub due: Option<NaiveDate>,
    /// Who was asked, and when: unique to the question.
    #[serde(rename = "k")]
    pub key: String,
    /// When it was asked, in seconds since the epoch.
    #[serde(rename = "at")]
    pub offered_at: i64,
}

impl PendingAdd {
    pub fn offered(caller: &Caller, new: &NewAction, now: DateTime<Utc>) -> Self {
        PendingAdd {
            account_id: new.account_id,
            title: new.title.clone(),
            owner_id: new.owner_id,
            due: new.due_date,
            key: format!("{}-{}", caller.user.user_id, now.timestamp_nanos_opt().unwrap_or_else(|| now.timestamp())),
            offered_at: now.timestamp(),
        }
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(value: &str) -> Option<Self> {
        serde_json::from_str(value).ok()
    }

    fn new_action(&self) -> NewAction {
        NewAction { account_id: self.account_id, title: self.title.clone(), owner_id: self.owner_id, due_date: self.due }
    }

    /// Recorded when the item is added, so a second click adds nothing.
    fn once_key(&self) -> String {
        format!("confirm-add:{}", self.key)
    }

    fn asked(&self, caller: &Caller) -> bool {
        self.key.starts_with(&format!("{}-", caller.user.user_id))
    }
}

/// Which question a confirmation button answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// *Add with a past due date*: a duplicate is still asked about.
    PastDue,
    /// *Add it again*.
    Again,
}

impl Confirmation {
    pub fn from_action_id(action_id: &str) -> Option<Self> {
        match action_id {
            confirm_ids::ADD_PAST_DUE => Some(Confirmation::PastDue),
            confirm_ids::ADD_AGAIN => Some(Confirmation::Again),
            _ => None,
        }
    }
}

/// Whether the same title was looked for among the account's items added
/// moments ago (with the caller and the account, on the hot path), and
/// what was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recent {
    NotLooked,
    /// The newest such item, if any.
    Looked(Option<i64>),
}

impl App {
    /// The question to ask before adding `new`, if any: a past due date
    /// (when `ask_past`), then the same title on the account moments ago.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn question_before_adding(
        &self,
        caller: &Caller,
        account: &Account,
        new: &NewAction,
        owner_mention: &str,
        pending: &PendingAdd,
        recent: Recent,
        now: DateTime<Utc>,
        ask_past: bool,
    ) -> anyhow::Result<Option<Reply>> {
        let today = caller.today(now);
        let title = escape(&new.title);
        let name = escape(&account.name);
        if let Some(due) = new.due_date.filter(|due| ask_past && due_is_past(*due, today)) {
            let text = format!(
                ":warning: The due date {} is in the past ({}), so I haven't added anything yet. \
                 I would add to *{name}*: {title} — owner {owner_mention}, due {}.\n\
                 Add it as it is, or send the command again with a later date, like `/plan add {name}: {title} due friday`.",
                due.format("%b %-d, %Y"),
                days_phrase((due - today).num_days()),
                due_with_date(due, today),
            );
            let blocks = confirm_add(&text, "Add with a past due date", confirm_ids::ADD_PAST_DUE, &pending.encode());
            return Ok(Some(Reply::private(MessageContent::new(text, blocks))));
        }
        let since = now - Duration::minutes(DUPLICATE_MINUTES);
        let existing = match recent {
            Recent::NotLooked => actions::recent_with_title(&self.pool, account.account_id, &new.title, since).await?,
            Recent::Looked(None) => None,
            Recent::Looked(Some(item_id)) => actions::by_id(&self.pool, item_id).await?,
        };
        if let Some(existing) = existing {
            let text = format!(
                ":warning: *{name}* already has `#{}` {} (owner {}), added in the last {DUPLICATE_MINUTES} minutes, \
                 so I haven't added it again. Add a second one anyway?",
                existing.action_item_id,
                escape(&existing.title),
                existing.owner_mention(),
            );
            let blocks = confirm_add(&text, "Add it again", confirm_ids::ADD_AGAIN, &pending.encode());
            return Ok(Some(Reply::private(MessageContent::new(text, blocks))));
        }
        Ok(None)
    }

    /// A click on *Add with a past due date* or *Add it again*: adds the item
    /// the button carries, once however often it is clicked.
    pub async fn confirm_add(&self, caller: &Caller, value: &str, confirmation: Confirmation, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let Some(pending) = PendingAdd::decode(value).filter(|pending| pending.asked(caller)) else {
            return Ok(Reply::note("I couldn't read what that button was to add, so nothing was added. Send the `/plan add` command again."));
        };
        if now.timestamp() - pending.offered_at > CONFIRMATION_HOURS * 3600 {
            return Ok(Reply::note(
                "That question is too old to answer with a click, so nothing was added. Send the `/plan add` command again.",
            ));
        }
        let Some(account) = accounts::visible_by_id(&self.pool, caller.viewer(), pending.account_id).await? else {
            return Ok(Reply::note("I couldn't find that account among the accounts you can see, so nothing was added."));
        };
        let already = || Reply::note(format!("`{}` was already added to *{}*; once is enough.", pending.title.replace('`', "'"), account.name));
        if crate::store::events::seen(&self.pool, &pending.once_key()).await? {
            return Ok(already());
        }
        let new = pending.new_action();
        if confirmation == Confirmation::PastDue
            && let Some(question) = self.question_before_adding(caller, &account, &new, "", &pending, Recent::NotLooked, now, false).await?
        {
            return Ok(question);
        }
        match actions::add_once(&self.pool, &pending.once_key(), &new, caller.actor()).await {
            Ok(Some(added)) => Ok(Reply::note(added_text(&added, &account, caller.today(now)))),
            Ok(None) => Ok(already()),
            Err(AddError::NoActivePlan) => Ok(Reply::note(format!(
                "*{}* has no active plan to add action items to any more, so nothing was added.",
                account.name
            ))),
            Err(AddError::Database(err)) => Err(err.into()),
        }
    }

    /// `/plan undo`: the caller's last change to an action item in the last
    /// [`UNDO_MINUTES`] minutes, taken back. An item they added is
    /// cancelled; anything else gets its previous values.
    pub async fn undo(&self, caller: &Caller, now: DateTime<Utc>) -> anyhow::Result<Reply> {
        let nothing = || {
            Reply::note(format!(
                "Nothing to undo: you haven't changed an action item in the last {UNDO_MINUTES} minutes \
                 (or you already undid it). `/plan actions` lists your items."
            ))
        };
        let since = now - Duration::minutes(UNDO_MINUTES);
        let Some(change) = actions::last_change(&self.pool, caller.user.user_id, since).await? else {
            return Ok(nothing());
        };
        let Some(item) = self.visible_item(caller, change.item_id).await? else { return Ok(nothing()) };
        let id = item.action_item_id;
        let title = escape(&item.title);
        if change.changed_since {
            return Ok(Reply::note(format!(
                "`#{id}` {title} was changed by someone else after you, so I left it as it is. \
                 Change it directly instead, like `/plan due {id} friday` or `/plan reassign {id} @jane`."
            )));
        }
        let mut values = Map::new();
        if change.action == "insert" {
            if item.status == ActionStatus::Cancelled {
                return Ok(nothing());
            }
            values.insert("status".into(), Value::String("cancelled".into()));
        } else {
            for (field, old, _) in &change.fields {
                if actions::RESTORABLE.contains(&field.as_str()) {
                    values.insert(field.clone(), old.clone().map_or(Value::Null, Value::String));
                }
            }
        }
        if values.is_empty() {
            return Ok(nothing());
        }
        let Some(restored) = actions::restore(&self.pool, id, &values, caller.user.user_id).await? else {
            return Ok(nothing());
        };
        let today = caller.today(now);
        let field = |name: &str| change.fields.iter().find(|(field, _, _)| field == name);
        let what = if change.action == "insert" {
            format!("`#{id}` {title}, which you added, is removed (cancelled)")
        } else if field("status").is_some_and(|(_, _, new)| new.as_deref() == Some("done")) {
            format!("`#{id}` {title} is open again")
        } else if field("owner_id").is_some() {
            format!("`#{id}` {title} belongs to {} again", restored.owner_mention())
        } else if field("due_date").is_some() {
            match restored.due_date {
                Some(due) => format!("`#{id}` {title} is due {} again", due_with_date(due, today)),
                None => format!("`#{id}` {title} has no due date again"),
            }
        } else if field("snoozed_until").is_some() {
            match restored.snoozed_until.filter(|until| *until > now) {
                Some(until) => format!("`#{id}` {title} is snoozed until {} again", until.with_timezone(&caller.tz()).format("%b %-d")),
                None => format!("`#{id}` {title} is no longer snoozed"),
            }
        } else {
            format!("`#{id}` {title} is as it was")
        };
        Ok(Reply::note(format!(":leftwards_arrow_with_hook: Undone: {what}.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_item_with_the_longest_title_fits_in_a_button_value() {
        let pending = PendingAdd {
            account_id: i64::MAX,
            title: "\"é\\".repeat(crate::domain::validate::LONGEST_TITLE / 3 + 1),
            owner_id: i64::MAX,
            due: NaiveDate::from_ymd_opt(2026, 12, 1),
            key: format!("{}-{}", i64::MAX, i64::MAX),
            offered_at: i64::MAX,
        };
        let value = pending.encode();
        assert!(value.chars().count() < 2000, "{} characters", value.chars().count());
        assert_eq!(PendingAdd::decode(&value), Some(pending));
        assert_eq!(PendingAdd::decode("142"), None);
    }
}
