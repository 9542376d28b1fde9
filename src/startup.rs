//! Builds the running service: database, state, router, background tasks,
//! and a graceful shutdown that lets in-flight work finish.
//!
//! The top of the house: it may import every module; nothing imports it
//! but `lib.rs` (and the tests, which start an [`Application`] on port 0).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::app::{App, Background};
use crate::config::{DatabaseArgs, Secret, ServeArgs};
use crate::db::{self, Database};
use crate::app::slack_api::SlackApi;
use crate::slack::client::SlackHttp;
use crate::state::{AppState, Settings};

/// All of planbot's HTTP routes.
pub fn router(state: AppState) -> Router {
    // Slack's and the API's requests are bounded: beyond `max_in_flight` at
    // once, a request is answered 503 at once (Slack retries events) rather
    // than queued, so memory stays bounded under any load. The health and
    // metrics endpoints stay outside the bound and always answer.
    let bounded = Router::new()
        .merge(crate::slack::http::routes())
        .merge(crate::api::router())
        .layer(
            tower::ServiceBuilder::new()
                .layer(axum::error_handling::HandleErrorLayer::new(|_: tower::BoxError| async {
                    metrics::counter!("planbot_requests_shed_total").increment(1);
                    (StatusCode::SERVICE_UNAVAILABLE, [(axum::http::header::RETRY_AFTER, "1")], "planbot is busy; try again in a moment")
                }))
                .load_shed()
                .concurrency_limit(state.settings.max_in_flight),
        );
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(bounded)
        .with_state(state)
}

/// Which service each new connection gets: the full router while fewer than
/// `max_connections` are open (the connection holds a slot until it
/// closes), else a one-answer service (`/healthz` 200, anything else 503,
/// `Connection: close`). However many connections a flood opens, only the
/// slots cost memory, and a health probe is still answered.
#[derive(Clone)]
pub struct Admission {
    full: Router,
    overflow: Router,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Admission {
    pub fn new(full: Router, max_connections: usize) -> Self {
        let close = [(axum::http::header::CONNECTION, "close")];
        let overflow = Router::new()
            .route("/healthz", get(move || async move { (close, "ok") }))
            .fallback(move || async move {
                metrics::counter!("planbot_connections_turned_away_total").increment(1);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::CONNECTION, "close"), (axum::http::header::RETRY_AFTER, "1")],
                    "planbot is busy; try again in a moment",
                )
            });
        Admission { full, overflow, slots: Arc::new(tokio::sync::Semaphore::new(max_connections)) }
    }
}

impl<'a> tower::Service<axum::serve::IncomingStream<'a, TcpListener>> for Admission {
    type Response = Router;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Router, std::convert::Infallible>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: axum::serve::IncomingStream<'a, TcpListener>) -> Self::Future {
        let service = match self.slots.clone().try_acquire_owned() {
            // The slot is released when the connection's router is dropped.
            Ok(slot) => self.full.clone().layer(axum::Extension(Arc::new(slot))),
            Err(_) => self.overflow.clone(),
        };
        std::future::ready(Ok(service))
    }
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
    let ping = tokio::time::timeout(Duration::from_secs(2), crate::store::ping(&state.pool)).await;
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
        let settings = Settings {
            signing_secret,
            team_id,
            api_token: args.api_token.clone(),
            replica: args.outbox.replica_name(),
            max_in_flight: args.max_in_flight.max(1),
            max_connections: args.max_connections.max(1),
        };
        let tasks = TaskTracker::new();
        let background = Background { tasks: tasks.clone(), shutdown: shutdown.clone() };
        let outbox_wake = Arc::new(tokio::sync::Notify::new());
        let state = AppState {
            app: App::new(pool.clone(), slack.clone(), slack_args.admins.iter().cloned(), background)
                .with_key_tiers(&args.schedule.key_tiers)
                .with_outbox_wake(outbox_wake.clone()),
            pool,
            slack,
            settings: Arc::new(settings),
            metrics: crate::telemetry::metrics_handle(),
            shutdown,
            tasks,
            outbox_wake,
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
                    tracing::error!(error = %crate::telemetry::ErrorChain(&err), "Socket Mode stopped");
                }
            });
        }
        crate::jobs::spawn_background(&self.state, self.jobs, self.delivery, self.scheduler);
        let admission = Admission::new(router(self.state.clone()), self.state.settings.max_connections);
        axum::serve(self.listener, admission)
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
