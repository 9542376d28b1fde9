//! Builds the running service: database, state, router, background tasks,
//! and a graceful shutdown that lets in-flight work finish.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::assistant::Assistant;
use crate::config::{DatabaseArgs, Secret, ServeArgs};
use crate::db::{self, Database};
use crate::slack::api::SlackApi;
use crate::slack::client::SlackHttp;

/// Everything a request handler or background task needs; cloned per request.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub assistant: Assistant,
    pub slack: Arc<dyn SlackApi>,
    pub settings: Arc<Settings>,
    pub metrics: PrometheusHandle,
    /// Cancelled when the process is asked to stop; readiness turns false.
    pub shutdown: CancellationToken,
    /// Work that continues after Slack has been acknowledged, and the
    /// background loops; shutdown waits for them.
    pub tasks: TaskTracker,
    /// Wakes the outbox worker: call `notify_one()` after committing an
    /// enqueue, and the message goes out at once instead of at the next poll.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Who was last asked of Slack when (`users.info`), so a person's
    /// requests ask Slack at most once in a while even while Slack fails.
    pub slack_sync: Arc<crate::slack::handlers::SyncGate>,
}

/// What handlers need to know of the configuration.
#[derive(Debug)]
pub struct Settings {
    pub signing_secret: Secret,
    /// The one workspace this deployment serves.
    pub team_id: String,
    pub api_token: Option<Secret>,
    /// This process's name in job runs and outbox leases.
    pub replica: String,
}

/// A name for this replica: `PLANBOT_REPLICA`, else host name and process id.
pub fn replica_name() -> String {
    std::env::var("PLANBOT_REPLICA").ok().filter(|r| !r.is_empty()).unwrap_or_else(|| {
        let host = std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "planbot".into());
        format!("{host}-{}", std::process::id())
    })
}

/// The process-wide Prometheus recorder (metrics' global recorder can be
/// installed once; tests build many apps in one process).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder().handle())
        })
        .clone()
}

/// All of planbot's HTTP routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(crate::slack::http::routes())
        .merge(crate::api::router())
        .with_state(state)
}

/// The process is alive.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers and it is not shutting down.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    let ping = tokio::time::timeout(Duration::from_secs(2), sqlx::query("select 1").execute(&state.pool)).await;
    match ping {
        Ok(Ok(_)) => (StatusCode::OK, "ready"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// A built service, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    grace: Duration,
    /// Socket Mode's client and app-level token, when `SLACK_APP_TOKEN` is set.
    socket_mode: Option<(Arc<slack_morphism::SlackClient<crate::slack::client::Connector>>, Secret)>,
    jobs: crate::jobs::JobSettings,
    /// Whether this process runs the scheduled jobs (every replica does;
    /// tests that drive the jobs' clock themselves turn it off).
    scheduler: bool,
    delivery: crate::jobs::outbox_worker::DeliverySettings,
}

impl Application {
    /// Connects to Slack, learns the workspace, binds the listener (port 0
    /// picks a free port) and prepares the state.
    pub async fn build(pool: PgPool, args: &ServeArgs, shutdown: CancellationToken) -> anyhow::Result<Self> {
        let slack_args = &args.slack;
        let signing_secret = slack_args
            .slack_signing_secret
            .clone()
            .context("SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page")?;
        let bot_token = slack_args
            .slack_bot_token
            .clone()
            .context("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token from your Slack app's OAuth & Permissions page")?;
        let slack_http = SlackHttp::new(&slack_args.slack_api_url, &bot_token)?;
        let socket_mode = slack_args.slack_app_token.clone().map(|token| (slack_http.client(), token));
        let slack: Arc<dyn SlackApi> = Arc::new(slack_http);
        let team_id = match &slack_args.slack_team_id {
            Some(team) => team.clone(),
            None => {
                slack
                    .auth_test()
                    .await
                    .context("could not ask Slack which workspace the bot token belongs to (auth.test); set SLACK_TEAM_ID to skip this")?
                    .team_id
            }
        };
        let listener = TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("could not listen on {}", args.listen))?;
        let settings = Settings { signing_secret, team_id, api_token: args.api_token.clone(), replica: replica_name() };
        let state = AppState {
            assistant: Assistant::new(pool.clone(), slack.clone(), slack_args.admins.iter().cloned()),
            pool,
            slack,
            settings: Arc::new(settings),
            metrics: metrics_handle(),
            shutdown,
            tasks: TaskTracker::new(),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            slack_sync: Arc::default(),
        };
        Ok(Application {
            listener,
            state,
            grace: Duration::from_secs(args.shutdown_grace_secs),
            jobs: (&args.schedule).into(),
            delivery: (&args.outbox).into(),
            socket_mode,
            scheduler: true,
        })
    }

    /// Serves without running the scheduled jobs here (the outbox worker
    /// still runs): for tests and tools that run jobs at times they choose.
    pub fn without_scheduler(mut self) -> Self {
        self.scheduler = false;
        self
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the shutdown token is cancelled, then lets in-flight
    /// requests and tasks finish (up to the grace period). The scheduler and
    /// the outbox worker run alongside.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let shutdown = self.state.shutdown.clone();
        let tasks = self.state.tasks.clone();
        tracing::info!(address = %self.local_addr(), replica = %self.state.settings.replica, "planbot is listening");
        if let Some((client, token)) = self.socket_mode {
            let state = self.state.clone();
            tasks.spawn(async move {
                if let Err(err) = crate::slack::socket::run(state, client, token).await {
                    tracing::error!(error = %format!("{err:#}"), "Socket Mode stopped");
                }
            });
        }
        crate::jobs::spawn_background(&self.state, self.jobs, self.delivery, self.scheduler);
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
            .context("the HTTP server failed")?;
        tasks.close();
        if tokio::time::timeout(self.grace, tasks.wait()).await.is_err() {
            tracing::warn!("background work did not finish within the shutdown grace period");
        }
        Ok(())
    }
}

/// Cancels `token` on SIGTERM or Ctrl-C.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = terminate => {},
        }
        tracing::info!("shutting down");
        token.cancel();
    });
}

/// `planbot serve`.
pub async fn serve(database: &DatabaseArgs, args: ServeArgs) -> anyhow::Result<()> {
    let db = Database::open(database, db::DEFAULT_DATABASE).await?;
    db.migrate().await?;
    let shutdown = CancellationToken::new();
    cancel_on_signal(shutdown.clone());
    let app = Application::build(db.pool.clone(), &args, shutdown).await?;
    let result = app.run_until_stopped().await;
    db.close().await;
    result
}
