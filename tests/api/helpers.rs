//! Shared test plumbing: a fresh, migrated database per test, and builders
//! for the rows most tests need.
//!
//! The databases come from [`planbot::db::scratch`]: on `DATABASE_URL`'s
//! server when set, else PostgreSQL on 127.0.0.1:5432 when it answers, else
//! planbot's own embedded cluster in a temporary directory. Each test gets a
//! new database copied from a template that is migrated once per version of
//! the migrations.

use chrono::NaiveDate;
use planbot::db::scratch::Scratch;
use planbot::domain::enums::{PlanStatus, PlanType, TeamRole, UserRole};
use planbot::store::accounts::{self, Account, NewAccount};
use planbot::store::plans::{self, NewPlan, Plan};
use planbot::store::users::{self, NewUser, User};
use planbot::store::{self, Actor};
use sqlx::PgPool;

use crate::fake_slack::{BOT_TOKEN, FakeSlack, TEAM_ID};

/// A fresh database with every migration applied: a copy of the migrated
/// template, named `planbot_t_<pid>_<n>` (see [`planbot::db::scratch`]).
pub struct TestDb(Scratch);

impl TestDb {
    pub async fn new() -> TestDb {
        let scratch = Scratch::unique("planbot_t").from_template().connections(8).create().await;
        TestDb(scratch.expect("could not create a test database"))
    }
}

impl std::ops::Deref for TestDb {
    type Target = Scratch;

    fn deref(&self) -> &Scratch {
        &self.0
    }
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A person with a Slack id derived from their email's name.
pub async fn person(pool: &PgPool, email: &str, manager_email: Option<&str>) -> User {
    let mut conn = pool.acquire().await.unwrap();
    let slack_id = format!("U{}", email.split('@').next().unwrap().to_uppercase().replace(['.', '-'], ""));
    users::upsert(
        &mut conn,
        &NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap().replace('.', " "),
            slack_id: Some(slack_id),
            tz: Some("America/New_York".into()),
            manager_email: manager_email.map(str::to_string),
            role: Some(UserRole::Member),
        },
    )
    .await
    .unwrap()
}

/// An account owned by `owner`, with an active expand plan.
pub async fn account_with_plan(pool: &PgPool, name: &str, owner: &User) -> (Account, Plan) {
    let mut tx = store::begin(pool, Actor::source("test")).await.unwrap();
    let account = accounts::create(
        &mut tx,
        &NewAccount { name: name.into(), rank: 1, owner_id: owner.user_id, ..NewAccount::default() },
    )
    .await
    .unwrap();
    let plan = plans::create(
        &mut tx,
        &NewPlan {
            account_id: account.account_id,
            name: "Expand FY27".into(),
            plan_type: PlanType::Opportunity,
            status: PlanStatus::Active,
            due_date: None,
            sections: vec![],
        },
        day(2026, 11, 1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (account, plan)
}

pub async fn join_team(pool: &PgPool, account: &Account, user: &User, role: TeamRole) {
    let mut conn = pool.acquire().await.unwrap();
    accounts::add_to_team(&mut conn, account.account_id, user.user_id, role).await.unwrap();
}

/// The signing secret, API token and workspace the test app runs with.
pub const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const API_TOKEN: &str = "test-api-token";

/// planbot serving on a free port, against a fresh database and a fake Slack.
pub struct TestApp {
    pub url: String,
    pub db: TestDb,
    pub slack: FakeSlack,
    pub http: reqwest::Client,
    pub state: planbot::state::AppState,
    pub shutdown: tokio_util::sync::CancellationToken,
}

/// The `planbot serve` arguments tests use; `extra` adds or overrides flags.
pub fn serve_args(slack: &FakeSlack, extra: &[&str]) -> planbot::config::ServeArgs {
    use clap::Parser;
    let mut argv = vec![
        "planbot",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--slack-signing-secret",
        SIGNING_SECRET,
        "--slack-bot-token",
        BOT_TOKEN,
        "--slack-api-url",
        &slack.api_url,
        "--slack-team-id",
        TEAM_ID,
        "--api-token",
        API_TOKEN,
        "--shutdown-grace-secs",
        "5",
    ];
    argv.extend_from_slice(extra);
    match planbot::config::Cli::try_parse_from(argv).expect("test arguments parse").command {
        planbot::config::Command::Serve(args) => *args,
        _ => unreachable!(),
    }
}

/// The app as `planbot serve` runs it, except for the scheduler: tests run
/// jobs at the times they choose (see [`spawn_app_with_scheduler`]).
pub async fn spawn_app() -> TestApp {
    spawn(&[], false).await
}

/// [`spawn_app`] with `extra` flags.
pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    spawn(extra, false).await
}

/// The app with its scheduler running on the real clock.
pub async fn spawn_app_with_scheduler(extra: &[&str]) -> TestApp {
    spawn(extra, true).await
}

async fn spawn(extra: &[&str], scheduler: bool) -> TestApp {
    let db = TestDb::new().await;
    let slack = FakeSlack::start().await;
    let args = serve_args(&slack, extra);
    let shutdown = tokio_util::sync::CancellationToken::new();
    let mut app = planbot::startup::Application::build(db.pool.clone(), &args, shutdown.clone())
        .await
        .expect("the app builds");
    if !scheduler {
        app = app.without_scheduler();
    }
    let url = format!("http://{}", app.local_addr());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { url, db, slack, http: reqwest::Client::new(), state, shutdown }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Requests to planbot's Slack endpoints, signed as Slack signs them.
impl TestApp {
    /// POSTs `body` to `path` with a valid Slack signature made at `timestamp`.
    pub async fn post_signed_at(&self, path: &str, content_type: &str, body: String, timestamp: i64) -> reqwest::Response {
        let signature = planbot::slack::verify::sign(SIGNING_SECRET, timestamp, body.as_bytes());
        self.http
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", timestamp.to_string())
            .header("x-slack-signature", signature)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_signed(&self, path: &str, content_type: &str, body: String) -> reqwest::Response {
        self.post_signed_at(path, content_type, body, chrono::Utc::now().timestamp()).await
    }

    /// `/plan <text>` typed by `user` in `channel`.
    pub async fn command(&self, user: &str, channel: &str, text: &str) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", "ignored")
            .append_pair("team_id", TEAM_ID)
            .append_pair("team_domain", "test")
            .append_pair("channel_id", channel)
            .append_pair("channel_name", "general")
            .append_pair("user_id", user)
            .append_pair("user_name", "someone")
            .append_pair("command", "/plan")
            .append_pair("text", text)
            .append_pair("response_url", &self.slack.response_url("cmd"))
            .append_pair("trigger_id", "trigger-1")
            .finish();
        self.post_signed("/slack/commands", "application/x-www-form-urlencoded", body).await
    }

    /// `/plan <text>`, expecting an immediate JSON answer.
    pub async fn command_reply(&self, user: &str, channel: &str, text: &str) -> serde_json::Value {
        let response = self.command(user, channel, text).await;
        assert_eq!(response.status(), 200);
        response.json().await.expect("an immediate JSON answer")
    }

    /// An Events API callback around `event`.
    pub async fn event(&self, event_id: &str, event: serde_json::Value) -> reqwest::Response {
        let body = serde_json::json!({
            "token": "ignored",
            "team_id": TEAM_ID,
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": chrono::Utc::now().timestamp(),
        });
        self.post_signed("/slack/events", "application/json", body.to_string()).await
    }

    /// An interaction payload (a click or a modal submission).
    pub async fn interaction(&self, payload: serde_json::Value) -> reqwest::Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("payload", &payload.to_string())
            .finish();
        self.post_signed("/slack/interactions", "application/x-www-form-urlencoded", body).await
    }
}

/// The text of every block of a message or answer, joined: what a person reads.
pub fn visible_text(message: &serde_json::Value) -> String {
    let mut out = vec![message["text"].as_str().unwrap_or_default().to_string()];
    for block in message["blocks"].as_array().into_iter().flatten() {
        for pointer in ["/text/text", "/label/text"] {
            if let Some(text) = block.pointer(pointer).and_then(|t| t.as_str()) {
                out.push(text.to_string());
            }
        }
        for list in ["fields", "elements"] {
            for element in block[list].as_array().into_iter().flatten() {
                if let Some(text) = element["text"].as_str().or_else(|| element.pointer("/text/text").and_then(|t| t.as_str())) {
                    out.push(text.to_string());
                }
            }
        }
        if let Some(text) = block.pointer("/accessory/text/text").and_then(|t| t.as_str()) {
            out.push(text.to_string());
        }
    }
    out.join("\n")
}

/// A person the fake Slack knows and planbot has imported, with Slack id `slack_id`.
pub async fn slack_person(app: &TestApp, slack_id: &str, email: &str, manager_email: Option<&str>) -> User {
    let name = email.split('@').next().unwrap().replace('.', " ");
    app.slack.add_user(slack_id, email, &name, "America/New_York");
    let mut conn = app.db.pool.acquire().await.unwrap();
    users::upsert(
        &mut conn,
        &NewUser {
            email: email.into(),
            display_name: name,
            slack_id: Some(slack_id.into()),
            tz: Some("America/New_York".into()),
            manager_email: manager_email.map(str::to_string),
            role: Some(UserRole::Member),
        },
    )
    .await
    .unwrap()
}

/// The `planbot run-job` settings of the scheduled jobs and the outbox,
/// with `extra` flags (`--nudge-cron`, `--outbox-max-attempts` ...).
pub fn job_args(extra: &[&str]) -> planbot::config::RunJobArgs {
    use clap::Parser;
    let mut argv = vec!["planbot", "run-job", "nudges"];
    argv.extend_from_slice(extra);
    match planbot::config::Cli::try_parse_from(argv).expect("job arguments parse").command {
        planbot::config::Command::RunJob(args) => *args,
        _ => unreachable!(),
    }
}

/// A scheduler, as replica `replica` would run it, driven by hand with `now`.
pub fn scheduler(pool: &PgPool, replica: &str, extra: &[&str]) -> planbot::jobs::Scheduler {
    let args = job_args(extra);
    planbot::jobs::Scheduler::new(
        pool.clone(),
        replica,
        std::sync::Arc::new((&args.schedule).into()),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    )
}

/// An outbox worker of replica `replica` talking to the fake Slack.
pub fn worker(pool: &PgPool, slack: &FakeSlack, replica: &str, extra: &[&str]) -> planbot::jobs::outbox_worker::OutboxWorker {
    let args = job_args(extra);
    let client = planbot::slack::client::SlackHttp::new(&slack.api_url, &planbot::config::Secret::new(BOT_TOKEN))
        .expect("a Slack client for the fake");
    planbot::jobs::outbox_worker::OutboxWorker::new(pool.clone(), std::sync::Arc::new(client), replica, (&args.outbox).into())
}

/// An instant, from RFC 3339.
pub fn utc(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text).expect("an RFC 3339 instant").with_timezone(&chrono::Utc)
}
