//! Messages are true when they arrive. A nudge or digest may wait for
//! quiet hours or a weekend to end; at send time its action items are
//! looked at again: those done, cancelled, snoozed or handed to someone
//! else since are left out, a nudge is drawn again for what is left, and a
//! nudge with nothing left to say is dropped instead of sent.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::enums::ActionStatus;
use crate::render::MessageContent;
use crate::store::actions::{self, ActionItem};
use crate::store::outbox::{Claimed, Payload, Recipient};
use crate::store::users;

/// What to do with a message about to be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum AtSend {
    /// Send this (as it was, or drawn again).
    Send(Payload),
    /// Nothing left to say: do not send.
    Drop(String),
}

/// The items a message lists, by their blocks' ids (`item:{id}`).
fn listed_items(content: &MessageContent) -> Vec<i64> {
    let blocks = serde_json::to_value(&content.blocks).unwrap_or_default();
    let mut ids: Vec<i64> = blocks
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b.get("block_id").and_then(|id| id.as_str()))
                .filter_map(|id| id.strip_prefix("item:").and_then(|n| n.parse().ok()))
                .collect()
        })
        .unwrap_or_default();
    ids.dedup();
    ids
}

/// Whether an item still belongs in a message to `user_id` at `now`.
fn still_due(item: &ActionItem, user_id: i64, now: DateTime<Utc>) -> bool {
    item.status == ActionStatus::Open && item.owner_id == user_id && item.snoozed_until.is_none_or(|until| until <= now)
}

/// The message as it should go out at `now`.
pub async fn check(pool: &PgPool, message: &Claimed, payload: Payload, now: DateTime<Utc>) -> anyhow::Result<AtSend> {
    let Recipient::Person { user_id, .. } = &message.recipient else { return Ok(AtSend::Send(payload)) };
    if !matches!(message.kind.as_str(), "nudge" | "digest") {
        return Ok(AtSend::Send(payload));
    }
    let ids = listed_items(&payload.content);
    if ids.is_empty() {
        return Ok(AtSend::Send(payload));
    }
    let items = actions::by_ids(pool, &ids).await?;
    let Some(user) = users::by_id(pool, *user_id).await? else { return Ok(AtSend::Send(payload)) };
    let today = now.with_timezone(&user.time_zone()).date_naive();
    let keep: Vec<ActionItem> = items
        .into_iter()
        .filter(|i| still_due(i, *user_id, now) && (message.kind != "nudge" || i.due_date.is_some_and(|d| d < today)))
        .collect();
    if keep.len() == ids.len() {
        return Ok(AtSend::Send(payload));
    }
    let gone: Vec<i64> = ids.iter().copied().filter(|id| !keep.iter().any(|i| i.action_item_id == *id)).collect();
    if message.kind == "nudge" {
        if keep.is_empty() {
            return Ok(AtSend::Drop(format!("dropped at send time: its {} items were dealt with meanwhile", ids.len())));
        }
        // "You have N overdue action items": N counts those not listed too.
        let said: i64 = payload
            .content
            .text
            .strip_prefix("You have ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(ids.len() as i64);
        let total = (said - gone.len() as i64).max(keep.len() as i64);
        let content = crate::render::notices::nudge(&keep, total, today, now);
        return Ok(AtSend::Send(Payload { content, ..payload }));
    }
    // A digest says more than its items: those dealt with are left out.
    let mut blocks = serde_json::to_value(&payload.content.blocks).unwrap_or_default().as_array().cloned().unwrap_or_default();
    for id in gone {
        let kept = crate::render::items::replace_item(&blocks, id, Vec::new());
        blocks = serde_json::to_value(&kept).unwrap_or_default().as_array().cloned().unwrap_or_default();
    }
    let blocks = serde_json::from_value(serde_json::Value::Array(blocks)).unwrap_or(payload.content.blocks.clone());
    Ok(AtSend::Send(Payload { content: MessageContent::new(payload.content.text.clone(), blocks), ..payload }))
}
