//! Configuration: command-line flags, each with the environment variable a
//! deployment would set instead.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

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
    Demo(DemoArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Run one scheduled job now (see `planbot run-job --help` for the names).
    RunJob(RunJobArgs),
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
    pub kind: Option<crate::exchange::Kind>,
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
    /// printed to standard output.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Markdown,
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

    /// Seconds to let in-flight work finish after SIGTERM before exiting.
    #[arg(long, env = "PLANBOT_SHUTDOWN_GRACE", default_value_t = 20)]
    pub shutdown_grace_secs: u64,
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
    #[arg(long, env = "PLANBOT_DEMO_DATABASE", default_value = "planbot_demo")]
    pub database: String,
}

#[derive(Debug, Clone, Args)]
pub struct RunJobArgs {
    /// The job to run.
    pub name: String,
}
