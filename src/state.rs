//! The one application state every request handler and background task
//! shares ([`AppState`]), cloned per request.
//!
//! May import: configuration types, the application layer, the Slack client
//! trait and the database pool. [`crate::startup`] builds it; `slack/`,
//! `api/` and `jobs/` read it.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::app::App;
use crate::config::Secret;
use crate::app::slack_api::SlackApi;

/// Everything a request handler or background task needs; cloned per request.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub app: App,
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
    /// Slack and API requests handled at once; more are answered 503 at once.
    pub max_in_flight: usize,
    /// Connections served in full at once (see [`crate::startup::Admission`]).
    pub max_connections: usize,
}
