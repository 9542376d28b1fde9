//! The outbox worker: sends every message planbot has enqueued, once.
//!
//! Each replica runs one. It claims ready messages with a lease (see
//! [`crate::store::outbox::claim`]: at most one per channel per claim, only
//! from channels whose next slot has come, within the workspace bucket),
//! sends them concurrently, and records each outcome:
//!
//! - sent: the channel and `ts` Slack gave are kept; the channel's next slot
//!   is one interval after the send *finished*, so two messages to a channel
//!   reach Slack at least that far apart whatever the network did;
//! - 429: the channel waits Slack's `Retry-After`, the message keeping its
//!   place at the head of the channel's queue; the attempt is not counted
//!   (being told to wait is not a failure);
//! - a permanent error (`channel_not_found`, `not_in_channel`, a revoked
//!   token...) or the last allowed attempt: dead-lettered, logged as an
//!   error and counted, and listed by `planbot run-job outbox-status`;
//! - any other failure: retried after an exponential backoff with jitter.
//!
//! A worker that dies mid-send leaves its lease behind; the message is
//! claimed again when the lease ends. A send whose outcome is unknown (Slack
//! took the request but the answer was lost) is retried too: Slack has no
//! idempotency key for `chat.postMessage`, and a rare duplicate beats a lost
//! message.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::OutboxArgs;
use crate::app::pictures::Pictures;
use crate::app::slack_api::{FileUpload, SlackApi, SlackError};
use crate::store::outbox::{self, Claimed, Delivery, Outcome, Pacing, Payload, Recipient};
use crate::store::users;

/// How the worker delivers.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// Attempts (429s excepted) before a message is dead-lettered.
    pub max_attempts: i32,
    pub pacing: Pacing,
    /// From the end of one send to a channel to the start of the next.
    pub channel_interval: Duration,
    /// Sends in flight at once in this replica.
    pub concurrency: usize,
    /// How long the worker sleeps when nothing wakes it.
    pub poll: std::time::Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl From<&OutboxArgs> for DeliverySettings {
    fn from(args: &OutboxArgs) -> Self {
        let lease_secs = i64::try_from(args.outbox_lease_secs).unwrap_or(i64::MAX / 1000);
        DeliverySettings {
            max_attempts: i32::try_from(args.outbox_max_attempts).unwrap_or(i32::MAX),
            pacing: Pacing {
                lease: Duration::seconds(lease_secs),
                per_second: args.outbox_per_second,
                // a second's worth, and at least one message
                burst: args.outbox_per_second.max(1.0),
            },
            channel_interval: Duration::milliseconds(i64::try_from(args.outbox_channel_interval_ms).unwrap_or(1000)),
            concurrency: usize::from(args.outbox_concurrency).max(1),
            poll: std::time::Duration::from_millis(args.outbox_poll_ms),
            backoff_base: Duration::seconds(i64::try_from(args.outbox_backoff_secs).unwrap_or(2)),
            backoff_max: Duration::minutes(15),
        }
    }
}

impl DeliverySettings {
    /// How long a single Slack call may take: well inside the lease, so a
    /// send never outlives its claim.
    fn send_timeout(&self) -> std::time::Duration {
        (self.pacing.lease / 2).to_std().unwrap_or(std::time::Duration::from_secs(30))
    }
}

/// The wait before retry number `attempt` (1 for the first failure):
/// `base`, doubled per attempt, capped at `max`, of which a random half
/// (`jitter` in 0..1) is dropped so replicas that failed together do not
/// retry together.
pub fn backoff(attempt: i32, base: Duration, max: Duration, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(30);
    let full = base.checked_mul(1 << doublings.min(20)).unwrap_or(max).min(max);
    let half = full / 2;
    half + Duration::milliseconds((half.num_milliseconds() as f64 * jitter.clamp(0.0, 1.0)) as i64)
}

/// Why a send did not go out.
#[derive(Debug, Clone)]
pub enum Failure {
    Slack(SlackError),
    /// Our own side failed in a way that may pass (the database, while
    /// drawing a picture): tried again like a Slack outage.
    Passing(String),
    /// Nothing to send it to (a person nobody in the workspace has the
    /// email of) or nothing readable to send: trying again will not help.
    Undeliverable(String),
}

/// What happens to a message after a send, and when its channel is free
/// again; `finished` is when the send's answer came.
pub fn decide(
    result: Result<(String, Option<String>), Failure>,
    attempts: i32,
    finished: DateTime<Utc>,
    settings: &DeliverySettings,
    jitter: f64,
) -> (Outcome, DateTime<Utc>) {
    let paced = finished + settings.channel_interval;
    match result {
        Ok((channel, ts)) => (Outcome::Sent { channel, ts }, paced),
        Err(Failure::Slack(SlackError::RateLimited { retry_after })) => {
            let wait = Duration::from_std(retry_after).unwrap_or(Duration::seconds(1)).max(settings.channel_interval);
            (Outcome::RateLimited, finished + wait)
        }
        Err(Failure::Slack(error)) if error.is_permanent() => (Outcome::Dead { error: error.to_string() }, paced),
        Err(Failure::Slack(error)) if attempts >= settings.max_attempts => {
            (Outcome::Dead { error: format!("{error} (gave up after {attempts} attempts)") }, paced)
        }
        Err(Failure::Slack(error)) => {
            let wait = backoff(attempts, settings.backoff_base, settings.backoff_max, jitter);
            (Outcome::Retry { run_at: finished + wait, error: error.to_string() }, paced)
        }
        Err(Failure::Passing(error)) if attempts >= settings.max_attempts => {
            (Outcome::Dead { error: format!("{error} (gave up after {attempts} attempts)") }, paced)
        }
        Err(Failure::Passing(error)) => {
            let wait = backoff(attempts, settings.backoff_base, settings.backoff_max, jitter);
            (Outcome::Retry { run_at: finished + wait, error }, paced)
        }
        Err(Failure::Undeliverable(reason)) => (Outcome::Dead { error: reason }, paced),
    }
}

/// The time a claim was made at (the claimer's `now`: the real clock, or a
/// test's), moving on with real time from there. A send's end is measured
/// on it, from the claim and not from when the send task started, so the
/// channel's next slot is never set early (the claim query and the task's
/// start take time too).
#[derive(Debug, Clone, Copy)]
struct Clock {
    start: DateTime<Utc>,
    since: Instant,
}

impl Clock {
    fn starting(start: DateTime<Utc>) -> Self {
        Clock { start, since: Instant::now() }
    }

    fn now(&self) -> DateTime<Utc> {
        self.start + Duration::from_std(self.since.elapsed()).unwrap_or_default()
    }
}

/// What a delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub retried: usize,
    pub rate_limited: usize,
    pub dead_lettered: usize,
    /// Not sent: nothing left to say by send time.
    pub dropped: usize,
}

impl Delivered {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Sent { .. } => self.sent += 1,
            Outcome::RateLimited => self.rate_limited += 1,
            Outcome::Retry { .. } => self.retried += 1,
            Outcome::Dead { .. } => self.dead_lettered += 1,
            Outcome::Dropped { .. } => self.dropped += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.sent + self.retried + self.rate_limited + self.dead_lettered + self.dropped
    }
}

/// Sends the outbox; clone it freely (one per send task).
#[derive(Clone)]
pub struct OutboxWorker {
    pool: PgPool,
    slack: Arc<dyn SlackApi>,
    replica: String,
    settings: Arc<DeliverySettings>,
    /// The pictures this replica drew lately, so an unchanged one is not drawn again.
    pictures: Pictures,
}

impl OutboxWorker {
    pub fn new(pool: PgPool, slack: Arc<dyn SlackApi>, replica: impl Into<String>, settings: DeliverySettings) -> Self {
        OutboxWorker { pool, slack, replica: replica.into(), settings: Arc::new(settings), pictures: Pictures::default() }
    }

    /// Claims what may go out at `now` (up to the worker's concurrency),
    /// sends it and records the outcomes. Tests drive delivery with it, with
    /// `now` as they please; the running worker uses the same steps.
    pub async fn deliver_ready(&self, now: DateTime<Utc>) -> anyhow::Result<Delivered> {
        let clock = Clock::starting(now);
        let claim = outbox::claim(&self.pool, &self.replica, now, self.settings.concurrency, &self.settings.pacing)
            .await
            .context("could not claim messages from the outbox")?;
        let mut sends = JoinSet::new();
        for message in claim.messages {
            let worker = self.clone();
            sends.spawn(async move { worker.send(message, clock).await });
        }
        let mut delivered = Delivered::default();
        while let Some(outcome) = sends.join_next().await {
            delivered.add(&outcome.context("a send task panicked")?);
        }
        Ok(delivered)
    }

    /// Delivers until `shutdown`: claims whenever there is room and something
    /// may be ready, sleeping until the next message or channel slot is due
    /// (at most `poll`), or until an in-process enqueue wakes it. On shutdown
    /// it lets the sends in flight finish and record their outcome.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        tracing::info!(replica = %self.replica, "the outbox worker is running");
        let mut in_flight: JoinSet<Outcome> = JoinSet::new();
        let mut depth_due = Instant::now();
        while !shutdown.is_cancelled() {
            if Instant::now() >= depth_due {
                self.report_depth().await;
                depth_due = Instant::now() + std::time::Duration::from_secs(5);
            }
            // Finished sends stay in the set until joined: count only those in flight.
            while in_flight.try_join_next().is_some() {}
            let mut wait = self.settings.poll;
            let room = self.settings.concurrency.saturating_sub(in_flight.len());
            if room > 0 {
                let clock = Clock::starting(Utc::now());
                match outbox::claim(&self.pool, &self.replica, clock.start, room, &self.settings.pacing).await {
                    Ok(claim) => {
                        let claimed = claim.messages.len();
                        for message in claim.messages {
                            let worker = self.clone();
                            in_flight.spawn(async move { worker.send(message, clock).await });
                        }
                        match claim.next_ready_at {
                            // Cut short by room or the bucket: there may be more now.
                            None if claimed > 0 && claimed < room => continue,
                            Some(at) => {
                                let until = (at - Utc::now()).to_std().unwrap_or_default();
                                wait = wait.min(until);
                            }
                            None => {}
                        }
                    }
                    Err(err) => tracing::warn!(error = %err, "could not claim from the outbox; trying again shortly"),
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wake.notified() => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        while in_flight.join_next().await.is_some() {}
        tracing::info!("the outbox worker stopped");
    }

    async fn report_depth(&self) {
        match outbox::depth(&self.pool, Utc::now()).await {
            Ok((ready, held)) => {
                metrics::gauge!("planbot_outbox_depth", "state" => "ready").set(ready as f64);
                metrics::gauge!("planbot_outbox_depth", "state" => "held").set(held as f64);
            }
            Err(err) => tracing::warn!(error = %err, "could not measure the outbox"),
        }
    }

    /// Sends one claimed message and records what became of it, timed on
    /// the claim's clock.
    async fn send(&self, message: Claimed, clock: Clock) -> Outcome {
        let result = match serde_json::from_value::<Payload>(message.payload.clone()) {
            // A nudge or digest that waited is checked against the items as they are now.
            Ok(payload) => match super::arrival::check(&self.pool, &message, payload.clone(), clock.now()).await {
                Ok(super::arrival::AtSend::Send(payload)) => self.attempt(&message, &payload).await,
                Ok(super::arrival::AtSend::Drop(reason)) => {
                    let outcome = Outcome::Dropped { reason };
                    let finished = clock.now();
                    self.observe(&message, &outcome);
                    self.record(&message, finished, &outcome, finished).await;
                    return outcome;
                }
                Err(err) => {
                    tracing::warn!(outbox_id = message.outbox_id, error = %crate::telemetry::ErrorChain(&err), "could not check a message against its items; sending it as written");
                    self.attempt(&message, &payload).await
                }
            },
            Err(err) => Err(Failure::Undeliverable(format!("the stored message could not be read: {err}"))),
        };
        let finished = clock.now();
        let (outcome, channel_free_at) = decide(result, message.attempts, finished, &self.settings, fastrand::f64());
        self.observe(&message, &outcome);
        self.record(&message, finished, &outcome, channel_free_at).await;
        outcome
    }

    /// One try at Slack, within the send timeout.
    async fn attempt(&self, message: &Claimed, payload: &Payload) -> Result<(String, Option<String>), Failure> {
        let channel = match &message.recipient {
            Recipient::Channel(channel) => channel.clone(),
            Recipient::Person { slack_id: Some(slack_id), .. } => slack_id.clone(),
            Recipient::Person { user_id, slack_id: None, email } => self.find_on_slack(*user_id, email).await?,
        };
        if let Delivery::Upload { account_id, map, on, file_id } = &payload.delivery {
            let upload = self.upload(message, &channel, &payload.content.text, (*account_id, *map, *on), file_id.clone());
            // Drawing, uploading and sharing, all inside the claim's lease.
            return match tokio::time::timeout(self.settings.send_timeout(), upload).await {
                Ok(result) => result,
                Err(_) => Err(Failure::Slack(SlackError::Unreachable("Slack did not take the picture in time".into()))),
            };
        }
        let call = async {
            match &payload.delivery {
                Delivery::Post => {
                    // A message tried before may have reached Slack although
                    // its sender never heard back (it died, or the answer was
                    // lost): look for it by its key before sending it again.
                    if message.attempts > 1 {
                        let since = chrono::Utc::now() - Duration::days(2);
                        match self.slack.find_posted(&channel, &message.dedupe_key, since).await {
                            Ok(Some(posted)) => {
                                metrics::counter!("planbot_outbox_found_sent_total").increment(1);
                                tracing::info!(outbox_id = message.outbox_id, dedupe_key = %message.dedupe_key, "found the message already in Slack; not sending it again");
                                return Ok((posted.channel, Some(posted.ts)));
                            }
                            Ok(None) => {}
                            Err(err) => tracing::warn!(
                                outbox_id = message.outbox_id, error = %err,
                                "could not look in Slack for an earlier send of this message; sending it"
                            ),
                        }
                    }
                    let posted = self.slack.post_message_keyed(&channel, &payload.content, &message.dedupe_key).await?;
                    Ok((posted.channel, Some(posted.ts)))
                }
                Delivery::Ephemeral { user } => {
                    self.slack.post_ephemeral(&channel, user, &payload.content).await?;
                    Ok((channel.clone(), None))
                }
                Delivery::Upload { .. } => unreachable!("an upload is sent by upload(), above"),
            }
        };
        match tokio::time::timeout(self.settings.send_timeout(), call).await {
            Ok(result) => result.map_err(Failure::Slack),
            Err(_) => Err(Failure::Slack(SlackError::Unreachable("Slack did not answer in time".into()))),
        }
    }

    /// A picture, drawn now and shared once: the file uploaded is noted on
    /// the message before it is shared, so a retry (after a lost answer or
    /// a replica's death) first looks whether that file was shared, and
    /// shares it rather than a second one.
    async fn upload(
        &self,
        message: &Claimed,
        channel: &str,
        comment: &str,
        (account_id, map, on): (i64, crate::domain::exchange::Picture, chrono::NaiveDate),
        earlier: Option<String>,
    ) -> Result<(String, Option<String>), Failure> {
        let drawn = match self.pictures.draw(&self.pool, account_id, map, on).await {
            Ok(Some(drawn)) => drawn,
            Ok(None) => return Err(Failure::Undeliverable(format!("account {account_id} no longer exists"))),
            Err(err) => return Err(Failure::Passing(format!("could not draw the picture: {}", crate::telemetry::ErrorChain(&err)))),
        };
        if let Some(file_id) = &earlier {
            let since = chrono::Utc::now() - Duration::days(2);
            match self.slack.find_shared(channel, file_id, since).await {
                Ok(Some(conversation)) => {
                    metrics::counter!("planbot_outbox_found_sent_total").increment(1);
                    tracing::info!(outbox_id = message.outbox_id, file_id, "found the picture already shared; not sharing it again");
                    return Ok((conversation, None));
                }
                Ok(None) => {}
                Err(err) => tracing::warn!(outbox_id = message.outbox_id, error = %err, "could not look in Slack for an earlier share of this picture; sharing it"),
            }
            match self.slack.share_file(channel, file_id, &drawn.title, comment).await {
                Ok(conversation) => return Ok((conversation, None)),
                // The earlier file is gone or was never complete: upload it anew.
                Err(err) if err.is_permanent() => {
                    tracing::warn!(outbox_id = message.outbox_id, file_id, error = %err, "could not share the file uploaded before; uploading the picture again");
                }
                Err(err) => return Err(Failure::Slack(err)),
            }
        }
        let file = FileUpload { filename: &drawn.filename, alt_text: &drawn.alt, bytes: &drawn.png };
        let file_id = self.slack.upload_file(&file).await.map_err(Failure::Slack)?;
        match outbox::remember_upload(&self.pool, message.outbox_id, &self.replica, &file_id).await {
            Ok(true) => {}
            // Another replica took the message over: it shares its own upload.
            Ok(false) => return Err(Failure::Passing("another replica took the message over".into())),
            Err(err) => return Err(Failure::Passing(format!("could not note the uploaded file: {err}"))),
        }
        let conversation = self.slack.share_file(channel, &file_id, &drawn.title, comment).await.map_err(Failure::Slack)?;
        Ok((conversation, None))
    }

    /// The Slack id of a person planbot has only an email for, remembered
    /// for next time.
    async fn find_on_slack(&self, user_id: i64, email: &str) -> Result<String, Failure> {
        let person = self.slack.lookup_by_email(email).await.map_err(Failure::Slack)?.ok_or_else(|| {
            Failure::Undeliverable(format!(
                "nobody in the Slack workspace has the email address of person {user_id}; \
                 correct it (planbot import users.csv) or ask them to write to planbot once"
            ))
        })?;
        match users::remember_slack_id(&self.pool, user_id, &person.id).await {
            Ok(true) => tracing::info!(user_id, "found a person on Slack by their email"),
            Ok(false) => tracing::warn!(user_id, "another person already has the Slack id this email belongs to"),
            Err(err) => tracing::warn!(user_id, error = %err, "could not remember a person's Slack id"),
        }
        Ok(person.id)
    }

    fn observe(&self, message: &Claimed, outcome: &Outcome) {
        let kind = message.kind.clone();
        match outcome {
            Outcome::Sent { .. } => {
                metrics::counter!("planbot_outbox_sent_total", "kind" => kind).increment(1);
                tracing::debug!(outbox_id = message.outbox_id, "sent a message");
            }
            Outcome::RateLimited => {
                metrics::counter!("planbot_outbox_retried_total", "kind" => kind, "reason" => "rate_limited").increment(1);
                tracing::warn!(outbox_id = message.outbox_id, pace_key = %message.pace_key, "Slack asked to slow down; the channel waits");
            }
            Outcome::Retry { run_at, error } => {
                metrics::counter!("planbot_outbox_retried_total", "kind" => kind, "reason" => "error").increment(1);
                tracing::warn!(
                    outbox_id = message.outbox_id, dedupe_key = %message.dedupe_key, attempts = message.attempts,
                    %run_at, error = %error, "a send failed; it will be retried"
                );
            }
            Outcome::Dropped { reason } => {
                metrics::counter!("planbot_outbox_dropped_total", "kind" => kind).increment(1);
                tracing::info!(outbox_id = message.outbox_id, dedupe_key = %message.dedupe_key, reason = %reason, "did not send a message with nothing left to say");
            }
            Outcome::Dead { error } => {
                metrics::counter!("planbot_outbox_dead_lettered_total", "kind" => kind).increment(1);
                tracing::error!(
                    outbox_id = message.outbox_id, dedupe_key = %message.dedupe_key, attempts = message.attempts,
                    error = %error, "gave up on a message; it is dead-lettered (planbot run-job outbox-status)"
                );
            }
        }
    }

    /// Records an outcome, retrying a few times: a send whose outcome is
    /// never recorded would be sent again when its lease ends.
    async fn record(&self, message: &Claimed, now: DateTime<Utc>, outcome: &Outcome, channel_free_at: DateTime<Utc>) {
        let mut pause = std::time::Duration::from_millis(100);
        for _ in 0..6 {
            match outbox::record(&self.pool, message, &self.replica, now, outcome, channel_free_at).await {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(outbox_id = message.outbox_id, error = %err, "could not record a send's outcome; retrying");
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
            }
        }
        tracing::error!(
            outbox_id = message.outbox_id,
            "could not record a send's outcome; the message may be sent again when its lease ends"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn settings() -> DeliverySettings {
        DeliverySettings {
            max_attempts: 3,
            pacing: Pacing { lease: Duration::seconds(60), per_second: 10.0, burst: 10.0 },
            channel_interval: Duration::seconds(1),
            concurrency: 4,
            poll: std::time::Duration::from_secs(1),
            backoff_base: Duration::seconds(2),
            backoff_max: Duration::minutes(15),
        }
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap()
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_growing() {
        let base = Duration::seconds(2);
        let max = Duration::minutes(15);
        assert_eq!(backoff(1, base, max, 0.0), Duration::seconds(1));
        assert_eq!(backoff(1, base, max, 1.0), Duration::seconds(2));
        assert_eq!(backoff(4, base, max, 0.0), Duration::seconds(8));
        assert_eq!(backoff(4, base, max, 0.999).num_seconds(), 15);
        assert_eq!(backoff(40, base, max, 1.0), max);
    }

    #[test]
    fn a_sent_message_frees_its_channel_one_interval_after_the_answer() {
        let (outcome, free) = decide(Ok(("D1".into(), Some("1.2".into()))), 1, at(), &settings(), 0.5);
        assert_eq!(outcome, Outcome::Sent { channel: "D1".into(), ts: Some("1.2".into()) });
        assert_eq!(free, at() + Duration::seconds(1));
    }

    #[test]
    fn a_429_waits_retry_after_without_spending_an_attempt() {
        let limited = Err(Failure::Slack(SlackError::RateLimited { retry_after: std::time::Duration::from_secs(2) }));
        let (outcome, free) = decide(limited, 3, at(), &settings(), 0.5);
        assert_eq!(outcome, Outcome::RateLimited);
        assert_eq!(free, at() + Duration::seconds(2));
    }

    #[test]
    fn failures_are_retried_until_the_last_attempt_and_permanent_ones_at_once() {
        let flaky = || Err(Failure::Slack(SlackError::Refused { code: "internal_error".into() }));
        let (first, _) = decide(flaky(), 1, at(), &settings(), 0.0);
        assert!(matches!(first, Outcome::Retry { run_at, .. } if run_at == at() + Duration::seconds(1)));
        let (last, _) = decide(flaky(), 3, at(), &settings(), 0.0);
        assert!(matches!(last, Outcome::Dead { ref error } if error.contains("gave up after 3 attempts")), "{last:?}");
        let gone = Err(Failure::Slack(SlackError::Refused { code: "channel_not_found".into() }));
        assert!(matches!(decide(gone, 1, at(), &settings(), 0.0).0, Outcome::Dead { .. }));
    }
}
