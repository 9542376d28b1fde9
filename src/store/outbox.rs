//! The outbox: every message planbot sends is first a row here, written in
//! the transaction of the change (or tick) that caused it. The unique dedupe
//! key makes a second enqueue of the same message a no-op, so a retried
//! event, a re-run tick or a second replica never sends it twice.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use crate::slack::api::MessageContent;

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A channel id (or a DM channel id Slack gave us).
    Channel(String),
    /// A person, in planbot's DM with them; their Slack id is looked up when
    /// the message is sent, so people imported by email can be messaged.
    User(i64),
}

/// How the message is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Delivery {
    /// `chat.postMessage`.
    #[default]
    Post,
    /// `chat.postEphemeral` to this Slack user in the target channel.
    Ephemeral { user: String },
}

/// What is stored in `outbox.payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payload {
    #[serde(flatten)]
    pub content: MessageContent,
    #[serde(default)]
    pub delivery: Delivery,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    /// What kind of message this is (`reply`, `nudge`, `deadline`, ...), for
    /// metrics and the outbox status.
    pub kind: &'static str,
    pub target: Target,
    pub payload: Payload,
    pub dedupe_key: String,
    /// Not before this instant (quiet hours hold messages here).
    pub run_at: DateTime<Utc>,
}

/// Enqueues a message in the caller's transaction; `false` when a message
/// with its dedupe key was enqueued before (and this one is dropped).
pub async fn enqueue(conn: &mut PgConnection, message: &NewMessage) -> sqlx::Result<bool> {
    let (channel, user) = match &message.target {
        Target::Channel(channel) => (Some(channel.as_str()), None),
        Target::User(user_id) => (None, Some(*user_id)),
    };
    let payload = serde_json::to_value(&message.payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query(
        "insert into outbox (kind, target_channel, target_user_id, payload, dedupe_key, run_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (dedupe_key) do nothing",
    )
    .bind(message.kind)
    .bind(channel)
    .bind(user)
    .bind(payload)
    .bind(&message.dedupe_key)
    .bind(message.run_at)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Enqueues many messages in one statement (a poll that brings news for
/// thousands of accounts); messages whose dedupe key was enqueued before
/// are dropped. Returns how many were new.
pub async fn enqueue_many(conn: &mut PgConnection, messages: &[NewMessage]) -> sqlx::Result<u64> {
    if messages.is_empty() {
        return Ok(0);
    }
    let mut kinds = Vec::with_capacity(messages.len());
    let mut channels = Vec::with_capacity(messages.len());
    let mut users = Vec::with_capacity(messages.len());
    let mut payloads = Vec::with_capacity(messages.len());
    let mut keys = Vec::with_capacity(messages.len());
    let mut run_ats = Vec::with_capacity(messages.len());
    for message in messages {
        let (channel, user) = match &message.target {
            Target::Channel(channel) => (Some(channel.as_str()), None),
            Target::User(user_id) => (None, Some(*user_id)),
        };
        kinds.push(message.kind);
        channels.push(channel);
        users.push(user);
        payloads.push(serde_json::to_value(&message.payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?);
        keys.push(message.dedupe_key.as_str());
        run_ats.push(message.run_at);
    }
    let inserted = sqlx::query(
        "insert into outbox (kind, target_channel, target_user_id, payload, dedupe_key, run_at) \
         select * from unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::text[], $6::timestamptz[]) \
         on conflict (dedupe_key) do nothing",
    )
    .bind(&kinds)
    .bind(&channels)
    .bind(&users)
    .bind(&payloads)
    .bind(&keys)
    .bind(&run_ats)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected())
}
