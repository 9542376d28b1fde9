//! Configuration: command-line flags, each with the environment variable a
//! deployment would set instead. Every setting is read here, once; the rest
//! of planbot is handed what it needs.
//!
//! May import: `domain/` vocabularies (schedules, export kinds) only.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

use crate::domain::exchange::{ExportFormat, Kind};
use crate::domain::schedule::Schedule;

/// A value that must never reach a log line: its Debug and Display are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

#[derive(Debug, Parser)]
#[command(name = "planbot", version, about = "A self-hosted Slack assistant for account planning")]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "PLANBOT_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// PostgreSQL connection URL. When unset, planbot runs its own PostgreSQL
    /// cluster from the installed server binaries, under --data-dir, reachable
    /// only through a Unix socket there.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<Secret>,

    /// Where the embedded PostgreSQL cluster lives (default: /var/lib/planbot
    /// as root, otherwise ~/.local/share/planbot).
    #[arg(long, env = "PLANBOT_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// The directory holding PostgreSQL's server binaries (initdb, pg_ctl)
    /// for the embedded cluster, when they are not in the usual places.
    #[arg(long, env = "PLANBOT_PG_BIN", global = true)]
    pub pg_bin: Option<PathBuf>,

    /// Connections this process keeps open to PostgreSQL.
    #[arg(long, env = "PLANBOT_DB_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_connections: u32,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve Slack's endpoints, the ingest API, health and metrics, and run the
    /// scheduler and the outbox worker.
    Serve(Box<ServeArgs>),
    /// Seed a demo workspace in a local database and talk to planbot as a user.
    Demo(Box<DemoArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Run one scheduled job now (see `planbot run-job --help` for the names).
    RunJob(Box<RunJobArgs>),
    /// Import CSV files of users, accounts, team, plans, actions, contacts and
    /// whitespace. Each file is imported whole or not at all; a rejected file
    /// is reported with every bad line and the reason.
    Import(ImportArgs),
    /// Export everything as the seven CSV files into a directory, or one
    /// account's plan as Markdown (`--account NAME --format markdown`).
    Export(ExportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// CSV files, or directories holding users.csv, accounts.csv, team.csv,
    /// plans.csv, actions.csv, contacts.csv and whitespace.csv; they are
    /// imported in that order.
    #[arg(required = true, value_name = "DIR_OR_FILE")]
    pub paths: Vec<PathBuf>,

    /// What the files hold, when their names don't say.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Directory to write the seven CSV files into (created when missing).
    #[arg(value_name = "DIR", required_unless_present = "account")]
    pub dir: Option<PathBuf>,

    /// The account whose plan to print (with `--format markdown`).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,

    /// `csv`: the seven files into DIR. `markdown`: the plan of `--account`,
    /// printed to standard output, or with `--out DIR` written into DIR with
    /// its two pictures beside it. `svg` or `png`: one picture of
    /// `--account` (`--map`), into `--out`.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,

    /// The picture `--format svg|png` draws.
    #[arg(long, value_enum, default_value = "relationships")]
    pub map: crate::domain::exchange::Picture,

    /// The file a picture is written to (default: `<account>-<map>.svg|png`
    /// in the current directory); with `--format markdown`, the directory
    /// the plan and its pictures are written into.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}


#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address the HTTP listener binds to.
    #[arg(long, env = "PLANBOT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub slack: SlackArgs,

    /// Bearer token the ingest API (`/api/v1/...`) requires. When unset the
    /// ingest API answers 401 to everyone.
    #[arg(long, env = "PLANBOT_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<Secret>,

    /// Slack and API requests handled at once; beyond it a request is
    /// answered 503 at once (Slack retries events), keeping memory bounded.
    /// `/healthz`, `/readyz` and `/metrics` are outside the bound.
    #[arg(long, env = "PLANBOT_MAX_IN_FLIGHT", default_value_t = 256)]
    pub max_in_flight: usize,

    /// Open HTTP connections served in full at once. A connection beyond it
    /// is answered once (`/healthz` 200, anything else 503) and closed, so
    /// memory stays bounded however many connections are opened.
    #[arg(long, env = "PLANBOT_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,

    /// Seconds to let in-flight work finish after SIGTERM before exiting.
    #[arg(long, env = "PLANBOT_SHUTDOWN_GRACE", default_value_t = 20)]
    pub shutdown_grace_secs: u64,

    #[command(flatten)]
    pub schedule: ScheduleArgs,

    #[command(flatten)]
    pub outbox: OutboxArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SlackArgs {
    /// Signing secret of the Slack app; every request from Slack is verified with it.
    #[arg(long, env = "SLACK_SIGNING_SECRET", hide_env_values = true)]
    pub slack_signing_secret: Option<Secret>,

    /// Bot token (`xoxb-...`) for Slack's Web API.
    #[arg(long, env = "SLACK_BOT_TOKEN", hide_env_values = true)]
    pub slack_bot_token: Option<Secret>,

    /// App-level token (`xapp-...`). When set, planbot also connects over
    /// Socket Mode, for development without a public URL.
    #[arg(long, env = "SLACK_APP_TOKEN", hide_env_values = true)]
    pub slack_app_token: Option<Secret>,

    /// Base URL of Slack's Web API; tests point it at a fake Slack.
    #[arg(long, env = "SLACK_API_URL", default_value = "https://slack.com/api")]
    pub slack_api_url: String,

    /// The one workspace (team id, `T...`) this deployment serves. When unset,
    /// planbot asks Slack (`auth.test`) at start.
    #[arg(long, env = "SLACK_TEAM_ID")]
    pub slack_team_id: Option<String>,

    /// Slack user ids with admin rights, comma-separated.
    #[arg(long, env = "PLANBOT_ADMINS", value_delimiter = ',')]
    pub admins: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Keep the demo database from an earlier run instead of seeding it afresh.
    #[arg(long)]
    pub keep: bool,

    /// Act as this demo person (email, or first name like `marcus`); the
    /// default is Dana Reyes, who owns one account.
    #[arg(long, env = "PLANBOT_DEMO_USER")]
    pub user: Option<String>,

    /// The database the demo seeds (dropped and created afresh unless --keep).
    /// Two demos never share one: a second demo on the same database says
    /// so and stops.
    #[arg(long, env = "PLANBOT_DEMO_DATABASE", default_value = "planbot_demo")]
    pub database: String,

    /// When the demo ends, write its data as the seven CSV files into DIR
    /// (what `planbot import` reads back).
    #[arg(long, value_name = "DIR")]
    pub export: Option<std::path::PathBuf>,

    /// Show every message of the scheduled pass before the prompt, not just
    /// who got what.
    #[arg(long)]
    pub verbose: bool,

    /// The settings of the scheduled jobs the demo runs once before the prompt.
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RunJobArgs {
    /// The job to run, for everyone, now (the schedule's time of day is not
    /// waited for; quiet hours and days off still hold messages back, and a
    /// message already sent today is not sent again).
    pub name: JobCommand,

    /// Also deliver what is ready in the outbox from this process (needs
    /// SLACK_BOT_TOKEN). Without it, the running replicas deliver it.
    #[arg(long)]
    pub deliver: bool,

    #[command(flatten)]
    pub schedule: ScheduleArgs,

    #[command(flatten)]
    pub outbox: OutboxArgs,

    #[command(flatten)]
    pub slack: SlackArgs,
}

/// What `planbot run-job` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JobCommand {
    /// Overdue nudges to owners, and escalations to their managers.
    Nudges,
    /// Deadline alerts to linked channels, and renewals without a plan.
    Deadlines,
    /// Daily and weekly digests.
    Digest,
    /// Reminders of plans whose sections have not changed in a while.
    StalePlans,
    /// Poll the accounts' RSS and Atom feeds, and announce new items.
    IntelPoll,
    /// Managers' weekly digests of their reports' plans.
    ManagerDigest,
    /// Delete what is past its retention (sent messages, job runs, event ids, ledgers, old audit).
    Prune,
    /// Print the outbox: waiting, held, in flight, sent today, dead letters.
    OutboxStatus,
    /// Give every dead-lettered message a fresh start (after fixing the cause).
    OutboxRequeue,
}

/// When the scheduled jobs run. A schedule is a cron expression (minute
/// hour day-of-month month day-of-week) read on each recipient's own clock:
/// `0 9 * * *` is nine in the morning in every person's time zone, across
/// DST changes. People's working days and quiet hours come on top: nobody
/// is nudged on a day off, and a message due in quiet hours waits for them
/// to end.
#[derive(Debug, Clone, Args)]
pub struct ScheduleArgs {
    /// When owners get their daily DM of overdue action items (cron, in each
    /// owner's time zone; at most one a day).
    #[arg(long, env = "PLANBOT_NUDGE_CRON", default_value = "0 9 * * *")]
    pub nudge_cron: Schedule,

    /// When linked channels hear of plan and action item deadlines 14, 7
    /// and 1 days away or just passed, and owners of accounts renewing with
    /// no active plan (cron, in the account owner's time zone).
    #[arg(long, env = "PLANBOT_DEADLINE_CRON", default_value = "0 9 * * *")]
    pub deadline_cron: Schedule,

    /// When owners are reminded of plans that have gone stale (cron, in the
    /// owner's time zone). Digests need no schedule: each person picks their
    /// digest time in `/plan settings`.
    #[arg(long, env = "PLANBOT_STALE_CRON", default_value = "0 10 * * 1")]
    pub stale_cron: Schedule,

    /// When the accounts' RSS and Atom feeds are polled (cron, in UTC; a
    /// feed is fetched at most every ten minutes, with ETag/Last-Modified).
    #[arg(long, env = "PLANBOT_INTEL_POLL_CRON", default_value = "*/15 * * * *")]
    pub intel_poll_cron: Schedule,

    /// When managers get their weekly digest of their reports' plans (cron,
    /// in each manager's time zone; at most one a week, none when there is
    /// nothing to say).
    #[arg(long, env = "PLANBOT_MANAGER_DIGEST_CRON", default_value = "0 8 * * 1")]
    pub manager_digest_cron: Schedule,

    /// When old rows are pruned (cron, in UTC): sent messages, job runs,
    /// Slack event ids and ledgers past their retention, and audit history
    /// past `PLANBOT_KEEP_AUDIT_DAYS`.
    #[arg(long, env = "PLANBOT_PRUNE_CRON", default_value = "30 3 * * *")]
    pub prune_cron: Schedule,

    /// Days sent messages are kept in the outbox.
    #[arg(long, env = "PLANBOT_KEEP_SENT_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(2..))]
    pub keep_sent_days: u32,

    /// Days dead-lettered messages are kept, for operators to look at.
    #[arg(long, env = "PLANBOT_KEEP_DEAD_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..))]
    pub keep_dead_days: u32,

    /// Days finished job runs are kept.
    #[arg(long, env = "PLANBOT_KEEP_JOB_RUNS_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(2..))]
    pub keep_job_runs_days: u32,

    /// Days Slack event ids are kept (Slack redelivers within minutes).
    #[arg(long, env = "PLANBOT_KEEP_EVENT_IDS_DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub keep_event_ids_days: u32,

    /// Days the ledgers of announcements and nudges are kept (longer than
    /// any deadline or renewal horizon, so nothing is announced twice).
    #[arg(long, env = "PLANBOT_KEEP_LEDGERS_DAYS", default_value_t = 400, value_parser = clap::value_parser!(u32).range(100..))]
    pub keep_ledgers_days: u32,

    /// Days of audit history kept: "what changed" and QBR prep read it.
    #[arg(long, env = "PLANBOT_KEEP_AUDIT_DAYS", default_value_t = 1095, value_parser = clap::value_parser!(u32).range(366..))]
    pub keep_audit_days: u32,

    /// Account tiers that are key, comma-separated (rank 1 accounts always
    /// are): key accounts should have a plan.
    #[arg(long, env = "PLANBOT_KEY_TIERS", value_delimiter = ',')]
    pub key_tiers: Vec<String>,

    /// After this many nudges in a row without the owner touching any of
    /// their items, the owner's manager is told, once (0: never).
    #[arg(long, env = "PLANBOT_ESCALATE_AFTER", default_value_t = 3)]
    pub escalate_after: u32,

    /// A plan whose sections have not changed in this many days is stale;
    /// its owner is reminded once every this many days while it stays so.
    #[arg(long, env = "PLANBOT_STALE_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub stale_days: u32,

    /// Accounts renewing within this many days with no active plan are
    /// flagged to their owner.
    #[arg(long, env = "PLANBOT_RENEWAL_HORIZON_DAYS", default_value_t = 90)]
    pub renewal_horizon_days: u32,
}

/// How the outbox delivers: every message planbot sends goes through it.
#[derive(Debug, Clone, Args)]
pub struct OutboxArgs {
    /// Attempts before a message that keeps failing is dead-lettered (listed
    /// by `planbot run-job outbox-status`). Slack's 429s do not count.
    #[arg(long, env = "PLANBOT_OUTBOX_MAX_ATTEMPTS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub outbox_max_attempts: u32,

    /// Seconds a worker holds a message it is sending. If the replica dies
    /// meanwhile, another one sends the message once this has passed.
    #[arg(long, env = "PLANBOT_OUTBOX_LEASE_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(5..))]
    pub outbox_lease_secs: u64,

    /// Milliseconds between the end of one send to a channel (or a person's
    /// DM) and the start of the next; Slack allows about one message per
    /// second per channel.
    #[arg(long, env = "PLANBOT_OUTBOX_CHANNEL_INTERVAL_MS", default_value_t = 1000)]
    pub outbox_channel_interval_ms: u64,

    /// Messages per second across the workspace, all replicas together (the
    /// workspace-wide ceiling; short bursts of up to a second's worth).
    #[arg(long, env = "PLANBOT_OUTBOX_PER_SECOND", default_value_t = 10.0, value_parser = positive_rate)]
    pub outbox_per_second: f64,

    /// Messages this replica sends at the same time (each to its own channel).
    #[arg(long, env = "PLANBOT_OUTBOX_CONCURRENCY", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub outbox_concurrency: u16,

    /// Milliseconds between looks at the outbox when nothing woke the worker
    /// (messages enqueued by this process wake it at once).
    #[arg(long, env = "PLANBOT_OUTBOX_POLL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..))]
    pub outbox_poll_ms: u64,

    /// Seconds before the first retry of a failed send; each retry waits
    /// about twice as long (with jitter), up to 15 minutes.
    #[arg(long, env = "PLANBOT_OUTBOX_BACKOFF_SECS", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub outbox_backoff_secs: u64,

    /// This process's name in job runs and outbox leases (default: the host
    /// name and the process id).
    #[arg(long, env = "PLANBOT_REPLICA")]
    pub replica: Option<String>,
}

impl OutboxArgs {
    /// A name for this replica: `PLANBOT_REPLICA`, else host name and process id.
    pub fn replica_name(&self) -> String {
        self.replica.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "planbot".into());
            format!("{host}-{}", std::process::id())
        })
    }
}

fn positive_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!("`{text}` is not a rate above zero (messages per second, like `10` or `0.5`)")),
    }
}
