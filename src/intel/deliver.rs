//! Who hears about new intel, and when: followers (people by DM, channels)
//! and each account's linked channel, filtered by the categories they chose,
//! one message per account and recipient for everything that arrived
//! together, written to the outbox in the transaction that stored the items.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::domain::people::Person;
use crate::domain::enums::DmKind;
use crate::store::intel::IntelItem;
use crate::store::outbox::{self, Delivery, NewMessage, Payload, Target};
use crate::store::subscriptions::{self, IntelRecipient};
use crate::store::users::{self, User};
use crate::render;

/// The outbox kind of intel messages.
pub const KIND: &str = "intel";

/// Items published longer ago than this are stored (the summary lists
/// them) but not announced: a feed added today brings its whole archive,
/// and last month's news is not news.
pub const ANNOUNCE_WITHIN: Duration = Duration::days(3);

/// When a DM of `kind` may reach `user`: `None` when they turned that kind
/// off, else `now` or the end of their quiet hours.
pub fn dm_run_at(user: &User, kind: DmKind, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    user.wants(kind).then(|| user.window().next_open(now))
}

/// A short, stable digest of ids, for dedupe keys: the same set of items
/// for the same recipient is one message, however often it is enqueued.
pub fn digest(ids: &[i64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mut hasher = Sha256::new();
    for id in sorted {
        hasher.update(id.to_le_bytes());
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Enqueues the announcements of newly stored items; returns how many
/// messages were enqueued.
pub async fn enqueue(conn: &mut PgConnection, items: &[IntelItem], now: DateTime<Utc>) -> sqlx::Result<u64> {
    let fresh: Vec<&IntelItem> = items.iter().filter(|i| i.published_at >= now - ANNOUNCE_WITHIN).collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let mut account_ids: Vec<i64> = fresh.iter().map(|i| i.account_id).collect();
    account_ids.sort_unstable();
    account_ids.dedup();
    let recipients = subscriptions::intel_recipients(conn, &account_ids).await?;
    let mut user_ids: Vec<i64> = recipients.iter().filter_map(|r| r.user_id).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let people: HashMap<i64, User> =
        users::by_ids(conn, &user_ids).await?.into_iter().map(|u| (u.user_id, u)).collect();
    let messages = messages(&fresh, &recipients, &people, now);
    Ok(outbox::enqueue_many(conn, &messages).await?.len() as u64)
}

/// The messages for `items`: for each account, each recipient that wants at
/// least one of its items gets one message with those items.
pub fn messages(
    items: &[&IntelItem],
    recipients: &[IntelRecipient],
    people: &HashMap<i64, User>,
    now: DateTime<Utc>,
) -> Vec<NewMessage> {
    let mut by_account: BTreeMap<i64, Vec<&IntelItem>> = BTreeMap::new();
    for item in items {
        by_account.entry(item.account_id).or_default().push(item);
    }
    let mut out = Vec::new();
    for recipient in recipients {
        let Some(account_items) = by_account.get(&recipient.account_id) else { continue };
        let wanted: Vec<IntelItem> =
            account_items.iter().filter(|i| recipient.wants(&i.category)).map(|i| (*i).clone()).collect();
        if wanted.is_empty() {
            continue;
        }
        let (target, key, tz, run_at) = match (&recipient.channel_id, recipient.user_id) {
            (Some(channel), _) => (Target::Channel(channel.clone()), format!("c:{channel}"), chrono_tz::UTC, now),
            (None, Some(user_id)) => {
                let Some(user) = people.get(&user_id) else { continue };
                let Some(run_at) = dm_run_at(user, DmKind::Intel, now) else { continue };
                (Target::User(user_id), format!("u:{user_id}"), user.time_zone(), run_at)
            }
            (None, None) => continue,
        };
        let ids: Vec<i64> = wanted.iter().map(|i| i.intel_item_id).collect();
        let content = render::intel::items_message(&wanted[0].account_name, &wanted, tz);
        out.push(NewMessage {
            kind: KIND,
            target,
            payload: Payload { content, delivery: Delivery::Post },
            dedupe_key: format!("intel:{}:{key}:{}", recipient.account_id, digest(&ids)),
            run_at,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_ignores_order_and_tells_sets_apart() {
        assert_eq!(digest(&[3, 1, 2]), digest(&[1, 2, 3]));
        assert_ne!(digest(&[1, 2]), digest(&[1, 2, 3]));
        assert_eq!(digest(&[1]).len(), 16);
    }
}
