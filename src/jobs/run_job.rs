//! `planbot run-job <name>`: one job now, or a look at the outbox.

use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::outbox_worker::{DeliverySettings, OutboxWorker};
use super::{Job, JobSettings, Scheduler};
use crate::config::{DatabaseArgs, JobCommand, RunJobArgs};
use crate::db::{self, Database};
use crate::app::slack_api::SlackApi;
use crate::slack::client::SlackHttp;
use crate::store::outbox::{self, Status};

pub async fn run(database: &DatabaseArgs, args: RunJobArgs) -> anyhow::Result<()> {
    let db = Database::open(database, db::DEFAULT_DATABASE).await?;
    let result = run_on(&db, &args).await;
    db.close().await;
    result
}

async fn run_on(db: &Database, args: &RunJobArgs) -> anyhow::Result<()> {
    db.migrate().await?;
    let now = Utc::now();
    let replica = format!("run-job:{}", args.outbox.replica_name());
    let job = match args.name {
        JobCommand::Nudges => Job::Nudges,
        JobCommand::Deadlines => Job::Deadlines,
        JobCommand::Digest => Job::Digest,
        JobCommand::StalePlans => Job::StalePlans,
        JobCommand::IntelPoll => Job::IntelPoll,
        JobCommand::ManagerDigest => Job::ManagerDigest,
        JobCommand::Prune => Job::Prune,
        JobCommand::OutboxStatus => {
            let status = outbox::status(&db.pool, now, 20).await.context("could not read the outbox")?;
            print!("{}", describe_status(&status, now));
            return Ok(());
        }
        JobCommand::OutboxRequeue => {
            let requeued = outbox::requeue_dead(&db.pool, now).await.context("could not requeue dead letters")?;
            println!("planbot: {requeued} dead-lettered messages will be tried again.");
            return Ok(());
        }
    };
    let scheduler = Scheduler::new(db.pool.clone(), replica.clone(), Arc::new(JobSettings::from(&args.schedule)), Arc::new(Notify::new()));
    let report = scheduler.run_now(job, now).await?;
    println!("planbot: {job}: {report}.");
    if !args.deliver {
        if report.enqueued > 0 {
            println!("The outbox workers of the running planbot replicas send them (or run again with --deliver).");
        }
        return Ok(());
    }
    let token = args
        .slack
        .slack_bot_token
        .as_ref()
        .context("--deliver needs SLACK_BOT_TOKEN to talk to Slack")?;
    let slack: Arc<dyn SlackApi> = Arc::new(SlackHttp::new(&args.slack.slack_api_url, token)?);
    let worker = OutboxWorker::new(db.pool.clone(), slack, replica, DeliverySettings::from(&args.outbox));
    let delivered = drain(&worker).await?;
    println!(
        "planbot: delivered {} ({} to retry later, {} dead-lettered); messages held for quiet hours or days off wait for them.",
        if delivered.sent == 1 { "1 message".to_string() } else { format!("{} messages", delivered.sent) },
        delivered.retried + delivered.rate_limited,
        delivered.dead_lettered
    );
    Ok(())
}

/// Delivers until nothing more is ready now, waiting out channel pacing
/// (each channel takes about a message a second).
async fn drain(worker: &OutboxWorker) -> anyhow::Result<super::outbox_worker::Delivered> {
    let mut total = super::outbox_worker::Delivered::default();
    let mut idle_passes = 0;
    while idle_passes < 3 {
        let pass = worker.deliver_ready(Utc::now()).await?;
        total.sent += pass.sent;
        total.retried += pass.retried;
        total.rate_limited += pass.rate_limited;
        total.dead_lettered += pass.dead_lettered;
        if pass.total() == 0 {
            idle_passes += 1;
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        } else {
            idle_passes = 0;
        }
    }
    Ok(total)
}

/// The outbox status as `planbot run-job outbox-status` prints it.
pub fn describe_status(status: &Status, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let waiting = match status.oldest_ready {
        Some(oldest) => format!(" (the oldest waiting {}s)", (now - oldest).num_seconds().max(0)),
        None => String::new(),
    };
    let _ = writeln!(out, "outbox: {} ready to send{waiting}, {} held for later, {} being sent", status.ready, status.held, status.in_flight);
    if let Some(next) = status.next_held {
        let _ = writeln!(out, "the next held message is due at {}", next.format("%Y-%m-%d %H:%M UTC"));
    }
    let _ = writeln!(out, "sent in the last 24 hours: {}", status.sent_last_day);
    let _ = writeln!(out, "dead letters: {}", status.dead);
    for dead in &status.dead_letters {
        let _ = writeln!(
            out,
            "  #{} {} to {} ({}) after {} attempts, {}: {}",
            dead.outbox_id,
            dead.kind,
            dead.pace_key,
            dead.dedupe_key,
            dead.attempts,
            dead.dead_at.format("%Y-%m-%d %H:%M UTC"),
            dead.last_error.as_deref().unwrap_or("no error recorded")
        );
    }
    if status.dead > 0 {
        let _ = writeln!(out, "Fix the cause, then `planbot run-job outbox-requeue` tries them again.");
    }
    out
}
