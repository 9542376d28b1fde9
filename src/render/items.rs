//! Action items as Slack shows them: a line each, with *Done*, *Snooze 1 day*,
//! *Snooze 1 week* and *Reassign* buttons under items that are still open.

use chrono::{DateTime, NaiveDate, Utc};
use slack_morphism::prelude::*;

use crate::domain::enums::ActionStatus;
use crate::render::blocks::{self, actions, button, context, escape, limits, section};
use crate::store::actions::ActionItem;
use crate::render::summary::item_line;

/// Action ids of the item buttons.
pub mod action_ids {
    pub const DONE: &str = "item.done";
    pub const SNOOZE_DAY: &str = "item.snooze_day";
    pub const SNOOZE_WEEK: &str = "item.snooze_week";
    pub const REASSIGN: &str = "item.reassign";
    /// The person picker that replaces an item's buttons after *Reassign*.
    pub const REASSIGN_TO: &str = "item.reassign_to";
    pub const REASSIGN_CANCEL: &str = "item.reassign_cancel";
}

/// Block ids carry the item id, so a click can replace just that item's
/// blocks in the message it came from.
pub fn line_block_id(item_id: i64) -> String {
    format!("item:{item_id}")
}

pub fn buttons_block_id(item_id: i64) -> String {
    format!("item-actions:{item_id}")
}

/// Two blocks per item with buttons; 20 items stay well inside 50 blocks.
pub const MAX_ITEMS_WITH_BUTTONS: usize = 20;

/// One item: its line, and its buttons when it is still open.
pub fn item_blocks(item: &ActionItem, today: NaiveDate, now: DateTime<Utc>) -> Vec<SlackBlock> {
    let id = item.action_item_id;
    let text = match item.status {
        ActionStatus::Open => {
            let mut line = item_line(item, today, now);
            line.push_str(&format!(" · _{}_", escape(&item.account_name)));
            if let Some(until) = item.snoozed_until.filter(|u| *u > now) {
                line.push_str(&format!(" · snoozed until {}", until.format("%b %-d")));
            }
            line
        }
        ActionStatus::Done => format!(
            ":white_check_mark: ~`#{id}` {}~ · done · _{}_",
            escape(&blocks::brief(&item.title, 150)),
            escape(&item.account_name)
        ),
        ActionStatus::Cancelled => format!("~`#{id}` {}~ · cancelled", escape(&blocks::brief(&item.title, 150))),
    };
    let mut out = vec![with_block_id(section(&text), &line_block_id(id))];
    if item.status == ActionStatus::Open {
        let value = id.to_string();
        out.push(actions(
            &buttons_block_id(id),
            vec![
                blocks::primary(button("Done", action_ids::DONE, &value)),
                button("Snooze 1 day", action_ids::SNOOZE_DAY, &value),
                button("Snooze 1 week", action_ids::SNOOZE_WEEK, &value),
                button("Reassign", action_ids::REASSIGN, &value),
            ],
        ));
    }
    out
}

fn with_block_id(block: SlackBlock, id: &str) -> SlackBlock {
    match block {
        SlackBlock::Section(section) => SlackBlock::Section(section.with_block_id(id.into())),
        other => other,
    }
}

/// A titled list of items with buttons; past [`MAX_ITEMS_WITH_BUTTONS`], or
/// when `total` is larger than the page, an "and N more" line.
pub fn item_list(title: &str, items: &[ActionItem], total: i64, today: NaiveDate, now: DateTime<Utc>) -> Vec<SlackBlock> {
    let mut out = vec![section(title)];
    let shown = items.len().min(MAX_ITEMS_WITH_BUTTONS);
    for item in &items[..shown] {
        out.extend(item_blocks(item, today, now));
    }
    let hidden = total - shown as i64;
    if hidden > 0 {
        out.push(context(&format!("_…and {hidden} more. Narrow it down with `/plan actions <account>`._")));
    }
    out.truncate(limits::MESSAGE_BLOCKS);
    out
}

/// An open item with a person picker in place of its buttons (after *Reassign*).
pub fn reassign_picker(item: &ActionItem, today: NaiveDate, now: DateTime<Utc>) -> Vec<SlackBlock> {
    let mut out = item_blocks(item, today, now);
    out.truncate(1);
    let picker = SlackBlockUsersSelectElement::new()
        .with_action_id(action_ids::REASSIGN_TO.into())
        .with_placeholder(pt!("Reassign to…"));
    let cancel = button("Cancel", action_ids::REASSIGN_CANCEL, &item.action_item_id.to_string());
    out.push(
        SlackActionsBlock::new(vec![SlackActionBlockElement::UsersSelect(picker), cancel.into()])
            .with_block_id(buttons_block_id(item.action_item_id).into())
            .into(),
    );
    out
}

/// The message `blocks` (as Slack sent them back with a click) with the
/// blocks of item `item_id` replaced by `replacement`.
pub fn replace_item(blocks: &[serde_json::Value], item_id: i64, replacement: Vec<SlackBlock>) -> Vec<SlackBlock> {
    let line_id = line_block_id(item_id);
    let buttons_id = buttons_block_id(item_id);
    let mut out = Vec::with_capacity(blocks.len() + 1);
    let mut replacement = Some(replacement);
    for block in blocks {
        let block_id = block.get("block_id").and_then(|b| b.as_str()).unwrap_or("");
        if block_id == line_id {
            out.extend(replacement.take().unwrap_or_default());
        } else if block_id == buttons_id {
            continue;
        } else if let Ok(kept) = serde_json::from_value::<SlackBlock>(block.clone()) {
            out.push(kept);
        }
    }
    out.extend(replacement.unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(status: ActionStatus) -> ActionItem {
        ActionItem {
            action_item_id: 142,
            plan_id: 1,
            account_id: 1,
            account_name: "Acme".into(),
            title: "Run a security workshop".into(),
            owner_id: 1,
            owner_name: "Dana".into(),
            owner_email: "dana@example.com".into(),
            owner_slack_id: Some("U1".into()),
            due_date: NaiveDate::from_ymd_opt(2026, 11, 20),
            status,
            snoozed_until: None,
            completed_at: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    #[test]
    fn an_open_item_has_its_four_buttons_and_a_done_item_none() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let open = serde_json::to_value(item_blocks(&item(ActionStatus::Open), today, now())).unwrap();
        let ids: Vec<&str> =
            open[1]["elements"].as_array().unwrap().iter().map(|e| e["action_id"].as_str().unwrap()).collect();
        assert_eq!(ids, [action_ids::DONE, action_ids::SNOOZE_DAY, action_ids::SNOOZE_WEEK, action_ids::REASSIGN]);
        assert!(open[0]["text"]["text"].as_str().unwrap().contains(":red_circle: `#142`"));

        let done = serde_json::to_value(item_blocks(&item(ActionStatus::Done), today, now())).unwrap();
        assert_eq!(done.as_array().unwrap().len(), 1);
        assert!(done[0]["text"]["text"].as_str().unwrap().starts_with(":white_check_mark:"));
    }

    #[test]
    fn a_click_replaces_only_that_items_blocks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut other = item(ActionStatus::Open);
        other.action_item_id = 7;
        let mut message = vec![section("Your overdue items")];
        message.extend(item_blocks(&item(ActionStatus::Open), today, now()));
        message.extend(item_blocks(&other, today, now()));
        let sent: Vec<serde_json::Value> =
            serde_json::to_value(&message).unwrap().as_array().unwrap().clone();

        let updated = replace_item(&sent, 142, item_blocks(&item(ActionStatus::Done), today, now()));
        let updated = serde_json::to_value(updated).unwrap();
        let texts: Vec<String> = updated
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["block_id"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(texts, ["", "item:142", "item:7", "item-actions:7"]);
    }
}

/// Action ids of the buttons that confirm an action item planbot asked about
/// before adding it.
pub mod confirm_ids {
    /// *Add with a past due date*.
    pub const ADD_PAST_DUE: &str = "item.add_past_due";
    /// *Add it again*: the same title was added to the account moments ago.
    pub const ADD_AGAIN: &str = "item.add_again";
}

/// A question before adding an item: what would be added and why it was
/// not, and one button that adds it (its value says what to add).
pub fn confirm_add(text: &str, label: &str, action_id: &str, value: &str) -> Vec<SlackBlock> {
    vec![section(text), actions("confirm-add", vec![button(label, action_id, value)])]
}
