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

    /// A `DATABASE_URL` for `database` on this test database's server.
    pub fn url_for(&self, database: &str) -> String {
        let host = self.options.get_host().to_string();
        let port = self.options.get_port();
        if host.starts_with('/') {
            format!("postgres://postgres@localhost/{database}?host={host}&port={port}")
        } else {
            format!("postgres://postgres@{host}:{port}/{database}")
        }
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

/// The facts the answer tests ask about: Acme (Dana's, with Sam as SA) gets a
/// renewal, risks, goals, four contacts (a champion, a blocker, a sponsor who
/// left), two whitespace rows, two news items and three action items (two
/// overdue, one Sam's); Wayne (Eve's) gets one of each marked "Wayne secret",
/// which must never show up in an answer to Dana.
pub async fn seed_acme_and_wayne(pool: &PgPool, acme: &Account, wayne: &Account, [dana, sam, eve]: [&User; 3], today: NaiveDate) {
    use chrono::Duration;
    use planbot::store::actions::{self, NewAction};
    for (account, renewal, risks, goals) in [
        (&acme, 87, "Competitor Zeta is pushing a cheaper bundle.\nBudget freeze in Q2.", "Land the platform team"),
        (&wayne, 20, "Wayne secret risk", "Wayne secret goal"),
    ] {
        sqlx::query("update account set renewal_date = $2, annual_spend = 1900000 where account_id = $1")
            .bind(account.account_id)
            .bind(today + Duration::days(renewal))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "update plan set threats_risks = $2, goals_6m = $3, goals_12m = 'Expand to EMEA', due_date = $4 \
             where account_id = $1",
        )
        .bind(account.account_id)
        .bind(risks)
        .bind(goals)
        .bind(today + Duration::days(60))
        .execute(pool)
        .await
        .unwrap();
    }
    sqlx::query(
        "insert into contact (account_id, name, title, influence, buying_role, sentiment, strength, relationship_owner_id, departed_at) values \
         ($1, 'Jane Doe', 'VP Engineering', 'high', 'champion', 'promoter', 4, $2, null), \
         ($1, 'Raymond Kowalski', 'CISO', 'medium', 'blocker', 'detractor', 2, null, null), \
         ($1, 'Old Sponsor', 'CIO', 'high', 'economic_buyer', 'promoter', 5, null, now() - interval '3 days'), \
         ($1, 'Lee Low', 'Engineer', 'low', 'user', 'neutral', 3, null, null), \
         ($3, 'Wayne Secret Contact', 'CEO', 'high', 'champion', 'promoter', 5, null, null)",
    )
    .bind(acme.account_id)
    .bind(sam.user_id)
    .bind(wayne.account_id)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into whitespace (account_id, stage, vendor, annual_spend, contract_end, appetite) values \
         ($1, 'verify', 'Jenkins', 200000, $2, 'high'), \
         ($1, 'plan', 'Jira', 90000, $3, 'low'), \
         ($4, 'secure', 'Wayne Secret Vendor', 1, $2, 'high')",
    )
    .bind(acme.account_id)
    .bind(today + Duration::days(57))
    .bind(today + Duration::days(400))
    .bind(wayne.account_id)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into intel_item (account_id, source, headline, url, category, published_at, dedupe_key) values \
         ($1, 'test', 'Acme raises a Series F', 'https://news.example.com/f', 'funding', now() - interval '1 day', 'a'), \
         ($1, 'test', 'Acme names a new CTO', null, 'leadership_change', now() - interval '2 days', 'b'), \
         ($2, 'test', 'Wayne secret headline', null, 'funding', now(), 'c')",
    )
    .bind(acme.account_id)
    .bind(wayne.account_id)
    .execute(pool)
    .await
    .unwrap();
    for (account, owner, title, days) in [
        (&acme, dana.user_id, "Send the renewal quote", -10),
        (&acme, sam.user_id, "Run the security workshop", -2),
        (&acme, dana.user_id, "Book the QBR", 20),
        (&wayne, eve.user_id, "Wayne secret item", -5),
    ] {
        let new = NewAction { account_id: account.account_id, title: title.into(), owner_id: owner, due_date: Some(today + Duration::days(days)) };
        actions::add(pool, &new, Actor::SYSTEM).await.unwrap();
    }
}

/// What Slack shows of a message as lines, buttons left out.
pub fn shown_lines(message: &serde_json::Value) -> Vec<String> {
    let without_buttons: Vec<serde_json::Value> =
        message["blocks"].as_array().unwrap().iter().filter(|b| b["type"] != "actions").cloned().collect();
    let text = visible_text(&serde_json::json!({"blocks": without_buttons}));
    text.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect()
}

/// The app with Dana (`U0DANA`) owning Acme Corporation (an active plan with
/// nothing written yet), Sam (`U0SAM`) its SA, and Eve (`U0EVE`) on no team:
/// the account id and the plan id.
pub async fn acme_team_app() -> (TestApp, i64, i64) {
    let app = spawn_app().await;
    let dana = slack_person(&app, "U0DANA", "dana@example.com", None).await;
    let sam = slack_person(&app, "U0SAM", "sam@example.com", None).await;
    slack_person(&app, "U0EVE", "eve@example.com", None).await;
    let (acme, plan) = account_with_plan(&app.db.pool, "Acme Corporation", &dana).await;
    join_team(&app.db.pool, &acme, &sam, TeamRole::Sa).await;
    (app, acme.account_id, plan.plan_id)
}

/// A click on a message button, as Slack posts it (no `response_url`: a
/// reply outside planbot's DM then goes to the clicker's DM). Clicks that
/// differ in who, where, which button or its value have their own
/// `trigger_id`; the same click twice is the same click.
pub fn button_click(user: &str, channel: &str, action_id: &str, value: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "container": {"type": "message", "message_ts": "1700000000.000400", "channel_id": channel, "is_ephemeral": false},
        "trigger_id": format!("trigger-{user}-{channel}-{action_id}-{value}"),
        "channel": {"id": channel, "name": "x"},
        "message": {"type": "message", "ts": "1700000000.000400", "text": "x", "blocks": []},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": "1700000001.000000", "text": {"type": "plain_text", "text": "x"}}],
    })
}

/// A modal submitted by `user`: its callback id, its state's values and
/// its private metadata, as Slack sends a `view_submission`.
pub fn submission(user: &str, callback_id: &str, values: serde_json::Value, metadata: &str) -> serde_json::Value {
    serde_json::json!({
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "someone", "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "trigger_id": "trigger-3",
        "view": {"id": "V0FORM", "team_id": TEAM_ID, "type": "modal", "callback_id": callback_id, "hash": "h",
                 "private_metadata": metadata, "title": {"type": "plain_text", "text": "x"}, "blocks": [],
                 "state": {"values": values}},
    })
}
