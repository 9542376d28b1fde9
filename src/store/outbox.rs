//! The outbox: every message planbot sends is first a row here, written in
//! the transaction of the change (or tick) that caused it. The unique dedupe
//! key makes a second enqueue of the same message a no-op, so a retried
//! event, a re-run tick or a second replica never sends it twice.
//!
//! Delivery claims rows with a lease: a claimed row is invisible to other
//! workers until its outcome is recorded or the lease runs out (the worker
//! died), when it is claimed again. Claims take turns across the cluster on
//! the workspace bucket's row lock, which is what lets them keep Slack's
//! per-channel pace: each claim takes at most one message per channel, and
//! only from channels whose next slot has come ([`outbox_pace`]).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use crate::domain::exchange::Picture;
use crate::domain::pacing::TokenBucket;
use crate::domain::message::MessageContent;

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
    /// A picture of an account, drawn when it is sent (so it shows the
    /// account as it is then) and shared with Slack's external upload; the
    /// message's text goes with it as its comment.
    Upload {
        account_id: i64,
        map: Picture,
        /// The asker's date, printed in the picture's footer.
        on: NaiveDate,
        /// The Slack file an earlier attempt uploaded: a retry shares that
        /// one (once it has looked whether the share went through) rather
        /// than uploading another.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_id: Option<String>,
    },
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
    Ok(!enqueue_many(conn, std::slice::from_ref(message)).await?.is_empty())
}

/// Enqueues many messages in one statement (a tick may write thousands);
/// returns the dedupe keys of those that were new. Messages whose dedupe key
/// is taken are dropped.
pub async fn enqueue_many(conn: &mut PgConnection, messages: &[NewMessage]) -> sqlx::Result<Vec<String>> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let mut kinds = Vec::with_capacity(messages.len());
    let mut channels = Vec::with_capacity(messages.len());
    let mut users = Vec::with_capacity(messages.len());
    let mut payloads = Vec::with_capacity(messages.len());
    let mut keys = Vec::with_capacity(messages.len());
    let mut run_ats = Vec::with_capacity(messages.len());
    for message in messages {
        let (channel, user) = match &message.target {
            Target::Channel(channel) => (Some(channel.clone()), None),
            Target::User(user_id) => (None, Some(*user_id)),
        };
        kinds.push(message.kind);
        channels.push(channel);
        users.push(user);
        // As text, cast in SQL: building a JSON value first only to encode it again costs a tick of thousands.
        payloads.push(serde_json::to_string(&message.payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?);
        keys.push(message.dedupe_key.as_str());
        run_ats.push(message.run_at);
    }
    sqlx::query_scalar(
        "insert into outbox (kind, target_channel, target_user_id, payload, dedupe_key, run_at) \
         select kind, channel, user_id, payload::jsonb, dedupe_key, run_at \
         from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[]) \
              as m (kind, channel, user_id, payload, dedupe_key, run_at) \
         on conflict (dedupe_key) do nothing \
         returning dedupe_key",
    )
    .bind(&kinds)
    .bind(&channels)
    .bind(&users)
    .bind(&payloads)
    .bind(&keys)
    .bind(&run_ats)
    .fetch_all(conn)
    .await
}

/// Notes on a claimed upload which Slack file it uploaded, before the file
/// is shared, so that a retry after a lost answer shares that file instead
/// of uploading a second one. `false` when the message is no longer this
/// replica's (its lease ran out and another took it).
pub async fn remember_upload(pool: &PgPool, outbox_id: i64, replica: &str, file_id: &str) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "update outbox set payload = jsonb_set(payload, '{delivery,file_id}', to_jsonb($2::text)) \
         where outbox_id = $1 and leased_by = $3 and sent_at is null and payload->'delivery'->>'mode' = 'upload'",
    )
    .bind(outbox_id)
    .bind(file_id)
    .bind(replica)
    .execute(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// How claims pace delivery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pacing {
    /// How long a claimed message is reserved for its worker.
    pub lease: Duration,
    /// The workspace-wide ceiling, in messages per second...
    pub per_second: f64,
    /// ...and how many may go out at once after a quiet spell.
    pub burst: f64,
}

/// Who a claimed message is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    Channel(String),
    /// A person: their Slack id when planbot knows it, else their email to look it up.
    Person { user_id: i64, slack_id: Option<String>, email: String },
}

/// A message a worker holds the lease of.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub outbox_id: i64,
    pub kind: String,
    pub dedupe_key: String,
    pub pace_key: String,
    pub recipient: Recipient,
    /// Decoded by the worker, so an unreadable payload is dead-lettered
    /// rather than failing every claim.
    pub payload: serde_json::Value,
    /// Including this one.
    pub attempts: i32,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    outbox_id: i64,
    kind: String,
    dedupe_key: String,
    pace_key: String,
    target_channel: Option<String>,
    target_user_id: Option<i64>,
    slack_id: Option<String>,
    email: Option<String>,
    payload: serde_json::Value,
    attempts: i32,
}

impl From<ClaimedRow> for Claimed {
    fn from(row: ClaimedRow) -> Self {
        let recipient = match (row.target_channel, row.target_user_id) {
            (Some(channel), _) => Recipient::Channel(channel),
            (None, user_id) => Recipient::Person {
                user_id: user_id.unwrap_or_default(),
                slack_id: row.slack_id,
                email: row.email.unwrap_or_default(),
            },
        };
        Claimed {
            outbox_id: row.outbox_id,
            kind: row.kind,
            dedupe_key: row.dedupe_key,
            pace_key: row.pace_key,
            recipient,
            payload: row.payload,
            attempts: row.attempts,
        }
    }
}

/// What a claim got, and when something more may be ready.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claim {
    pub messages: Vec<Claimed>,
    /// `None` when the claim was cut short by its limit (more may be ready
    /// now); otherwise the earliest instant a pending message may become
    /// claimable (a channel's next slot, a held message's time, a lease's
    /// end, or the bucket's next token), if any message is pending.
    pub next_ready_at: Option<DateTime<Utc>>,
}

/// Claims up to `max` messages that may be sent at `now`: the oldest ready
/// message of each channel whose next slot has come, as many as the
/// workspace bucket allows. Each is leased to `replica` until `now + lease`,
/// its attempt counted, and its channel blocked for as long.
pub async fn claim(pool: &PgPool, replica: &str, now: DateTime<Utc>, max: usize, pacing: &Pacing) -> sqlx::Result<Claim> {
    let mut tx = pool.begin().await?;
    // Claims take turns on this row, cluster-wide.
    let stored: Option<(f64, DateTime<Utc>)> =
        sqlx::query_as("select tokens, refilled_at from outbox_bucket where outbox_bucket_id = 1 for update")
            .fetch_optional(&mut *tx)
            .await?;
    let (tokens, refilled_at) = stored.unwrap_or((0.0, DateTime::UNIX_EPOCH));
    let mut bucket = TokenBucket { tokens, refilled_at }.refilled(now, pacing.per_second, pacing.burst);
    let allowed = bucket.available().min(max);

    let messages: Vec<Claimed> = if allowed == 0 {
        Vec::new()
    } else {
        sqlx::query_as::<_, ClaimedRow>(
            "with first_per_channel as ( \
                 select distinct on (o.pace_key) o.outbox_id, o.pace_key, o.run_at, o.leased_until \
                 from outbox o \
                 where o.sent_at is null and o.dead_at is null \
                 order by o.pace_key, o.run_at, o.outbox_id \
             ), ready as ( \
                 select f.outbox_id from first_per_channel f \
                 where f.run_at <= $1 \
                   and (f.leased_until is null or f.leased_until <= $1) \
                   and not exists (select 1 from outbox_pace p \
                                   where p.pace_key = f.pace_key and p.next_send_at > $1) \
                 order by f.run_at, f.outbox_id \
                 limit $2 \
             ), locked as ( \
                 select o.outbox_id from outbox o join ready using (outbox_id) \
                 where o.sent_at is null and o.dead_at is null \
                 for update of o skip locked \
             ), claimed as ( \
                 update outbox o set leased_until = $1 + $3, leased_by = $4, attempts = o.attempts + 1 \
                 from locked where o.outbox_id = locked.outbox_id \
                 returning o.outbox_id, o.kind, o.dedupe_key, o.pace_key, o.target_channel, \
                           o.target_user_id, o.payload, o.attempts, o.run_at \
             ) \
             select c.outbox_id, c.kind, c.dedupe_key, c.pace_key, c.target_channel, c.target_user_id, \
                    u.slack_id, u.email, c.payload, c.attempts \
             from claimed c left join app_user u on u.user_id = c.target_user_id \
             order by c.run_at, c.outbox_id",
        )
        .bind(now)
        .bind(allowed as i64)
        .bind(pacing.lease)
        .bind(replica)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(Claimed::from)
        .collect()
    };

    if !messages.is_empty() {
        bucket.tokens -= messages.len() as f64;
        let keys: Vec<&str> = messages.iter().map(|m| m.pace_key.as_str()).collect();
        sqlx::query(
            "insert into outbox_pace (pace_key, next_send_at) select unnest($1::text[]), $2 \
             on conflict (pace_key) do update set next_send_at = excluded.next_send_at",
        )
        .bind(&keys)
        .bind(now + pacing.lease)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "insert into outbox_bucket (outbox_bucket_id, tokens, refilled_at) values (1, $1, $2) \
         on conflict (outbox_bucket_id) do update set tokens = excluded.tokens, refilled_at = excluded.refilled_at",
    )
    .bind(bucket.tokens)
    .bind(bucket.refilled_at)
    .execute(&mut *tx)
    .await?;

    let next_ready_at = if allowed > 0 && messages.len() == allowed {
        None
    } else {
        let pending: Option<DateTime<Utc>> = next_ready(&mut tx, now).await?;
        match pending {
            Some(at) if allowed == 0 => Some(at.max(bucket.next_token_at(pacing.per_second))),
            other => other,
        }
    };
    tx.commit().await?;
    Ok(Claim { messages, next_ready_at })
}

/// The earliest instant after `now` at which a pending message may become
/// claimable: a held message's time, or the next slot of a blocked channel
/// that has messages waiting. Both are index probes, not scans.
async fn next_ready(conn: &mut PgConnection, now: DateTime<Utc>) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "select least( \
             (select min(run_at) from outbox where sent_at is null and dead_at is null and run_at > $1), \
             (select min(p.next_send_at) from outbox_pace p \
              where p.next_send_at > $1 \
                and exists (select 1 from outbox o where o.pace_key = p.pace_key \
                            and o.sent_at is null and o.dead_at is null)))",
    )
    .bind(now)
    .fetch_one(conn)
    .await
}

/// What became of a claimed message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Slack took it; where it put it, so the message can be edited later.
    Sent { channel: String, ts: Option<String> },
    /// Slack said to wait (429): the message keeps its place in its
    /// channel's queue, the channel waits, and no attempt is spent.
    RateLimited,
    /// Try again at `run_at`.
    Retry { run_at: DateTime<Utc>, error: String },
    /// Given up on: a permanent error, or too many attempts.
    Dead { error: String },
    /// Not sent, on purpose: by send time it had nothing left to say.
    Dropped { reason: String },
}

/// Records the outcome of a send by `replica`, and when the message's channel
/// may receive its next message. A worker whose lease ran out (and whose
/// message another worker now holds) changes nothing but a send it made.
pub async fn record(
    pool: &PgPool,
    message: &Claimed,
    replica: &str,
    now: DateTime<Utc>,
    outcome: &Outcome,
    channel_free_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let still_ours: Option<bool> = match outcome {
        Outcome::Sent { channel, ts } => {
            sqlx::query_scalar(
                "update outbox o set sent_at = $2, slack_channel = $3, slack_ts = $4, last_error = null, \
                        leased_until = null, leased_by = null \
                 from (select outbox_id, leased_by from outbox where outbox_id = $1 for update) prior \
                 where o.outbox_id = prior.outbox_id and o.sent_at is null \
                 returning coalesce(prior.leased_by = $5, false)",
            )
            .bind(message.outbox_id)
            .bind(now)
            .bind(channel)
            .bind(ts)
            .bind(replica)
            .fetch_optional(&mut *tx)
            .await?
        }
        Outcome::Dropped { reason } => {
            // Done with, like a sent message, with no Slack message behind it.
            sqlx::query_scalar(
                "update outbox set sent_at = $2, last_error = $3, leased_until = null, leased_by = null \
                 where outbox_id = $1 and leased_by = $4 and sent_at is null \
                 returning true",
            )
            .bind(message.outbox_id)
            .bind(now)
            .bind(reason)
            .bind(replica)
            .fetch_optional(&mut *tx)
            .await?
        }
        Outcome::RateLimited => {
            sqlx::query_scalar(
                "update outbox set last_error = 'rate limited by Slack', attempts = attempts - 1, \
                        leased_until = null, leased_by = null \
                 where outbox_id = $1 and leased_by = $2 and sent_at is null and dead_at is null \
                 returning true",
            )
            .bind(message.outbox_id)
            .bind(replica)
            .fetch_optional(&mut *tx)
            .await?
        }
        Outcome::Retry { .. } | Outcome::Dead { .. } => {
            // A retry keeps the message for later; a dead letter ends it.
            let (run_at, dead_at, error) = match outcome {
                Outcome::Retry { run_at, error } => (Some(run_at), None, error),
                Outcome::Dead { error } => (None, Some(now), error),
                _ => unreachable!("matched above"),
            };
            sqlx::query_scalar(
                "update outbox set run_at = coalesce($2, run_at), dead_at = $3, last_error = $4, \
                        leased_until = null, leased_by = null \
                 where outbox_id = $1 and leased_by = $5 and sent_at is null and dead_at is null \
                 returning true",
            )
            .bind(message.outbox_id)
            .bind(run_at)
            .bind(dead_at)
            .bind(error)
            .bind(replica)
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    if still_ours == Some(true) {
        sqlx::query("update outbox_pace set next_send_at = $2 where pace_key = $1")
            .bind(&message.pace_key)
            .bind(channel_free_at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

/// A message given up on.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DeadLetter {
    pub outbox_id: i64,
    pub kind: String,
    pub pace_key: String,
    pub dedupe_key: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub dead_at: DateTime<Utc>,
}

/// The outbox at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Waiting to be sent now.
    pub ready: i64,
    /// Held until later (quiet hours, backoff, Retry-After).
    pub held: i64,
    /// Being sent (leased).
    pub in_flight: i64,
    /// When the oldest ready message became ready.
    pub oldest_ready: Option<DateTime<Utc>>,
    /// When the next held message becomes ready.
    pub next_held: Option<DateTime<Utc>>,
    pub sent_last_day: i64,
    pub dead: i64,
    /// The most recent dead letters, newest first.
    pub dead_letters: Vec<DeadLetter>,
}

/// How many messages wait (ready now, and held for later).
pub async fn depth(pool: &PgPool, now: DateTime<Utc>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "select count(*) filter (where run_at <= $1), count(*) filter (where run_at > $1) \
         from outbox where sent_at is null and dead_at is null",
    )
    .bind(now)
    .fetch_one(pool)
    .await
}

pub async fn status(pool: &PgPool, now: DateTime<Utc>, dead_letters: i64) -> sqlx::Result<Status> {
    type Counts = (i64, i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let (ready, held, in_flight, oldest_ready, next_held): Counts = sqlx::query_as(
        "select count(*) filter (where run_at <= $1 and (leased_until is null or leased_until <= $1)), \
                count(*) filter (where run_at > $1), \
                count(*) filter (where leased_until > $1), \
                min(run_at) filter (where run_at <= $1), \
                min(run_at) filter (where run_at > $1) \
         from outbox where sent_at is null and dead_at is null",
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    let sent_last_day: i64 = sqlx::query_scalar("select count(*) from outbox where sent_at > $1 - interval '1 day'")
        .bind(now)
        .fetch_one(pool)
        .await?;
    let dead: i64 = sqlx::query_scalar("select count(*) from outbox where dead_at is not null").fetch_one(pool).await?;
    let dead_letters = sqlx::query_as(
        "select outbox_id, kind, pace_key, dedupe_key, attempts, last_error, dead_at \
         from outbox where dead_at is not null order by dead_at desc, outbox_id desc limit $1",
    )
    .bind(dead_letters)
    .fetch_all(pool)
    .await?;
    Ok(Status { ready, held, in_flight, oldest_ready, next_held, sent_last_day, dead, dead_letters })
}

/// Gives every dead letter a fresh start at `now` (after the cause was
/// fixed: a channel re-created, the bot invited); returns how many.
pub async fn requeue_dead(pool: &PgPool, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let requeued = sqlx::query(
        "update outbox set dead_at = null, attempts = 0, run_at = $1, leased_until = null, leased_by = null \
         where dead_at is not null",
    )
    .bind(now)
    .execute(pool)
    .await?;
    Ok(requeued.rows_affected())
}

/// The latest instant the delivery pace has been reckoned to (the token
/// bucket's refill or a channel's next slot): a console that replays time
/// (the demo) delivers from there so its own clock never runs backwards.
pub async fn paced_until(pool: &PgPool) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "select greatest((select max(next_send_at) from outbox_pace), \
                         (select refilled_at from outbox_bucket where outbox_bucket_id = 1))",
    )
    .fetch_one(pool)
    .await
}
