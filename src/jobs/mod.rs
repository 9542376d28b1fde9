//! Scheduled work, and the delivery of every message planbot sends.
//!
//! **Ticks.** A job has one cron schedule, read on each recipient's own
//! clock, so it fires at many instants a day: nine in the morning in New
//! York, in Berlin, in Tokyo... Every replica runs the [`Scheduler`]. When
//! one of those instants passes, each replica tries to claim the tick
//! `(job, instant)` in `job_run`; the one that wins runs it, in one
//! transaction with every message it enqueues, and the others skip it. A
//! tick covers every scheduled time since the previous successful tick, so a
//! tick missed while all replicas were down runs once when one comes back
//! (not once per missed minute), and a failed tick's recipients are served by
//! its retry or by the next tick.
//!
//! **Idempotence.** Whatever runs twice (a tick retried after a crash, a
//! manual run the same day), the outcome is the same: each message has a
//! dedupe key naming the recipient and their local day (`nudge:{user}:{date}`),
//! and facts that must be said once (a deadline 7 days away) are claimed in
//! the `notice` ledger in the same transaction as the message saying them.
//!
//! **Delivery.** [`outbox_worker`] sends what the outbox holds, paced per
//! channel and workspace-wide across replicas.
//!
//! May import: the app layer (the Slack Web API trait), `domain/`, `store/`,
//! `render/`, the features and the app state. Only `startup` and `lib.rs`
//! (for `run-job`) call it.

pub mod arrival;
pub mod deadlines;
pub mod digest;
pub mod manager_digest;
pub mod nudges;
pub mod outbox_worker;
pub mod run_job;
pub mod stale;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::config::ScheduleArgs;
use crate::domain::schedule::{Due, Schedule};
use crate::store::jobs::{self as job_store, DueZones, Trigger};
use crate::store::outbox::{self, NewMessage};

/// Feeds polled per tick at most (the rest wait for the next tick).
const INTEL_POLL_BATCH: i64 = 2000;

/// The scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Nudges,
    Deadlines,
    Digest,
    StalePlans,
    IntelPoll,
    ManagerDigest,
    Prune,
}

impl Job {
    pub const ALL: [Job; 7] = [Job::Nudges, Job::Deadlines, Job::Digest, Job::StalePlans, Job::IntelPoll, Job::ManagerDigest, Job::Prune];

    /// The name in `job_run`, logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Job::Nudges => "nudges",
            Job::Deadlines => "deadlines",
            Job::Digest => "digest",
            Job::StalePlans => "stale-plans",
            Job::IntelPoll => "intel-poll",
            Job::ManagerDigest => "manager-digest",
            Job::Prune => "prune",
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the jobs need to know of the configuration.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub nudge_schedule: Schedule,
    pub deadline_schedule: Schedule,
    pub stale_schedule: Schedule,
    pub intel_poll_schedule: Schedule,
    pub manager_digest_schedule: Schedule,
    pub prune_schedule: Schedule,
    pub retention: crate::store::prune::Retention,
    /// The account tiers that are key, besides rank 1 (lowercase).
    pub key_tiers: Vec<String>,
    /// Ignored nudges in a row before the manager is told (0: never).
    pub escalate_after: i32,
    pub stale_days: i64,
    pub renewal_horizon_days: i32,
    /// A failed tick is tried again after this long (until a newer tick,
    /// which covers its recipients too, has run).
    pub retry_failed_after: Duration,
}

impl From<&ScheduleArgs> for JobSettings {
    fn from(args: &ScheduleArgs) -> Self {
        JobSettings {
            nudge_schedule: args.nudge_cron.clone(),
            deadline_schedule: args.deadline_cron.clone(),
            stale_schedule: args.stale_cron.clone(),
            intel_poll_schedule: args.intel_poll_cron.clone(),
            manager_digest_schedule: args.manager_digest_cron.clone(),
            prune_schedule: args.prune_cron.clone(),
            retention: crate::store::prune::Retention {
                sent_messages: Duration::days(i64::from(args.keep_sent_days)),
                dead_messages: Duration::days(i64::from(args.keep_dead_days)),
                job_runs: Duration::days(i64::from(args.keep_job_runs_days)),
                event_ids: Duration::days(i64::from(args.keep_event_ids_days)),
                ledgers: Duration::days(i64::from(args.keep_ledgers_days)),
                audit: Duration::days(i64::from(args.keep_audit_days)),
            },
            key_tiers: args.key_tiers.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect(),
            escalate_after: i32::try_from(args.escalate_after).unwrap_or(i32::MAX),
            stale_days: i64::from(args.stale_days.max(1)),
            renewal_horizon_days: i32::try_from(args.renewal_horizon_days).unwrap_or(i32::MAX),
            retry_failed_after: Duration::minutes(5),
        }
    }
}

impl JobSettings {
    /// The schedule of a job that has one (digests follow each person's settings).
    fn schedule(&self, job: Job) -> Option<&Schedule> {
        match job {
            Job::Nudges => Some(&self.nudge_schedule),
            Job::Deadlines => Some(&self.deadline_schedule),
            Job::StalePlans => Some(&self.stale_schedule),
            Job::IntelPoll => Some(&self.intel_poll_schedule),
            Job::ManagerDigest => Some(&self.manager_digest_schedule),
            Job::Prune => Some(&self.prune_schedule),
            Job::Digest => None,
        }
    }
}

/// What one run of a job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Messages written to the outbox (a message already there is not counted).
    pub enqueued: u64,
    /// Of those, how many wait for their recipient's quiet hours or day off to end.
    pub held: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.enqueued == 1 { "message" } else { "messages" };
        write!(f, "{} {noun} enqueued", self.enqueued)?;
        if self.held > 0 {
            write!(f, " ({} held for quiet hours or days off)", self.held)?;
        }
        Ok(())
    }
}

/// The messages a run writes, enqueued together at the end of its transaction.
#[derive(Debug, Default)]
pub(crate) struct Outgoing {
    messages: Vec<NewMessage>,
}

impl Outgoing {
    pub(crate) fn push(&mut self, message: NewMessage) {
        self.messages.push(message);
    }

    /// Writes the messages; those whose dedupe key was taken are dropped.
    pub(crate) async fn enqueue(self, conn: &mut PgConnection, now: DateTime<Utc>) -> sqlx::Result<Report> {
        let new: std::collections::HashSet<String> = outbox::enqueue_many(conn, &self.messages).await?.into_iter().collect();
        let held = self.messages.iter().filter(|m| m.run_at > now && new.contains(&m.dedupe_key)).count();
        Ok(Report { enqueued: new.len() as u64, held: held as u64 })
    }
}

/// A stored zone name as a time zone; an unknown name is UTC, as for
/// [`crate::store::users::User::time_zone`].
pub(crate) fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// The zones people live in whose scheduled time has come for this run,
/// with their local dates.
pub(crate) async fn due_zones(
    conn: &mut PgConnection,
    schedule: &Schedule,
    due: Due,
    now: DateTime<Utc>,
) -> sqlx::Result<DueZones> {
    let mut zones = DueZones::default();
    for name in job_store::time_zones(conn).await? {
        if let Some(day) = due.local_day(schedule, zone(&name), now) {
            zones.push(&name, day);
        }
    }
    Ok(zones)
}

/// A recipient's local day, in dedupe keys.
pub(crate) fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// What became of a tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TickOutcome {
    /// This replica ran it.
    Ran { scheduled_for: DateTime<Utc>, report: Report },
    /// Another replica runs or ran it (or it failed a moment ago).
    Taken { scheduled_for: DateTime<Utc> },
    Failed { scheduled_for: DateTime<Utc>, error: String },
    /// Nobody has a schedule for this job (no people yet, or no digests).
    Idle,
}

/// Runs the jobs when their time comes; one per replica.
#[derive(Clone)]
pub struct Scheduler {
    pool: PgPool,
    replica: String,
    settings: Arc<JobSettings>,
    /// Woken when a run enqueued messages, so they go out at once.
    outbox_wake: Arc<Notify>,
    /// The tick each job was last seen at, so a tick another replica took is
    /// counted as skipped once, not at every pass until a newer one comes.
    seen: Arc<std::sync::Mutex<HashMap<Job, DateTime<Utc>>>>,
    /// The client intel polling fetches feeds with.
    feeds: reqwest::Client,
}

impl Scheduler {
    pub fn new(pool: PgPool, replica: impl Into<String>, settings: Arc<JobSettings>, outbox_wake: Arc<Notify>) -> Self {
        let feeds = crate::intel::poll::http_client().unwrap_or_default();
        Scheduler { pool, replica: replica.into(), settings, outbox_wake, seen: Default::default(), feeds }
    }

    /// One pass: every job's latest scheduled time at or before `now` is
    /// claimed, and run if this replica wins it.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Vec<(Job, TickOutcome)> {
        let mut outcomes = Vec::with_capacity(Job::ALL.len());
        for job in Job::ALL {
            let outcome = self.run_latest(job, now).await;
            self.observe(job, &outcome);
            outcomes.push((job, outcome));
        }
        outcomes
    }

    /// Runs a job now for everyone (`planbot run-job`, the demo); recorded
    /// as a manual run, which leaves the schedule's windows alone.
    pub async fn run_now(&self, job: Job, now: DateTime<Utc>) -> anyhow::Result<Report> {
        match self.run_tick(job, now, Trigger::Manual, now).await {
            TickOutcome::Ran { report, .. } => Ok(report),
            TickOutcome::Failed { error, .. } => Err(anyhow::anyhow!(error)),
            TickOutcome::Taken { .. } | TickOutcome::Idle => {
                anyhow::bail!("the {job} job is already running at this very moment; try again")
            }
        }
    }

    async fn run_latest(&self, job: Job, now: DateTime<Utc>) -> TickOutcome {
        match self.latest_tick(job, now).await {
            Ok(Some(scheduled_for)) => self.run_tick(job, scheduled_for, Trigger::Schedule, now).await,
            Ok(None) => TickOutcome::Idle,
            Err(err) => TickOutcome::Failed { scheduled_for: now, error: crate::telemetry::ErrorChain(&err).to_string() },
        }
    }

    /// Claims and runs one tick: the claim, the job's writes and the tick's
    /// `ok` commit together. A failure rolls all of it back and is recorded,
    /// so the tick is retried after a pause.
    async fn run_tick(&self, job: Job, scheduled_for: DateTime<Utc>, trigger: Trigger, now: DateTime<Utc>) -> TickOutcome {
        let result: anyhow::Result<Option<Report>> = async {
            let mut tx = self.pool.begin().await.context("could not begin the tick's transaction")?;
            let claim = job_store::claim_tick(
                &mut tx,
                job.name(),
                scheduled_for,
                &self.replica,
                trigger,
                now,
                self.settings.retry_failed_after,
            )
            .await
            .context("could not claim the tick")?;
            let Some(claim) = claim else { return Ok(None) };
            let due = match trigger {
                Trigger::Schedule => Due::Window { from: claim.window_start, to: scheduled_for },
                Trigger::Manual => Due::Now,
            };
            let report = match job {
                // Polling fetches feeds over HTTP and writes on its own
                // connections; the tick's transaction only holds the claim.
                Job::IntelPoll => {
                    let polled = crate::intel::poll::poll_sources(&self.pool, &self.feeds, now, INTEL_POLL_BATCH)
                        .await
                        .context("intel polling failed")?;
                    Report { enqueued: polled.messages, held: 0 }
                }
                _ => execute(job, &mut tx, &self.settings, due, now).await?,
            };
            job_store::finish_tick(&mut tx, claim.job_run_id, now, &report.to_string())
                .await
                .context("could not record the tick as done")?;
            tx.commit().await.context("could not commit the tick")?;
            Ok(Some(report))
        }
        .await;
        match result {
            Ok(Some(report)) => {
                if report.enqueued > 0 {
                    self.outbox_wake.notify_one();
                }
                TickOutcome::Ran { scheduled_for, report }
            }
            Ok(None) => TickOutcome::Taken { scheduled_for },
            Err(err) => {
                let error = crate::telemetry::ErrorChain(&err).to_string();
                if let Err(record) = job_store::record_failed_tick(
                    &self.pool,
                    job.name(),
                    scheduled_for,
                    &self.replica,
                    trigger,
                    now,
                    &error,
                )
                .await
                {
                    tracing::error!(job = %job, error = %record, "could not record a failed tick");
                }
                TickOutcome::Failed { scheduled_for, error }
            }
        }
    }

    /// The schedules a job keeps: its cron expression in every zone people
    /// live in, or, for digests, each distinct digest setting.
    async fn calendars(&self, job: Job) -> anyhow::Result<Vec<(Schedule, Tz)>> {
        let mut conn = self.pool.acquire().await.context("could not reach the database")?;
        if job == Job::IntelPoll {
            // Feeds are the company's, not a person's: polled on UTC's clock.
            return Ok(vec![(self.settings.intel_poll_schedule.clone(), chrono_tz::UTC)]);
        }
        if job == Job::Prune {
            // Housekeeping is nobody's: on UTC's clock.
            return Ok(vec![(self.settings.prune_schedule.clone(), chrono_tz::UTC)]);
        }
        let mut calendars: Vec<(Schedule, Tz)> = match self.settings.schedule(job) {
            Some(schedule) => job_store::time_zones(&mut conn)
                .await?
                .iter()
                .map(|name| (schedule.clone(), zone(name)))
                .collect(),
            None => job_store::digest_calendars(&mut conn)
                .await?
                .iter()
                .map(|calendar| (digest::schedule_of(calendar), zone(&calendar.tz)))
                .collect(),
        };
        // Zone names that are not zones all read as UTC: keep one of each.
        let mut seen = std::collections::HashSet::new();
        calendars.retain(|(schedule, tz)| seen.insert((schedule.to_string(), tz.name())));
        Ok(calendars)
    }

    /// The latest scheduled time of `job`, in any of its calendars, at or before `now`.
    async fn latest_tick(&self, job: Job, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        Ok(self.calendars(job).await?.iter().filter_map(|(schedule, tz)| schedule.latest(*tz, now)).max())
    }

    /// The first scheduled time of any job after `now`.
    async fn next_tick(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut next: Option<DateTime<Utc>> = None;
        for job in Job::ALL {
            let Ok(calendars) = self.calendars(job).await else { continue };
            let soonest = calendars.iter().filter_map(|(schedule, tz)| schedule.next_after(*tz, now)).min();
            next = match (next, soonest) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        next
    }

    /// Runs ticks as their times come, until `shutdown`. At start, it runs
    /// the latest tick of each job if nobody ran it (the catch-up after an
    /// outage). It wakes at the next scheduled time, and at least every
    /// minute (people change zones and digest times; failed ticks retry).
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(replica = %self.replica, "the scheduler is running");
        while !shutdown.is_cancelled() {
            self.run_due(Utc::now()).await;
            let now = Utc::now();
            let wake_at = self.next_tick(now).await.map_or(now + Duration::minutes(1), |next| next.min(now + Duration::minutes(1)));
            // Cron times fall on whole minutes; waking a little after makes
            // sure the clock has passed them.
            let sleep = (wake_at - now + Duration::milliseconds(250)).to_std().unwrap_or_default();
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(sleep) => {}
            }
        }
        tracing::info!("the scheduler stopped");
    }

    /// Logs and counts a tick's outcome.
    fn observe(&self, job: Job, outcome: &TickOutcome) {
        let name = job.name();
        let mut considered = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match outcome {
            TickOutcome::Ran { scheduled_for, report } => {
                metrics::counter!("planbot_job_ticks_total", "job" => name, "outcome" => "run").increment(1);
                metrics::counter!("planbot_job_enqueued_total", "job" => name).increment(report.enqueued);
                tracing::info!(job = name, %scheduled_for, %report, "ran a scheduled tick");
                considered.insert(job, *scheduled_for);
            }
            TickOutcome::Taken { scheduled_for } => {
                if considered.insert(job, *scheduled_for) != Some(*scheduled_for) {
                    metrics::counter!("planbot_job_ticks_total", "job" => name, "outcome" => "skipped").increment(1);
                    tracing::debug!(job = name, %scheduled_for, "another replica has this tick");
                }
            }
            TickOutcome::Failed { scheduled_for, error } => {
                metrics::counter!("planbot_job_ticks_total", "job" => name, "outcome" => "failed").increment(1);
                tracing::error!(job = name, %scheduled_for, error = %error, "a scheduled tick failed; it will be retried");
            }
            TickOutcome::Idle => {}
        }
    }
}

/// Runs one job inside the tick's transaction.
async fn execute(job: Job, conn: &mut PgConnection, settings: &JobSettings, due: Due, now: DateTime<Utc>) -> anyhow::Result<Report> {
    match job {
        Job::Nudges => nudges::run(conn, settings, due, now).await.context("the nudge job failed"),
        Job::Deadlines => deadlines::run(conn, settings, due, now).await.context("the deadline job failed"),
        Job::Digest => digest::run(conn, due, now).await.context("the digest job failed"),
        Job::StalePlans => stale::run(conn, settings, due, now).await.context("the stale-plan job failed"),
        Job::ManagerDigest => manager_digest::run(conn, settings, due, now).await.context("the manager digest job failed"),
        Job::Prune => {
            let pruned = crate::store::prune::prune(conn, &settings.retention, now).await.context("pruning failed")?;
            tracing::info!(
                sent = pruned.sent_messages,
                dead = pruned.dead_messages,
                job_runs = pruned.job_runs,
                event_ids = pruned.event_ids,
                ledgers = pruned.ledgers,
                audit = pruned.audit,
                "pruned rows past their retention"
            );
            metrics::counter!("planbot_pruned_rows_total").increment(pruned.total());
            Ok(Report::default())
        }
        Job::IntelPoll => unreachable!("intel polling runs outside the tick's transaction"),
    }
}

/// Starts the scheduler (when `with_scheduler`) and the outbox worker on the
/// app's task tracker; both stop when the app's shutdown token is cancelled.
pub fn spawn_background(
    state: &crate::state::AppState,
    jobs: JobSettings,
    delivery: outbox_worker::DeliverySettings,
    with_scheduler: bool,
) {
    if with_scheduler {
        let scheduler =
            Scheduler::new(state.pool.clone(), state.settings.replica.clone(), Arc::new(jobs), state.outbox_wake.clone());
        state.tasks.spawn(scheduler.run(state.shutdown.clone()));
    }
    let worker = outbox_worker::OutboxWorker::new(state.pool.clone(), state.slack.clone(), state.settings.replica.clone(), delivery);
    state.tasks.spawn(worker.run(state.outbox_wake.clone(), state.shutdown.clone()));
}
